/// What GitHub knows about an event when it decides whether a workflow runs.
public struct EventFacts: Sendable {
    /// The event name.
    public let event: String
    /// The full ref pushed (`refs/heads/main`, `refs/tags/v1`); for pull requests, the
    /// base branch's ref.
    public let ref: String
    /// Files changed by the push or pull request; nil when unknown (then paths filters pass,
    /// as GitHub runs a workflow when it cannot compute the diff).
    public let changedPaths: [String]?
    /// The activity type (`opened`, `synchronize`, …), for events that have one.
    public let activity: String?

    /// Creates facts.
    public init(event: String, ref: String, changedPaths: [String]?, activity: String? = nil) {
        self.event = event
        self.ref = ref
        self.changedPaths = changedPaths
        self.activity = activity
    }
}

/// Whether a workflow runs for an event, and why, in GitHub's terms.
public struct TriggerDecision: Sendable, Equatable {
    /// Whether the workflow runs.
    public let runs: Bool
    /// The reason, for `--list` and `--dry-run`.
    public let reason: String
}

extension Workflow {
    /// Decides, as GitHub does, whether this workflow runs for the event.
    ///
    /// - push: branch filters apply to branch pushes, tag filters to tag pushes; a workflow
    ///   that filters only one kind of ref does not run for the other; paths filters apply
    ///   to branch pushes only (not tags), and all filters must pass.
    /// - pull_request / pull_request_target: branch filters apply to the base branch;
    ///   `types` defaults to opened, synchronize and reopened.
    /// - other events: `types`, when given, must list the activity.
    public func decide(for facts: EventFacts) -> TriggerDecision {
        guard let trigger = trigger(facts.event) else {
            return TriggerDecision(runs: false, reason: "not triggered by '\(facts.event)' (it runs on: \(triggers.map(\.event).joined(separator: ", ")))")
        }
        let filters = trigger.compiledFilters
        let isTag = facts.ref.hasPrefix("refs/tags/")
        let name = facts.ref.hasPrefix("refs/heads/") ? String(facts.ref.dropFirst(11))
            : isTag ? String(facts.ref.dropFirst(10)) : facts.ref

        if ["push", "pull_request", "pull_request_target"].contains(facts.event) {
            let branchFilters = filters["branches"] != nil || filters["branches-ignore"] != nil
            let tagFilters = filters["tags"] != nil || filters["tags-ignore"] != nil
            let (include, exclude, kind) = isTag ? ("tags", "tags-ignore", "tag") : ("branches", "branches-ignore", "branch")
            if facts.event == "push", isTag ? (branchFilters && !tagFilters) : (tagFilters && !branchFilters) {
                return TriggerDecision(runs: false, reason: "filters only \(isTag ? "branches" : "tags"), so a \(kind) push does not run it")
            }
            if let patterns = filters[include], !FilterPattern.evaluate(patterns, name) {
                return TriggerDecision(runs: false, reason: "\(kind) '\(name)' does not match '\(include)'")
            }
            if let patterns = filters[exclude], FilterPattern.evaluate(patterns, name) {
                return TriggerDecision(runs: false, reason: "\(kind) '\(name)' matches '\(exclude)'")
            }
            if !(facts.event == "push" && isTag), let changed = facts.changedPaths {
                if let patterns = filters["paths"], !changed.contains(where: { FilterPattern.evaluate(patterns, $0) }) {
                    return TriggerDecision(runs: false, reason: "no changed file matches 'paths' (\(changed.count) changed)")
                }
                if let patterns = filters["paths-ignore"], !changed.isEmpty, changed.allSatisfy({ FilterPattern.evaluate(patterns, $0) }) {
                    return TriggerDecision(runs: false, reason: "every changed file matches 'paths-ignore'")
                }
            }
        }
        var types = trigger.types
        if types.isEmpty, facts.event == "pull_request" || facts.event == "pull_request_target" {
            types = ["opened", "synchronize", "reopened"]
        }
        if !types.isEmpty, let activity = facts.activity, !types.contains(activity) {
            return TriggerDecision(runs: false, reason: "activity '\(activity)' is not in 'types' (\(types.joined(separator: ", ")))")
        }
        return TriggerDecision(runs: true, reason: "triggered by '\(facts.event)'\(name.isEmpty ? "" : " on \(name)")")
    }
}

extension Trigger {
    /// The filters compiled; patterns that do not compile were reported when decoding.
    var compiledFilters: [String: [FilterPattern]] {
        filters.mapValues { $0.compactMap { try? FilterPattern($0) } }
    }
}

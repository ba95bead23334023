import Checks
import Crypto
import Foundation
import GitState

/// Counts the approvals for a version entering a stage (see `Decision.ApprovalCount`).
public protocol ApprovalSource {
    /// Approvals of `version` of `model` at `commit` for `stage`, over the evidence whose
    /// digest is `evidenceDigest`, judged against `approvals`.
    /// A recorded approvals note that cannot be read is an error, never "no approvals".
    func approvals(model: String, version: String, commit: String, stage: String, evidenceDigest: String,
                   rules: Policy.Approvals) throws(RegistryError) -> Decision.ApprovalCount
}

/// Evaluates the policy for one promotion and explains the outcome. Changes nothing.
public struct Gate {
    public let repository: Repository
    public let policy: Policy
    public let approvals: any ApprovalSource
    /// The time the decision is made at (for wait timers).
    public var now: Date

    public init(repository: Repository, policy: Policy, approvals: any ApprovalSource, now: Date = Date()) {
        self.repository = repository
        self.policy = policy
        self.approvals = approvals
        self.now = now
    }

    /// What is being promoted, once resolved.
    public struct Candidate {
        public let model: ModelRecord
        public let version: ModelVersion

        public init(model: ModelRecord, version: ModelVersion) { (self.model, self.version) = (model, version) }
    }

    /// Finds the version: `version` (v1.2.0), else the one registered at `revision`, else the
    /// model's latest. Problems with the request are usage errors.
    public func candidate(model name: String, version: String?, revision: String?) throws(RegistryError) -> Candidate {
        if !policy.models.isEmpty, policy.model(name) == nil {
            throw RegistryError("model '\(name)' is not in \(policy.file); models there: \(policy.models.map(\.name).joined(separator: ", "))")
        }
        let state = try Registry(repository: repository).state()
        guard let model = state.model(name) else {
            throw RegistryError("no model '\(name)' is registered; register a version first: mlgate register \(name)")
        }
        if let version {
            let wanted = version.hasPrefix("v") ? version : "v" + version
            guard let found = model.version(wanted) else {
                throw RegistryError("\(name) has no version \(wanted); versions: \(model.versions.map(\.version.description).joined(separator: ", "))")
            }
            return Candidate(model: model, version: found)
        }
        if let revision {
            let commit = try Registry(repository: repository).resolve(revision)
            guard let found = model.versions.last(where: { $0.commit == commit && $0.deregistered == nil }) else {
                throw RegistryError("no version of \(name) is registered at \(commit.prefix(7)); register it first: mlgate register \(name) \(revision)")
            }
            return Candidate(model: model, version: found)
        }
        guard let latest = model.latest else { throw RegistryError("\(name) has no registered version") }
        return Candidate(model: model, version: latest)
    }

    /// Decides whether `candidate` may enter `stageName`.
    public func decide(_ candidate: Candidate, to stageName: String) throws(RegistryError) -> Decision {
        guard let stage = policy.stage(stageName) else {
            throw RegistryError("there is no stage '\(stageName)' in \(policy.file); stages: \(policy.stages.map(\.name).joined(separator: ", "))")
        }
        let model = candidate.model, version = candidate.version
        let versionName = version.name, commit = version.commit
        var rejections: [String] = [], holds: [String] = [], notes: [String] = []

        if model.deprecated != nil { rejections.append("\(model.name) is deprecated") }
        if version.deregistered != nil { rejections.append("\(versionName) is deregistered") }
        let current = model.current(in: stage.name)
        let alreadyThere = current?.version == versionName
        if alreadyThere, let current {
            notes.append("\(versionName) is already in \(stage.name) (since \(current.stamp.time.map { Timestamp.text($0) } ?? "?")); nothing to change")
        }

        // The stage it comes from, and the wait timer.
        let fromStage = stage.from ?? policy.stages.prefix { $0.name != stage.name }.last { model.current(in: $0.name)?.version == versionName }?.name
        if let from = stage.from {
            if let inFrom = model.current(in: from), inFrom.version == versionName {
                notes.append("\(versionName) is in \(from)")
                if let wait = stage.wait, let since = inFrom.stamp.time {
                    let ready = since.addingTimeInterval(wait)
                    if ready > now { holds.append("the wait timer: \(versionName) entered \(from) at \(Timestamp.text(since)); \(stage.name) may take it from \(Timestamp.text(ready))") }
                }
            } else {
                let holder = model.current(in: from).map { "\(from) holds \($0.version)" } ?? "\(from) is empty"
                rejections.append("\(versionName) is not in \(from), which \(stage.name) requires (\(holder)); promote it to \(from) first")
            }
        } else if let wait = stage.wait {
            // Without `from`, the time spent in the stage before this one (in the policy's
            // order), or since registration when the version is not there.
            let previous = policy.stages.prefix { $0.name != stage.name }.last?.name
            let entered = previous.flatMap { name in model.current(in: name).flatMap { $0.version == versionName ? ($0.stamp.time, name) : nil } }
            let (since, what) = entered.map { ($0.0, "entered \($0.1)") } ?? (version.registered.time, "was registered")
            if let since, since.addingTimeInterval(wait) > now {
                holds.append("the wait timer: \(versionName) \(what) at \(Timestamp.text(since)); \(stage.name) may take it from \(Timestamp.text(since.addingTimeInterval(wait)))")
            }
        }

        // Deployment branches.
        if !stage.branches.isEmpty {
            let onBranch = branchesContaining(commit, matching: stage.branches)
            if onBranch.isEmpty { rejections.append("\(commit.prefix(7)) is not on a branch \(stage.name) accepts (\(stage.branches.joined(separator: ", ")))") }
            else { notes.append("\(commit.prefix(7)) is on \(onBranch.joined(separator: ", "))") }
        }

        // Required checks, from the evidence on the version's commit.
        let evidence = try EvidenceStore(repository: repository).results(on: commit)
        var verdicts: [Decision.CheckVerdict] = []
        for requirement in stage.checks {
            let result = evidence.first { $0.check == requirement.name && $0.model == model.name }
                ?? evidence.first { $0.check == requirement.name && $0.model == nil }
            guard let result else {
                verdicts.append(.init(name: requirement.name, status: "missing", digest: nil))
                rejections.append("check \(requirement.name) has no recorded result on \(commit.prefix(7)); run it with mlgate check … --record (or inside mlgate run)")
                continue
            }
            verdicts.append(.init(name: requirement.name, status: result.status.rawValue, digest: result.digest))
            switch result.status {
            case .pass: notes.append("check \(requirement.name) passed: \(result.summary)")
            case .warn where requirement.allowWarn: notes.append("check \(requirement.name) warned, which \(stage.name) allows: \(result.summary)")
            case .warn: rejections.append("check \(requirement.name) warned and \(stage.name) requires a pass: \(result.summary)")
            case .fail, .error:
                // The failing measurements, as the check stated them ("f1 0.812 < champion 0.83 − 0.01").
                let failing = result.rules.filter { $0.verdict != .pass }.map(\.message)
                rejections.append("check \(requirement.name) \(result.status == .fail ? "failed" : "could not run"): "
                                  + (failing.isEmpty ? result.summary : failing.joined(separator: "; ")))
            }
        }
        let evidenceDigest = Self.evidenceDigest(verdicts)

        // Approvals.
        var count = Decision.ApprovalCount(required: 0, valid: [], invalid: [])
        if let rules = stage.approvals, rules.required > 0 {
            count = try approvals.approvals(model: model.name, version: versionName, commit: commit, stage: stage.name,
                                        evidenceDigest: evidenceDigest, rules: rules)
            for rejection in count.rejectedBy { rejections.append("rejected by \(rejection)") }
            if count.valid.count >= rules.required {
                notes.append("approved by \(count.valid.joined(separator: ", "))")
            } else {
                holds.append("\(stage.name) needs \(rules.required) approval(s), has \(count.valid.count): mlgate approve \(model.name) --version \(versionName) --stage \(stage.name)")
            }
            for reason in count.invalid { notes.append("not counted: \(reason)") }
        }

        let kind: Decision.Kind = !rejections.isEmpty ? .reject : (!holds.isEmpty ? .hold : .promote)
        let champion = current.flatMap { $0.version == versionName ? nil : Decision.Champion(version: $0.version, commit: $0.stamp.commit) }
        return Decision(model: model.name, version: versionName, commit: commit, from: fromStage, to: stage.name, decision: kind,
                        reasons: rejections + holds + notes, checks: verdicts, approvals: count, champion: champion,
                        alreadyThere: alreadyThere && kind == .promote, evidenceDigest: evidenceDigest, decidedAt: Timestamp.text(now))
    }

    /// Local branches whose history contains `commit`, among those matching `patterns` (globs).
    func branchesContaining(_ commit: String, matching patterns: [String]) -> [String] {
        let branches = (try? repository.references(matching: "refs/heads/*")) ?? []
        return branches.compactMap { ref -> String? in
            let name = String(ref.dropFirst("refs/heads/".count))
            guard patterns.contains(where: { fnmatch($0, name, 0) == 0 }),
                  let tip = try? repository.target(of: ref),
                  (try? repository.mergeBase(commit, tip)) == commit else { return nil }
            return name
        }
    }

    /// The digest approvals sign: sha256 over the required checks' names and result digests.
    static func evidenceDigest(_ verdicts: [Decision.CheckVerdict]) -> String {
        let text = verdicts.sorted { $0.name < $1.name }.map { "\($0.name) \($0.digest ?? "missing")\n" }.joined()
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

}

/// Counts no approvals (for tests and tools that never promote past an approval).
public struct NoApprovals: ApprovalSource {
    public init() {}
    public func approvals(model: String, version: String, commit: String, stage: String, evidenceDigest: String,
                          rules: Policy.Approvals) throws(RegistryError) -> Decision.ApprovalCount {
        .init(required: rules.required, valid: [], invalid: [])
    }
}

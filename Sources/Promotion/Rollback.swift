import Checks
import Foundation
import GitState

/// Puts a stage back to an earlier version: a new assignment of that version (Decision kind
/// `rollback` in the tag's message) and an unassignment of the version that failed, so both
/// mlgate and GTO show the restored version.
public struct Rollback {
    public let repository: Repository

    public init(repository: Repository) {
        self.repository = repository
    }

    /// Rolls `stage` of `model` back to `version` (default: the stage's previous version),
    /// for `reasons`. Returns the decision that was recorded.
    public func perform(model name: String, stage: String, to version: String?, reasons: [String]) throws(RegistryError) -> Decision {
        let registry = Registry(repository: repository)
        guard let model = try registry.state().model(name) else { throw RegistryError("no model '\(name)' is registered") }
        guard let failed = model.current(in: stage) else {
            throw RegistryError("\(name) has no version in \(stage); there is nothing to roll back")
        }
        var target: (version: String, commit: String)?
        if let version {
            let wanted = version.hasPrefix("v") ? version : "v" + version
            guard let found = model.version(wanted), found.deregistered == nil else {
                throw RegistryError("\(name) has no registered version \(wanted) to roll back to")
            }
            guard wanted != failed.version else { throw RegistryError("\(wanted) is what \(stage) holds already") }
            target = (wanted, found.commit)
        } else if let previous = model.previous(in: stage) {
            target = (previous.version, previous.stamp.commit)
        }
        let now = Timestamp.text()
        var allReasons = reasons
        allReasons.append(target.map { "\(stage) goes back from \(failed.version) to \($0.version)" }
                          ?? "\(stage) had no earlier version to go back to; \(failed.version) is removed and the stage is left empty")
        let decision = Decision(model: name, version: target?.version ?? failed.version, commit: target?.commit ?? failed.stamp.commit,
                                from: stage, to: stage, decision: .rollback, reasons: allReasons, checks: [],
                                approvals: .init(required: 0, valid: [], invalid: []),
                                champion: Decision.Champion(version: failed.version, commit: failed.stamp.commit),
                                alreadyThere: false, evidenceDigest: "", decidedAt: now)
        if let target {
            try registry.assign(name, stage: stage, commit: target.commit,
                                message: "Roll back \(name) in \(stage) to \(target.version)\n\n\(decision.json)\n")
        }
        try registry.unassign(name, stage: stage, commit: failed.stamp.commit,
                              message: "Rolled back: \(failed.version) leaves \(stage)\n\n\(decision.json)\n")
        return decision
    }
}

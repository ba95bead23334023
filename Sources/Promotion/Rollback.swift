import Checks
import Foundation
import GitState

/// Puts a stage back to an earlier version: an unassignment of the version that failed, then
/// a new assignment of the earlier one (Decision kind `rollback` in both tags' messages), so
/// both mlgate and GTO show the restored version — also if stopped between the two.
public struct Rollback {
    public let repository: Repository

    public init(repository: Repository) {
        self.repository = repository
    }

    /// Rolls `stage` of `model` back to `version` (default: the stage's previous version),
    /// for `reasons`. Returns the decision that was recorded. A stage is never left empty:
    /// with no version to go back to, nothing is written and a usage error says so.
    public func perform(model name: String, stage: String, to version: String?, reasons: [String]) throws(RegistryError) -> Decision {
        let registry = Registry(repository: repository)
        guard let model = try registry.state().model(name) else { throw RegistryError("no model '\(name)' is registered") }
        guard let failed = model.current(in: stage) else {
            throw RegistryError("\(name) has no version in \(stage); there is nothing to roll back")
        }
        let target: (version: String, commit: String)
        if let version {
            let wanted = version.hasPrefix("v") ? version : "v" + version
            guard let found = model.version(wanted), found.deregistered == nil else {
                throw RegistryError("\(name) has no registered version \(wanted) to roll back to")
            }
            guard wanted != failed.version else { throw RegistryError("\(wanted) is what \(stage) holds already") }
            target = (wanted, found.commit)
        } else if let previous = model.previous(in: stage) {
            target = (previous.version, previous.stamp.commit)
        } else {
            // Never leave a stage empty: without an earlier version, nothing is written.
            throw RegistryError("\(stage) has no earlier version of \(name) to go back to; \(failed.version) stays in \(stage). "
                                + "Name one with --to VERSION, or promote a fixed version")
        }
        let now = Timestamp.text()
        let decision = Decision(model: name, version: target.version, commit: target.commit,
                                from: stage, to: stage, decision: .rollback,
                                reasons: reasons + ["\(stage) goes back from \(failed.version) to \(target.version)"], checks: [],
                                approvals: .init(required: 0, valid: [], invalid: []),
                                champion: Decision.Champion(version: failed.version, commit: failed.stamp.commit),
                                alreadyThere: false, evidenceDigest: "", decidedAt: now)
        // The failed version leaves first: the target is still assigned, so if the process is
        // stopped between the two writes, mlgate and GTO both already show the target.
        try registry.unassign(name, stage: stage, commit: failed.stamp.commit,
                              message: "Rolled back: \(failed.version) leaves \(stage)\n\n\(decision.json)\n")
        try registry.assign(name, stage: stage, commit: target.commit,
                            message: "Roll back \(name) in \(stage) to \(target.version)\n\n\(decision.json)\n")
        return decision
    }
}

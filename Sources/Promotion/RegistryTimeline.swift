import Checks
import Foundation
import GitState

/// One thing that happened to a model in the registry: a registration, an assignment, a
/// rollback, a signed approval… (what `mlgate history` lists and the site's timelines show).
/// A class: a large registry's timelines hold hundreds of thousands, sorted and shared
/// between pages without copying their fields.
public final class RegistryEvent: Sendable {
    /// `registered`, `deregistered`, `assigned`, `unassigned`, `rolled back to`,
    /// `rolled back`, `approved`, `rejected` or `deprecated`.
    public let event: String
    public let version: String
    public let stage: String?
    public let commit: String
    /// The tag that records it ("" for approvals, which live in notes).
    public let tag: String
    public let time: Date?
    public let by: String?
    public let message: String
    /// Time, then the registry's counter (an approval sits just before the assignment it
    /// allowed), for ordering.
    public let order: Double

    init(event: String, version: String, stage: String?, commit: String, tag: String, time: Date?, by: String?, message: String, order: Double) {
        (self.event, self.version, self.stage, self.commit, self.tag) = (event, version, stage, commit, tag)
        (self.time, self.by, self.message, self.order) = (time, by, message, order)
    }
}

/// A model's events, oldest first: from its tags and from the signed statements recorded on
/// its versions' commits (as recorded; the gate verifies them when it decides).
public enum RegistryTimeline {
    public static func events(of model: ModelRecord, repository: Repository) -> [RegistryEvent] {
        events(of: model, statements: statements(of: model, repository: repository))
    }

    /// The signed statements (approvals, rejections) recorded on the model's versions'
    /// commits, read from the approvals notes.
    public static func statements(of model: ModelRecord, repository: Repository) -> [ApprovalStatement] {
        statements(of: model, repository: repository, noted: notedCommits(repository, ref: ApprovalStore.notesRef))
    }

    /// `statements(of:repository:)`, asking only the commits in `noted` (the commits with an
    /// approvals note, from `notedCommits`; nil: every version's commit).
    public static func statements(of model: ModelRecord, repository: Repository, noted: Set<String>?) -> [ApprovalStatement] {
        let approvals = ApprovalStore(repository: repository, root: "")
        var out: [ApprovalStatement] = []
        for version in model.versions where noted?.contains(version.commit) ?? true {
            for signed in (try? approvals.recorded(on: version.commit)) ?? [] {
                guard let statement = ApprovalStatement(text: signed.statement), statement.model == model.name else { continue }
                out.append(statement)
            }
        }
        return out
    }

    /// The model's events from its tags (read already) and `statements` (from
    /// `statements(of:repository:)`), oldest first. Reads nothing from git. `registered`:
    /// each version's `registered` stamp, when the caller has them already.
    public static func events(of model: ModelRecord, statements: [ApprovalStatement], registered: [RegistryStamp]? = nil) -> [RegistryEvent] {
        var events: [RegistryEvent] = []
        events.reserveCapacity(model.versions.count + model.stageTags.count + statements.count + 1)
        func add(_ kind: String, _ version: String, _ stage: String?, _ stamp: RegistryStamp, counter: Double) {
            events.append(RegistryEvent(event: kind, version: version, stage: stage, commit: stamp.commit, tag: stamp.tag, time: stamp.time,
                                        by: stamp.author, message: stamp.message, order: counter))
        }
        let registered = registered ?? model.versions.map(\.registered)
        precondition(registered.count == model.versions.count, "one registered stamp per version")
        for v in model.versions.indices {
            add("registered", model.versions[v].name, nil, registered[v], counter: 0)
            if let gone = model.versions[v].deregistered { add("deregistered", model.versions[v].name, nil, gone, counter: 0) }
        }
        let stageEvents = model.stageEvents
        for event in stageEvents {
            let rollback = RegistryStamp.mentions(event.stamp.message, "\"decision\":\"rollback\"")
            let kind = event.kind == .assign ? (rollback ? "rolled back to" : "assigned") : (rollback ? "rolled back" : "unassigned")
            add(kind, event.version, event.stage, event.stamp, counter: Double(event.counter))
        }
        for statement in statements {
            let time = Timestamp.date(statement.time)
            // Within its second: after what came before it, just before the assignment it
            // allowed (the version's next one to that stage), else after everything.
            let allowed = stageEvents.first { $0.kind == .assign && $0.version == statement.version && $0.stage == statement.stage
                && ($0.stamp.time.map { $0 >= (time ?? .distantPast) } ?? true) }
            events.append(RegistryEvent(event: statement.verdict == .approve ? "approved" : "rejected", version: statement.version,
                                        stage: statement.stage, commit: statement.commit, tag: "", time: time, by: statement.signer,
                                        message: statement.comment, order: allowed.map { Double($0.counter) - 0.5 } ?? Double(Int.max)))
        }
        if let deprecated = model.deprecated { add("deprecated", "", nil, deprecated, counter: Double(Int.max)) }
        // Sorted through plain keys (time, order, place), then moved once.
        let keys = events.enumerated().map { (($0.element.time ?? .distantPast).timeIntervalSinceReferenceDate, $0.element.order, $0.offset) }
        return keys.sorted { $0 < $1 }.map { events[$0.2] }
    }

    /// The commits that have a note under `ref` (nil when they cannot be listed: then every
    /// commit is asked), so a registry of many versions asks only the ones with notes.
    public static func notedCommits(_ repository: Repository, ref: String) -> Set<String>? {
        let tip: String?
        do { tip = try repository.target(of: ref) } catch { return nil }
        guard let tip else { return [] }
        return (try? repository.notedObjects(inNotesCommit: tip)).map(Set.init)
    }
}

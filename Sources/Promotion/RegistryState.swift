import Foundation
import GitState

/// Who did something in the registry, and when (from the annotated tag).
public struct RegistryStamp: Sendable, Equatable {
    public let tag: String
    public let commit: String
    public let time: Date?
    public let author: String?
    public let authorEmail: String?
    public let message: String
}

/// A registered version of a model.
public struct ModelVersion: Sendable, Equatable {
    public let version: SemanticVersion
    public let registered: RegistryStamp
    /// Set when the version was deregistered (`NAME@vX.Y.Z!`).
    public var deregistered: RegistryStamp?
    public var commit: String { registered.commit }
}

/// An assignment of a version to a stage, or its removal.
public struct StageEvent: Sendable, Equatable {
    public enum Kind: String, Sendable { case assign, unassign }
    public let kind: Kind
    public let stage: String
    /// The per-model counter of the tag (`NAME#STAGE#N`).
    public let counter: Int
    /// The version registered on the tag's commit, or the commit itself when none is (as GTO
    /// shows unregistered versions).
    public let version: String
    public let stamp: RegistryStamp
}

/// Everything the registry holds about one model.
public struct ModelRecord: Sendable {
    public let name: String
    /// Registered versions, lowest first.
    public internal(set) var versions: [ModelVersion] = []
    /// Stage events, by counter.
    public internal(set) var stageEvents: [StageEvent] = []
    /// Set when the model was deprecated.
    public internal(set) var deprecated: RegistryStamp?

    /// The highest counter used by any of the model's tags (the next tag takes one more).
    public internal(set) var highestCounter = 0

    /// The highest registered version that is not deregistered.
    public var latest: ModelVersion? {
        versions.last { $0.deregistered == nil }
    }

    /// The version with this name (`v1.2.0`), registered or not.
    public func version(_ name: String) -> ModelVersion? {
        versions.first { $0.version.description == name }
    }

    /// Stage names, in the order they were first used.
    public var stages: [String] {
        var seen: [String] = []
        for event in stageEvents where !seen.contains(event.stage) { seen.append(event.stage) }
        return seen
    }

    /// The stage's current assignment: among the versions whose last event in the stage (by
    /// counter) is an assignment, the one assigned last. nil when the stage is empty.
    public func current(in stage: String) -> StageEvent? {
        var lastByVersion: [String: StageEvent] = [:]
        for event in stageEvents where event.stage == stage { lastByVersion[event.version] = event }
        return lastByVersion.values.filter { $0.kind == .assign }.max { $0.counter < $1.counter }
    }

    /// The stage's assignment before the current one: the version to go back to. Versions
    /// unassigned from the stage (for instance after a failed analysis) are skipped.
    public func previous(in stage: String) -> StageEvent? {
        guard let current = current(in: stage) else { return nil }
        var lastByVersion: [String: StageEvent] = [:]
        for event in stageEvents where event.stage == stage { lastByVersion[event.version] = event }
        lastByVersion[current.version] = nil
        return lastByVersion.values.filter { $0.kind == .assign && $0.counter < current.counter }.max { $0.counter < $1.counter }
    }
}

/// The registry read from a repository's tags.
public struct RegistryState: Sendable {
    /// Models by name, sorted by name.
    public let models: [ModelRecord]

    /// Reads every registry tag (names that parse in GTO's grammar; other tags are ignored).
    public init(repository: Repository) throws(GitError) {
        var parsed: [(RegistryTag, TagRecord)] = []
        for (name, id) in try repository.tagNames(where: { $0.contains("@") || $0.contains("#") }) {
            guard let tag = RegistryTag(parsing: name) else { continue }
            parsed.append((tag, try repository.tagRecord(name: name, id: id)))
        }
        self.init(tags: parsed)
    }

    /// Builds the state from parsed tags and what each tag records.
    public init(tags: [(RegistryTag, TagRecord)]) {
        var records: [String: ModelRecord] = [:]
        func stamp(_ record: TagRecord) -> RegistryStamp {
            RegistryStamp(tag: record.name, commit: record.commit, time: record.time, author: record.taggerName,
                          authorEmail: record.taggerEmail, message: record.message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        // Versions first, so assignments can name the version on their commit.
        for (tag, record) in tags {
            var model = records[tag.model] ?? ModelRecord(name: tag.model)
            if let counter = tag.counter { model.highestCounter = max(model.highestCounter, counter) }
            switch tag.action {
            case .register(let version):
                model.versions.append(ModelVersion(version: version, registered: stamp(record)))
            case .deprecate:
                model.deprecated = stamp(record)
            default: break
            }
            records[tag.model] = model
        }
        for (tag, record) in tags {
            guard case .deregister(let version) = tag.action,
                  let index = records[tag.model]?.versions.firstIndex(where: { $0.version == version }) else { continue }
            records[tag.model]!.versions[index].deregistered = stamp(record)
        }
        for name in records.keys { records[name]!.versions.sort { $0.version < $1.version } }
        for (tag, record) in tags {
            let kind: StageEvent.Kind
            let stage: String
            switch tag.action {
            case .assign(let s): (kind, stage) = (.assign, s)
            case .unassign(let s): (kind, stage) = (.unassign, s)
            default: continue
            }
            let model = records[tag.model]!
            let version = model.versions.last { $0.commit == record.commit && $0.deregistered == nil }?.version.description
                ?? model.versions.last { $0.commit == record.commit }?.version.description
                ?? record.commit
            records[tag.model]!.stageEvents.append(StageEvent(kind: kind, stage: stage, counter: tag.counter ?? 0,
                                                              version: version, stamp: stamp(record)))
        }
        for name in records.keys { records[name]!.stageEvents.sort { $0.counter < $1.counter } }
        models = records.values.sorted { $0.name < $1.name }
    }

    /// The model named `name`.
    public func model(_ name: String) -> ModelRecord? {
        models.first { $0.name == name }
    }
}

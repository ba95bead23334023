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

    init(tag: String, commit: String, time: Date?, author: String?, authorEmail: String?, message: String) {
        (self.tag, self.commit, self.time, self.author, self.authorEmail, self.message) = (tag, commit, time, author, authorEmail, message)
    }

    /// `text` without leading and trailing whitespace and line ends, as Foundation trims them
    /// (on the bytes when both ends are ASCII, the common case).
    static func trimmed(_ text: String) -> String {
        let bytes = text.utf8
        func blank(_ b: UInt8) -> Bool { b == 0x20 || (0x09...0x0D).contains(b) }
        guard let first = bytes.first, let last = bytes.last else { return text }
        if first >= 0x80 || last >= 0x80 { return text.trimmingCharacters(in: .whitespacesAndNewlines) }  // Unicode spaces
        guard blank(first) || blank(last) else { return text }
        guard let start = bytes.firstIndex(where: { !blank($0) }) else { return "" }
        let end = bytes.lastIndex(where: { !blank($0) })!
        return String(text[start...end])
    }

    init(_ record: TagRecord) {
        tag = record.name
        commit = record.commit
        time = record.time
        author = record.taggerName
        authorEmail = record.taggerEmail
        message = Self.trimmed(record.message)
    }
}

/// A registered version of a model. Its tag is read when `registered` is first asked for.
public struct ModelVersion: Sendable {
    public let version: SemanticVersion
    /// `version` as text (`v1.2.0`).
    public let name: String
    /// The registered commit.
    public let commit: String
    let tagName: String
    let tagID: String
    let reader: TagReader
    /// Set when the version was deregistered (`NAME@vX.Y.Z!`).
    public var deregistered: RegistryStamp?

    /// Who registered it, when, and why.
    public var registered: RegistryStamp {
        reader.record(name: tagName, id: tagID).map(RegistryStamp.init)
            ?? RegistryStamp(tag: tagName, commit: commit, time: nil, author: nil, authorEmail: nil, message: "")
    }
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

/// Reads tag objects when first needed and keeps them: a registry of thousands of stage tags
/// is answered from the few a question needs.
final class TagReader: @unchecked Sendable {
    private let repository: Repository?
    private var records: [String: TagRecord]
    private let lock = NSLock()

    init(repository: Repository?, records: [String: TagRecord] = [:]) {
        self.repository = repository
        self.records = records
    }

    /// Reads (or recalls) a tag, reporting a failure.
    func read(name: String, id: String) throws(GitError) -> TagRecord {
        if let known = lock.withLock({ records[name] }) { return known }
        guard let repository else { throw GitError(operation: "read tag \(name)", message: "not available", code: -3) }
        let read = try repository.tagRecord(name: name, id: id)
        lock.withLock { records[name] = read }
        return read
    }

    /// Reads the tags of `pairs` not read yet, in one pass over the object database.
    /// (Threads would not help: libgit2 serialises reads of a pack file.)
    func prefetch(_ pairs: [(name: String, id: String)]) {
        guard let repository else { return }
        let missing = lock.withLock { pairs.filter { records[$0.name] == nil } }
        guard !missing.isEmpty else { return }
        let read = repository.tagRecords(missing)
        lock.withLock {
            records.reserveCapacity(records.count + missing.count)
            for (pair, record) in zip(missing, read) { if let record { records[pair.name] = record } }
        }
    }

    func record(name: String, id: String) -> TagRecord? {
        if let known = lock.withLock({ records[name] }) { return known }
        guard let repository, let read = try? repository.tagRecord(name: name, id: id) else { return nil }
        lock.withLock { records[name] = read }
        return read
    }
}

/// Everything the registry holds about one model.
public struct ModelRecord: Sendable {
    /// A stage tag, known by its name until its object is read.
    struct StageTag: Sendable {
        let kind: StageEvent.Kind
        let stage: String
        let counter: Int
        let name: String
        let id: String
    }

    public let name: String
    /// Registered versions, lowest first.
    public internal(set) var versions: [ModelVersion] = []
    /// Set when the model was deprecated.
    public internal(set) var deprecated: RegistryStamp?
    /// The highest counter used by any of the model's tags (the next tag takes one more).
    public internal(set) var highestCounter = 0
    /// Stage tags by counter.
    var stageTags: [StageTag] = []
    var reader: TagReader
    /// The version name on each registered commit.
    var versionOnCommit: [String: String] = [:]
    /// Each version's index in `versions`, by name.
    var versionIndex: [String: Int] = [:]

    init(name: String, reader: TagReader) {
        self.name = name
        self.reader = reader
    }

    /// The highest registered version that is not deregistered.
    public var latest: ModelVersion? {
        versions.last { $0.deregistered == nil }
    }

    /// The version with this name (`v1.2.0`), registered or not.
    public func version(_ name: String) -> ModelVersion? {
        versionIndex[name].map { versions[$0] }
    }

    /// Stage names, in the order they were first used.
    public var stages: [String] {
        var seen: [String] = []
        for tag in stageTags where !seen.contains(tag.stage) { seen.append(tag.stage) }
        return seen
    }

    /// Every stage event, by counter (reads every stage tag).
    public var stageEvents: [StageEvent] {
        stageTags.compactMap(event)
    }

    private func event(_ tag: StageTag) -> StageEvent? {
        // A lightweight tag is not an event (GTO ignores them too).
        guard let record = reader.record(name: tag.name, id: tag.id), record.annotated else { return nil }
        return StageEvent(kind: tag.kind, stage: tag.stage, counter: tag.counter,
                          version: versionOnCommit[record.commit] ?? record.commit, stamp: RegistryStamp(record))
    }

    /// The stage's events from the newest, each with whether it is its version's last in
    /// the stage; reading stops when `visit` returns a result.
    private func newestFirst<T>(in stage: String, _ visit: (StageEvent, _ isLast: Bool) -> T?) -> T? {
        var seen = Set<String>()
        for tag in stageTags.reversed() where tag.stage == stage {
            guard let event = event(tag) else { continue }
            let isLast = seen.insert(event.version).inserted
            if let result = visit(event, isLast) { return result }
        }
        return nil
    }

    /// The stage's current assignment: among the versions whose last event in the stage (by
    /// counter) is an assignment, the one assigned last. nil when the stage is empty. A
    /// deregistered version holds no stage, as GTO reads it.
    public func current(in stage: String) -> StageEvent? {
        newestFirst(in: stage) { event, isLast in
            isLast && event.kind == .assign && version(event.version)?.deregistered == nil ? event : nil
        }
    }

    /// The stage's assignment before the current one: the version to go back to. Versions
    /// unassigned from the stage (for instance after a failed analysis) and deregistered
    /// versions are skipped.
    public func previous(in stage: String) -> StageEvent? {
        guard let current = current(in: stage) else { return nil }
        return newestFirst(in: stage) { event, isLast in
            isLast && event.kind == .assign && event.version != current.version && event.counter < current.counter
                && version(event.version)?.deregistered == nil ? event : nil
        }
    }
}

/// The registry read from a repository's tags.
public struct RegistryState: Sendable {
    /// Models by name, sorted by name.
    public let models: [ModelRecord]

    /// Reads the registry tags (names that parse in GTO's grammar; other tags are ignored).
    /// Version tags are read at once; stage tags when a question needs them.
    /// Reads the registry. A read that meets a reference another process is rewriting at that
    /// moment (`git pack-refs` moving loose tags into packed-refs, a writer's rename) is made
    /// again, up to 20 times over about a second, before the error is reported.
    public init(repository: Repository) throws(GitError) {
        var attempt = 0
        while true {
            do {
                self = try RegistryState(readingOnce: repository)
                return
            } catch {
                attempt += 1
                if attempt >= 20 { throw error }
                usleep(useconds_t(10_000 + attempt * 5_000))
            }
        }
    }

    private init(readingOnce repository: Repository) throws(GitError) {
        let reader = TagReader(repository: repository)
        let references = try repository.tagReferences()
        var named: [(RegistryTag, String, String)] = []
        var commits: [String: String] = [:]
        named.reserveCapacity(references.count)
        commits.reserveCapacity(references.count)
        for (name, id, peeled) in references {
            guard let tag = RegistryTag(parsing: name) else { continue }
            switch tag.action {
            case .assign, .unassign, .create: break
            default:
                // Packed refs know the commit of an annotated tag; any other is read for it
                // (and kept). A lightweight tag is no registration: GTO ignores them too.
                if let peeled {
                    commits[name] = peeled
                } else {
                    let record = try reader.read(name: name, id: id)
                    guard record.annotated else { continue }
                    commits[name] = record.commit
                }
            }
            named.append((tag, name, id))
        }
        self.init(named: named, commits: commits, reader: reader)
    }

    /// Builds the state from parsed tags and what each tag records.
    public init(tags: [(RegistryTag, TagRecord)]) {
        var records: [String: TagRecord] = [:]
        for (_, record) in tags { records[record.name] = record }
        self.init(named: tags.map { ($0.0, $0.1.name, $0.1.name) }, commits: records.mapValues(\.commit),
                  reader: TagReader(repository: nil, records: records))
    }

    private init(named: [(RegistryTag, String, String)], commits: [String: String], reader: TagReader) {
        var models: [String: ModelRecord] = [:]
        var deregistrations: [(String, SemanticVersion, RegistryStamp)] = []
        for (tag, name, id) in named {
            models[tag.model, default: ModelRecord(name: tag.model, reader: reader)].highestCounter =
                max(models[tag.model]?.highestCounter ?? 0, tag.counter ?? 0)
            switch tag.action {
            case .register(let version):
                if let commit = commits[name] {
                    models[tag.model]!.versions.append(ModelVersion(version: version, name: version.description, commit: commit, tagName: name, tagID: id, reader: reader))
                }
            case .deregister(let version):
                if let record = reader.record(name: name, id: id), record.annotated { deregistrations.append((tag.model, version, RegistryStamp(record))) }
            case .deprecate:
                if let record = reader.record(name: name, id: id), record.annotated { models[tag.model]!.deprecated = RegistryStamp(record) }
            case .assign(let stage):
                models[tag.model]!.stageTags.append(.init(kind: .assign, stage: stage, counter: tag.counter ?? 0, name: name, id: id))
            case .unassign(let stage):
                models[tag.model]!.stageTags.append(.init(kind: .unassign, stage: stage, counter: tag.counter ?? 0, name: name, id: id))
            case .create:
                break
            }
        }
        for (model, version, stamp) in deregistrations {
            if let index = models[model]?.versions.firstIndex(where: { $0.version == version }) { models[model]!.versions[index].deregistered = stamp }
        }
        for name in Array(models.keys) {
            // Sorted through their indices: moving the versions themselves costs more.
            let unsorted = models[name]!.versions
            models[name]!.versions = unsorted.indices.sorted { unsorted[$0].version < unsorted[$1].version }.map { unsorted[$0] }
            models[name]!.stageTags.sort { $0.counter < $1.counter }
            // The version on each commit: the highest active one, else the highest.
            var byCommit: [String: String] = [:]
            byCommit.reserveCapacity(models[name]!.versions.count)
            for version in models[name]!.versions where version.deregistered == nil { byCommit[version.commit] = version.name }
            for version in models[name]!.versions where byCommit[version.commit] == nil { byCommit[version.commit] = version.name }
            models[name]!.versionOnCommit = byCommit
            var index: [String: Int] = [:]
            index.reserveCapacity(models[name]!.versions.count)
            for (i, version) in models[name]!.versions.enumerated() { index[version.name] = i }
            models[name]!.versionIndex = index
        }
        self.models = models.values.sorted { $0.name < $1.name }
    }

    /// Reads every tag of one model now (for questions that need them all, such as its whole
    /// history); later reads are answered from memory.
    public func readTags(of model: ModelRecord) {
        model.reader.prefetch(model.versions.map { ($0.tagName, $0.tagID) } + model.stageTags.map { ($0.name, $0.id) })
    }

    /// The model named `name`.
    public func model(_ name: String) -> ModelRecord? {
        models.first { $0.name == name }
    }
}

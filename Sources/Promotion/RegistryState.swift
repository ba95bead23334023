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

    /// Whether `text` holds `phrase` (compared as bytes, where Foundation's `contains`
    /// compares as a search with options: the registry asks this of every tag message).
    public static func mentions(_ text: String, _ phrase: StaticString) -> Bool {
        let count = phrase.utf8CodeUnitCount
        return text.utf8.withContiguousStorageIfAvailable { bytes in
            guard count > 0 else { return true }
            guard bytes.count >= count else { return false }
            let first = phrase.utf8Start.pointee
            for start in 0...(bytes.count - count) where bytes[start] == first
                && memcmp(bytes.baseAddress! + start, phrase.utf8Start, count) == 0 { return true }
            return false
        } ?? text.contains(phrase.description)
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
    let tag: ListedReference
    let reader: TagReader
    /// Set when the version was deregistered (`NAME@vX.Y.Z!`).
    public var deregistered: RegistryStamp?

    /// Who registered it, when, and why.
    public var registered: RegistryStamp {
        reader.record(tag).map(RegistryStamp.init)
            ?? RegistryStamp(tag: tag.name, commit: commit, time: nil, author: nil, authorEmail: nil, message: "")
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

/// A tag as the reference store lists it, and its place in that list (where a `TagReader`
/// keeps what it read of it).
struct ListedReference: Sendable {
    let name: String
    let id: String
    let slot: Int
}

/// Reads tag objects when first needed and keeps them, by their place in the listing: a
/// registry of thousands of stage tags is answered from the few a question needs.
final class TagReader: @unchecked Sendable {
    private enum Slot { case unread, read(TagRecord), unreadable }
    private let repository: Repository?
    private var slots: [Slot]
    private let lock = NSLock()

    /// A reader of `count` listed tags, none read yet.
    init(repository: Repository, count: Int) {
        self.repository = repository
        slots = Array(repeating: .unread, count: count)
    }

    /// A reader that knows every tag already (slot `i` is `records[i]`).
    init(records: [TagRecord]) {
        repository = nil
        slots = records.map { .read($0) }
    }

    /// Reads (or recalls) a tag, reporting a failure.
    func read(_ tag: ListedReference) throws(GitError) -> TagRecord {
        if case .read(let known) = lock.withLock({ slots[tag.slot] }) { return known }
        guard let repository else { throw GitError(operation: "read tag \(tag.name)", message: "not available", code: -3) }
        let read = try repository.tagRecord(name: tag.name, id: tag.id)
        lock.withLock { slots[tag.slot] = .read(read) }
        return read
    }

    /// Reads the tags not read yet, in one pass over the object database. (Threads would
    /// not help: libgit2 serialises reads of a pack file.)
    func prefetch(_ tags: [ListedReference]) {
        guard let repository else { return }
        let missing = lock.withLock { tags.filter { if case .unread = slots[$0.slot] { true } else { false } } }
        guard !missing.isEmpty else { return }
        let read = repository.tagRecords(missing.map { ($0.name, $0.id) })
        lock.withLock {
            for (tag, record) in zip(missing, read) { slots[tag.slot] = record.map { .read($0) } ?? .unreadable }
        }
    }

    /// The tag, read now when it was not; nil when it cannot be read. A tag a prefetch could
    /// not read is not tried again: the site asks for tags from threads that must not touch
    /// the repository, once their model's tags are prefetched.
    func record(_ tag: ListedReference) -> TagRecord? {
        switch lock.withLock({ slots[tag.slot] }) {
        case .read(let known): return known
        case .unreadable: return nil
        case .unread: return try? read(tag)
        }
    }
}

/// Everything the registry holds about one model.
public struct ModelRecord: Sendable {
    /// A stage tag, known by its name until its object is read.
    struct StageTag: Sendable {
        let kind: StageEvent.Kind
        let stage: String
        let counter: Int
        let reference: ListedReference
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

    /// Sorts the stage tags and indexes the versions (lowest first) and tags.
    mutating func index() {
        stageTags.sort { $0.counter < $1.counter }
        // The version on each commit: the highest active one, else the highest.
        // By index, field by field: a version copied whole retains a dozen fields.
        var byCommit: [String: String] = [:]
        byCommit.reserveCapacity(versions.count)
        for i in versions.indices where versions[i].deregistered == nil { byCommit[versions[i].commit] = versions[i].name }
        for i in versions.indices where byCommit[versions[i].commit] == nil { byCommit[versions[i].commit] = versions[i].name }
        versionOnCommit = byCommit
        var index: [String: Int] = [:]
        index.reserveCapacity(versions.count)
        for i in versions.indices { index[versions[i].name] = i }
        versionIndex = index
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
        guard let record = reader.record(tag.reference), record.annotated else { return nil }
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

    /// A registry tag as the reference store lists it, with the commit it registers (for
    /// version, deregistration and deprecation tags).
    private struct ListedTag {
        let tag: RegistryTag
        let reference: ListedReference
        let commit: String?
    }

    private init(readingOnce repository: Repository) throws(GitError) {
        let references = try repository.tagReferences()
        let reader = TagReader(repository: repository, count: references.count)
        var listed: [ListedTag] = []
        listed.reserveCapacity(references.count)
        for (slot, (name, id, peeled)) in references.enumerated() {
            guard let tag = RegistryTag(parsing: name) else { continue }
            let reference = ListedReference(name: name, id: id, slot: slot)
            var commit: String?
            switch tag.action {
            case .assign, .unassign, .create: break
            default:
                // Packed refs know the commit of an annotated tag; any other is read for it
                // (and kept). A lightweight tag is no registration: GTO ignores them too.
                if let peeled {
                    commit = peeled
                } else {
                    let record = try reader.read(reference)
                    guard record.annotated else { continue }
                    commit = record.commit
                }
            }
            listed.append(ListedTag(tag: tag, reference: reference, commit: commit))
        }
        self.init(listed: listed, reader: reader)
    }

    /// Builds the state from parsed tags and what each tag records.
    public init(tags: [(RegistryTag, TagRecord)]) {
        let listed = tags.enumerated().map { slot, tag in
            ListedTag(tag: tag.0, reference: ListedReference(name: tag.1.name, id: tag.1.name, slot: slot), commit: tag.1.commit)
        }
        self.init(listed: listed, reader: TagReader(records: tags.map(\.1)))
    }

    private init(listed: [ListedTag], reader: TagReader) {
        var models: [ModelRecord] = []
        var modelIndex: [String: Int] = [:]
        // Per model: its registrations (version, position in `listed`) and deregistrations.
        var registrations: [[(SemanticVersion, Int)]] = []
        var deregistrations: [[(SemanticVersion, RegistryStamp)]] = []
        var last = -1
        for (position, entry) in listed.enumerated() {
            let tag = entry.tag
            // The reference store lists tags by name, so a model's tags mostly come together.
            let m: Int
            if last >= 0, models[last].name == tag.model {
                m = last
            } else if let known = modelIndex[tag.model] {
                m = known
            } else {
                m = models.count
                modelIndex[tag.model] = m
                models.append(ModelRecord(name: tag.model, reader: reader))
                registrations.append([])
                deregistrations.append([])
            }
            last = m
            models[m].highestCounter = max(models[m].highestCounter, tag.counter ?? 0)
            switch tag.action {
            case .register(let version):
                if entry.commit != nil { registrations[m].append((version, position)) }
            case .deregister(let version):
                if let record = reader.record(entry.reference), record.annotated { deregistrations[m].append((version, RegistryStamp(record))) }
            case .deprecate:
                if let record = reader.record(entry.reference), record.annotated { models[m].deprecated = RegistryStamp(record) }
            case .assign(let stage):
                models[m].stageTags.append(.init(kind: .assign, stage: stage, counter: tag.counter ?? 0, reference: entry.reference))
            case .unassign(let stage):
                models[m].stageTags.append(.init(kind: .unassign, stage: stage, counter: tag.counter ?? 0, reference: entry.reference))
            case .create:
                break
            }
        }
        // Each model is put in order on its own (the models are independent), on all cores.
        let (registered, deregistered) = (registrations, deregistrations)
        models.withUnsafeMutableBufferPointer { buffer in
            let all = UncheckedBuffer(buffer)
            DispatchQueue.concurrentPerform(iterations: all.buffer.count) { m in
                // Versions are made in their order (lowest first), so none is moved after.
                let ordered = Self.order(registered[m])
                var versions: [ModelVersion] = []
                versions.reserveCapacity(ordered.count)
                for (version, position) in ordered {
                    versions.append(ModelVersion(version: version, name: version.description, commit: listed[position].commit!,
                                                 tag: listed[position].reference, reader: reader))
                }
                for (version, stamp) in deregistered[m] {
                    if let index = versions.firstIndex(where: { $0.version == version }) { versions[index].deregistered = stamp }
                }
                all.buffer[m].versions = versions
                all.buffer[m].index()
            }
        }
        self.models = models.sorted { $0.name < $1.name }
    }

    /// `registrations` lowest version first. Plain versions (no pre-release, no build: nearly
    /// every registry) are sorted on their three numbers alone, without copying a version
    /// per comparison.
    static func order(_ registrations: [(SemanticVersion, Int)]) -> [(SemanticVersion, Int)] {
        guard registrations.allSatisfy({ $0.0.prerelease.isEmpty && $0.0.build == nil }) else {
            return registrations.sorted { $0.0 < $1.0 }
        }
        var keys = registrations.indices.map { i in
            (registrations[i].0.major, registrations[i].0.minor, registrations[i].0.patch, i)
        }
        keys.sort { $0 < $1 }
        return keys.map { registrations[$0.3] }
    }

    /// Reads every tag of one model now (for questions that need them all, such as its whole
    /// history); later reads are answered from memory.
    public func readTags(of model: ModelRecord) {
        model.reader.prefetch(model.versions.map(\.tag) + model.stageTags.map(\.reference))
    }

    /// The model named `name`.
    public func model(_ name: String) -> ModelRecord? {
        models.first { $0.name == name }
    }
}

/// A buffer handed to `concurrentPerform`, whose iterations each touch their own element.
private struct UncheckedBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}

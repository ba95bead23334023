import Foundation
import GitState

/// A registry operation that cannot be done; `isUsage` errors are the user's input (exit 2).
public struct RegistryError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public let isUsage: Bool

    public init(_ description: String, usage: Bool = true) {
        self.description = description
        self.isUsage = usage
    }

    /// A git failure while doing `what`. A lock file left by a killed writer is the user's to
    /// clear (exit 2, with the command); anything else is a failure of the operation.
    public init(_ what: String, _ error: GitError) {
        if error.isStaleLock {
            self.init("cannot \(what): \(error.message)")
        } else {
            self.init("cannot \(what): \(error)", usage: false)
        }
    }
}

/// How long a writer keeps retrying while other writers win the compare-and-swap or hold a
/// ref's lock, before it gives up (exit 1). Writers hold a lock for well under a millisecond.
let writeRetryLimit: Duration = .seconds(60)

/// Writes the registry: versions and stage assignments as annotated tags in GTO's grammar.
///
/// Stage tags carry a counter per model (`NAME#STAGE#N`). Counters are handed out by a
/// compare-and-swap on `refs/mlgate/counters/NAME` (a blob holding the last N), so two
/// concurrent writers never take the same N, even for different stages; a tag name that
/// exists already (made by GTO, say) takes the next N. A writer that loses a race retries;
/// nothing is ever overwritten.
public struct Registry {
    public let repository: Repository

    public init(repository: Repository) {
        self.repository = repository
    }

    /// The working tree's root, where the policy and the files it names are (the current
    /// folder for a bare repository).
    public var root: String {
        repository.workdir?.path ?? FileManager.default.currentDirectoryPath
    }

    /// The current state, read from the tags.
    public func state() throws(RegistryError) -> RegistryState {
        do { return try RegistryState(repository: repository) } catch { throw RegistryError("cannot read the registry: \(error)", usage: false) }
    }

    /// Registers `model` at `revision` as `version`, or as the latest version bumped by
    /// `bump` (v0.0.1 for the first; patch when neither is given). With `existsOK`, a commit
    /// that already has a version (the same one, if `version` is given) is not an error: its
    /// tag is returned, and nothing is written.
    @discardableResult
    public func register(_ model: String, version: SemanticVersion? = nil, bump: SemanticVersion.Part? = nil,
                         revision: String = "HEAD", message: String? = nil, existsOK: Bool = false) throws(RegistryError) -> RegistryTag {
        try Self.checkModelName(model)
        let commit = try resolve(revision)
        let record = try state().model(model)
        if let existing = record?.versions.first(where: { $0.commit == commit && $0.deregistered == nil }) {
            if existsOK, version == nil || version == existing.version { return RegistryTag(model: model, action: .register(existing.version)) }
            throw RegistryError("\(model) is already registered at \(commit.prefix(7)) as \(existing.version); register another commit, or deregister it first: mlgate deregister \(model) \(existing.version)")
        }
        let chosen: SemanticVersion
        if let version {
            if version.build != nil || !version.prerelease.isEmpty, bump != nil {
                throw RegistryError("give either --version or --bump, not both")
            }
            chosen = version
        } else if let latest = record?.versions.last {
            chosen = latest.version.bumped(bump ?? .patch)
        } else {
            chosen = SemanticVersion(major: 0, minor: 0, patch: 1)
        }
        if record?.version(chosen.description) != nil {
            throw RegistryError("\(model) \(chosen) is already registered; choose another version or use --bump")
        }
        if let latest = record?.versions.last, chosen < latest.version, version == nil {
            throw RegistryError("\(model) \(chosen) would be lower than \(latest.version)")
        }
        let tag = RegistryTag(model: model, action: .register(chosen))
        try create(tag, on: commit, message: message ?? "Registering artifact \(model) version \(chosen)")
        return tag
    }

    /// Deregisters `version` of `model` (`NAME@vX.Y.Z!` on its commit): it is no longer a
    /// candidate for promotion, and not the latest.
    @discardableResult
    public func deregister(_ model: String, version: String, message: String? = nil) throws(RegistryError) -> RegistryTag {
        guard let record = try state().model(model) else { throw RegistryError("no model '\(model)' is registered") }
        guard let found = record.version(version.hasPrefix("v") ? version : "v" + version) else {
            throw RegistryError("\(model) has no version \(version); versions: \(record.versions.map(\.version.description).joined(separator: ", "))")
        }
        guard found.deregistered == nil else { throw RegistryError("\(model) \(found.version) is deregistered already") }
        let tag = RegistryTag(model: model, action: .deregister(found.version))
        try create(tag, on: found.commit, message: message ?? "Deregistering artifact \(model) version \(found.version)")
        return tag
    }

    /// Deprecates `model` (`NAME@deprecated` on HEAD's commit): the gate refuses it from then on.
    @discardableResult
    public func deprecate(_ model: String, message: String? = nil) throws(RegistryError) -> RegistryTag {
        guard let record = try state().model(model) else { throw RegistryError("no model '\(model)' is registered") }
        guard record.deprecated == nil else { throw RegistryError("\(model) is deprecated already") }
        let tag = RegistryTag(model: model, action: .deprecate)
        let commit = (try? resolve("HEAD")) ?? record.versions.last?.commit ?? ""
        try create(tag, on: commit, message: message ?? "Deprecating artifact \(model)")
        return tag
    }

    /// Assigns the version on `commit` to `stage` with a new counter. Retries on a race.
    @discardableResult
    public func assign(_ model: String, stage: String, commit: String, message: String) throws(RegistryError) -> RegistryTag {
        try stageTag(model, action: .assign(stage: stage), commit: commit, message: message)
    }

    /// Unassigns the version on `commit` from `stage` (`NAME#STAGE!#N`).
    @discardableResult
    public func unassign(_ model: String, stage: String, commit: String, message: String) throws(RegistryError) -> RegistryTag {
        try stageTag(model, action: .unassign(stage: stage), commit: commit, message: message)
    }

    private func stageTag(_ model: String, action: RegistryTag.Action, commit: String, message: String) throws(RegistryError) -> RegistryTag {
        try Self.checkModelName(model)
        let stage: String
        switch action {
        case .assign(let s), .unassign(let s): stage = s
        default: stage = ""
        }
        guard RegistryTag.isValidName(stage) else {
            throw RegistryError("'\(stage)' is not a valid stage name: letters, digits, '-', '_', '/', starting and ending with a letter or digit")
        }
        let identity = repository.identity()
        for _ in 0..<1000 {
            let counter = try allocateCounter(for: model)
            let tag = RegistryTag(model: model, action: action, counter: counter)
            do {
                try repository.createAnnotatedTag(tag.description, commit: commit, message: message,
                                                   taggerName: identity.name, taggerEmail: identity.email)
                return tag
            } catch where error.isConflict {
                continue  // a tag of that name exists already (or is being written): take the next counter
            } catch {
                throw RegistryError("create tag \(tag)", error)
            }
        }
        throw RegistryError("could not find a free counter for \(model) after 1000 attempts", usage: false)
    }

    /// Takes the next counter for `model`: one more than both the stored counter and any
    /// counter in the model's tags, stored by compare-and-swap. A stored counter that is not
    /// a whole number in range is invalid input (exit 2), never a crash.
    func allocateCounter(for model: String) throws(RegistryError) -> Int {
        let ref = "refs/mlgate/counters/" + RegistryTag.encode(model)
        let deadline = ContinuousClock.now + writeRetryLimit
        while true {
            let (current, stored) = try storedCounter(ref, model: model)
            let highest: Int
            do { highest = try highestTagCounter(for: model) } catch { throw RegistryError("take a counter for \(model)", error) }
            let next = max(stored, highest) + 1
            guard next < RegistryTag.maxCounter else {
                throw RegistryError("\(model) has used every stage counter mlgate can write (the highest is \(next - 1)); GTO's counters must stay below \(RegistryTag.maxCounter)")
            }
            do {
                let blob = try repository.writeBlob("\(next)\n")
                try repository.updateReference(ref, to: blob, expecting: current, message: "mlgate: counter \(next) for \(model)")
                return next
            } catch where error.isConflict {
                guard ContinuousClock.now < deadline else {
                    throw RegistryError("cannot take a counter for \(model): other writers kept \(ref) busy for \(writeRetryLimit); try again", usage: false)
                }
                usleep(UInt32.random(in: 100...2_000))  // let the winner finish
            } catch {
                throw RegistryError("take a counter for \(model)", error)
            }
        }
    }

    /// The counter ref's blob id (nil before the first counter) and the number it holds.
    private func storedCounter(_ ref: String, model: String) throws(RegistryError) -> (id: String?, value: Int) {
        let id: String?, text: String
        do {
            id = try repository.target(of: ref)
            text = try id.map { id throws(GitError) in try repository.blobText(id) } ?? "0"
        } catch {
            throw RegistryError("take a counter for \(model)", error)
        }
        guard let value = RegistryTag.counter(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw RegistryError("the counter of \(model) (\(ref)) holds '\(text.prefix(40))', not a whole number below \(RegistryTag.maxCounter); "
                                + "set it to the highest counter in the model's tags: git update-ref \(ref) $(echo N | git hash-object -w --stdin)")
        }
        return (id, value)
    }

    private func highestTagCounter(for model: String) throws(GitError) -> Int {
        let prefix = RegistryTag.encode(model)
        var highest = 0
        for (name, _) in try repository.tagNames(where: { $0.hasPrefix(prefix) }) {
            guard let tag = RegistryTag(parsing: name), tag.model == model, let counter = tag.counter else { continue }
            highest = max(highest, counter)
        }
        return highest
    }

    private func create(_ tag: RegistryTag, on commit: String, message: String) throws(RegistryError) {
        do {
            let identity = repository.identity()
            try repository.createAnnotatedTag(tag.description, commit: commit, message: message,
                                              taggerName: identity.name, taggerEmail: identity.email)
        } catch where error.isLocked {
            throw RegistryError("tag \(tag) is being written by another process right now; check `mlgate status` and try again", usage: false)
        } catch where error.isConflict {
            throw RegistryError("tag \(tag) exists already (another writer registered it first)")
        } catch {
            throw RegistryError("create tag \(tag)", error)
        }
    }

    /// The commit `revision` names.
    public func resolve(_ revision: String) throws(RegistryError) -> String {
        do { return try repository.resolveCommit(revision) } catch {
            throw RegistryError("'\(revision)' does not name a commit: \(error.message)")
        }
    }

    static func checkModelName(_ model: String) throws(RegistryError) {
        guard RegistryTag.isValidModelName(model) else {
            throw RegistryError("'\(model)' is not a valid model name: letters, digits, '-', '_', '/', starting and ending with a letter or digit, optionally after 'folder:'")
        }
    }
}

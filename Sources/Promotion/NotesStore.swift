import Foundation
import GitState

/// One JSON document per commit in a git notes ref, changed by read-modify-write and a
/// compare-and-swap on the ref, retried when another writer got there first: concurrent
/// writers never lose an update.
struct NotesStore<Document: Codable> {
    let repository: Repository
    let ref: String
    /// What the document is, for messages ("evidence", "approvals").
    let what: String

    /// The document on `commit`, or nil when there is none.
    func read(on commit: String) throws(RegistryError) -> Document? {
        let text: String?
        do { text = try repository.note(on: commit, ref: ref) } catch {
            throw RegistryError("read the \(what) on \(commit.prefix(7))", error)
        }
        return try text.map { text throws(RegistryError) in try decode(text, commit: commit) }
    }

    /// Applies `change` to the document on `commit` (nil when there is none yet) and
    /// publishes the result.
    func update(on commit: String, message: String, _ change: (Document?) -> Document) throws(RegistryError) {
        let identity = repository.identity()
        func failure(_ error: GitError) -> RegistryError {
            RegistryError("record the \(what) on \(commit.prefix(7))", error)
        }
        let deadline = ContinuousClock.now + writeRetryLimit
        while ContinuousClock.now < deadline {
            let tip: String?
            let existing: String?
            do {
                tip = try repository.target(of: ref)
                existing = try tip.map { tip throws(GitError) in try repository.note(on: commit, inNotesCommit: tip) } ?? nil
            } catch { throw failure(error) }
            let document = change(try existing.map { text throws(RegistryError) in try decode(text, commit: commit) })
            do {
                let notes = try repository.notesCommit(parent: tip, object: commit, text: encode(document),
                                                       authorName: identity.name, authorEmail: identity.email)
                try repository.updateReference(ref, to: notes, expecting: tip, message: message)
                return
            } catch where error.isConflict {
                usleep(UInt32.random(in: 100...2_000))  // another writer won: read and change again
            } catch {
                throw failure(error)
            }
        }
        throw RegistryError("could not record the \(what) on \(commit.prefix(7)): other writers kept \(ref) busy for \(writeRetryLimit); try again", usage: false)
    }

    func encode(_ document: Document) -> String { Self.encode(document) }

    func decode(_ text: String, commit: String) throws(RegistryError) -> Document {
        try Self.decode(text, commit: commit, ref: ref, what: what)
    }

    /// A decoding error in a sentence, without Swift's type names.
    static func explain(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .dataCorrupted(let context)?:
            return (context.underlyingError.map { "\($0.localizedDescription)" } ?? context.debugDescription)
        case .keyNotFound(let key, let context)?:
            return "'\(key.stringValue)' is missing" + Self.path(context)
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            return "a value has the wrong type" + Self.path(context)
        default:
            return "not valid JSON"
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.isEmpty ? "" : " at " + context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    static func encode(_ document: Document) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(document)) ?? Data(), as: UTF8.self) + "\n"
    }

    static func decode(_ text: String, commit: String, ref: String, what: String) throws(RegistryError) -> Document {
        do {
            return try JSONDecoder().decode(Document.self, from: Data(text.utf8))
        } catch {
            throw RegistryError("the \(what) note on commit \(commit) (\(ref)) is not mlgate's JSON (\(Self.explain(error))); "
                                + "look at it with `git notes --ref=\(ref) show \(commit.prefix(12))`, then fix it with `git notes --ref=\(ref) edit \(commit.prefix(12))` "
                                + "or remove it with `git notes --ref=\(ref) remove \(commit.prefix(12))`")
        }
    }
}

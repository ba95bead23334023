import Checks
import Foundation
import GitState

/// Check results recorded as evidence on the commit they checked: git notes under
/// `refs/notes/mlgate`, one JSON document per commit holding the latest result of each
/// (model, check). Writes are read-merge-write with a compare-and-swap on the notes ref,
/// retried on conflict, so concurrent recorders never lose a result.
public struct EvidenceStore {
    public static let notesRef = "refs/notes/mlgate"
    public let repository: Repository

    public init(repository: Repository) {
        self.repository = repository
    }

    /// The note's document.
    struct Document: Codable {
        var results: [CheckResult]
    }

    /// The results recorded on `commit`, sorted by model and check name.
    public func results(on commit: String) throws(RegistryError) -> [CheckResult] {
        let text: String?
        do { text = try repository.note(on: commit, ref: Self.notesRef) } catch {
            throw RegistryError("cannot read the evidence on \(commit.prefix(7)): \(error)", usage: false)
        }
        guard let text else { return [] }
        return try Self.decode(text, commit: commit).results
    }

    /// Records `result` on its commit, replacing an earlier result of the same model and
    /// check.
    public func record(_ result: CheckResult) throws(RegistryError) {
        let identity = repository.identity()
        func failure(_ error: GitError) -> RegistryError {
            RegistryError("cannot record the evidence on \(result.commit.prefix(7)): \(error)", usage: false)
        }
        for _ in 0..<200 {
            let tip: String?
            let existing: String?
            do {
                tip = try repository.target(of: Self.notesRef)
                existing = try tip.map { tip throws(GitError) in try repository.note(on: result.commit, inNotesCommit: tip) } ?? nil
            } catch { throw failure(error) }
            var document = try existing.map { text throws(RegistryError) in try Self.decode(text, commit: result.commit) } ?? Document(results: [])
            document.results.removeAll { $0.check == result.check && $0.model == result.model }
            document.results.append(result)
            document.results.sort { ($0.model ?? "", $0.check) < ($1.model ?? "", $1.check) }
            do {
                let commit = try repository.notesCommit(parent: tip, object: result.commit, text: Self.encode(document),
                                                        authorName: identity.name, authorEmail: identity.email)
                try repository.updateReference(Self.notesRef, to: commit, expecting: tip,
                                               message: "mlgate: evidence \(result.check) on \(result.commit.prefix(7))")
                return
            } catch where error.isConflict {
                usleep(UInt32.random(in: 100...2_000))  // another recorder won: merge again
            } catch {
                throw failure(error)
            }
        }
        throw RegistryError("could not record the evidence on \(result.commit.prefix(7)): too many concurrent writers", usage: false)
    }

    static func encode(_ document: Document) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(document)) ?? Data(), as: UTF8.self) + "\n"
    }

    static func decode(_ text: String, commit: String) throws(RegistryError) -> Document {
        do {
            return try JSONDecoder().decode(Document.self, from: Data(text.utf8))
        } catch {
            throw RegistryError("the evidence note on \(commit.prefix(7)) (\(notesRef)) is not mlgate's JSON: \(error)", usage: false)
        }
    }
}

import Checks
import Foundation
import GitState

/// Check results recorded as evidence on the commit they checked: git notes under
/// `refs/notes/mlgate`, one JSON document per commit holding the latest result of each
/// (model, check). Concurrent recorders never lose a result (see `NotesStore`).
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

    private var store: NotesStore<Document> { NotesStore(repository: repository, ref: Self.notesRef, what: "evidence") }

    /// The results recorded on `commit`, sorted by model and check name.
    public func results(on commit: String) throws(RegistryError) -> [CheckResult] {
        try store.read(on: commit)?.results ?? []
    }

    /// The result whose digest is `digest` among those recorded on `commit`, now or in any of
    /// the last `depth` states of the notes ref: the evidence a past decision judged, after a
    /// newer result of the same check replaced it.
    public func result(digest: String, on commit: String, depth: Int = 2000) throws(RegistryError) -> CheckResult? {
        if let found = try results(on: commit).first(where: { $0.digest == digest }) { return found }
        let history: [CommitInfo]
        do {
            guard let tip = try repository.target(of: Self.notesRef) else { return nil }
            history = try repository.commits(from: nil, to: tip, limit: depth)
        } catch {
            throw RegistryError("read the history of \(Self.notesRef)", error)
        }
        var seen = Set<String>()
        for state in history {
            guard let text = try? repository.note(on: commit, inNotesCommit: state.sha), seen.insert(text).inserted else { continue }
            let document = try NotesStore<Document>.decode(text, commit: commit, ref: Self.notesRef, what: "evidence")
            if let found = document.results.first(where: { $0.digest == digest }) { return found }
        }
        return nil
    }

    /// Records `result` on its commit, replacing an earlier result of the same model and
    /// check.
    public func record(_ result: CheckResult) throws(RegistryError) {
        try store.update(on: result.commit, message: "mlgate: evidence \(result.check) on \(result.commit.prefix(7))") { existing in
            var document = existing ?? Document(results: [])
            document.results.removeAll { $0.check == result.check && $0.model == result.model }
            document.results.append(result)
            document.results.sort { ($0.model ?? "", $0.check) < ($1.model ?? "", $1.check) }
            return document
        }
    }
}

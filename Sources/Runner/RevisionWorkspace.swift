import Foundation
import GitState

/// `mlgate run --rev REV`: the workflows as they are at a revision, run in a fresh
/// workspace written from that revision's tree (through libgit2; no `git` process).
public enum RevisionWorkspace {
    /// A revision that cannot be used.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The workflow files under `.github/workflows/` at `revision`, as (path, text).
    public static func workflowFiles(repositoryAt root: String, revision: String) throws(Failure) -> [(String, String)] {
        do {
            let repo = try Repository(discovering: root)
            return try repo.files(at: revision)
                .filter { $0.path.hasPrefix(".github/workflows/") && ($0.path.hasSuffix(".yml") || $0.path.hasSuffix(".yaml")) }
                .filter { !$0.path.dropFirst(".github/workflows/".count).contains("/") }
                .map { ($0.path, String(decoding: try repo.contents(of: $0.path, at: revision), as: UTF8.self)) }
        } catch {
            throw Failure(description: "cannot read the workflows at '\(revision)': \(error)")
        }
    }

    /// The contents of one file at `revision`.
    public static func file(_ path: String, repositoryAt root: String, revision: String) throws(Failure) -> String {
        do {
            let repo = try Repository(discovering: root)
            return String(decoding: try repo.contents(of: path, at: revision), as: UTF8.self)
        } catch {
            throw Failure(description: "cannot read \(path) at '\(revision)': \(error)")
        }
    }

    /// Writes `revision`'s tree into a new folder and returns its path.
    public static func materialize(repositoryAt root: String, revision: String) throws(Failure) -> String {
        let folder = NSTemporaryDirectory() + "mlgate-rev-\(UUID().uuidString.prefix(8))"
        try write(repositoryAt: root, revision: revision, into: folder, asRepository: true)
        return folder
    }

    /// Writes `revision`'s tree into `folder` (what `actions/checkout` does with `ref:` /
    /// `path:`). With `asRepository`, the folder is also a git repository at that commit,
    /// as actions/checkout leaves it (see `Repository.initializeCheckout`).
    public static func write(repositoryAt root: String, revision: String, into folder: String, asRepository: Bool = false) throws(Failure) {
        do {
            let repository = try Repository(discovering: root)
            try repository.materialize(revision, into: folder)
            if asRepository {
                try repository.initializeCheckout(at: folder, commit: try repository.resolveCommit(revision))
            }
        } catch {
            throw Failure(description: "cannot check out '\(revision)' into \(folder): \(error)")
        }
    }
}

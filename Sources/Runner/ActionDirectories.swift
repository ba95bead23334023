import Foundation

/// `--action-dir DIR`: where remote actions (`owner/repo@ref`, `owner/repo/path@ref`) are
/// found on disk, as `DIR/owner/repo`. A git repository there is read at `ref` through
/// libgit2; a plain folder is used as it is.
public struct ActionDirectories: Sendable {
    /// The folders searched, in order.
    public let folders: [String]

    /// Creates a resolver over `folders`.
    public init(_ folders: [String]) {
        self.folders = folders
    }

    /// The parts of a remote action reference.
    struct Reference {
        let owner: String
        let repository: String
        let path: String
        let ref: String
    }

    /// Splits `owner/repo[/path]@ref`; nil for anything else.
    static func parse(_ uses: String) -> Reference? {
        guard !uses.hasPrefix("./"), !uses.hasPrefix("docker://"), let at = uses.lastIndex(of: "@") else { return nil }
        let parts = uses[..<at].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return Reference(owner: parts[0], repository: parts[1], path: parts.dropFirst(2).joined(separator: "/"),
                         ref: String(uses[uses.index(after: at)...]))
    }

    /// The folder holding the action's repository, or nil when no action directory has it.
    func repositoryFolder(for uses: String) -> (folder: String, reference: Reference)? {
        guard let reference = Self.parse(uses) else { return nil }
        for folder in folders {
            let candidate = folder + "/" + reference.owner + "/" + reference.repository
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), isDirectory.boolValue {
                return (candidate, reference)
            }
        }
        return nil
    }

    /// Whether `folder` is a git repository (a work tree or a bare one, as in the cache),
    /// read at a ref, rather than a plain folder used as it is.
    static func isGitRepository(_ folder: String) -> Bool {
        FileManager.default.fileExists(atPath: folder + "/.git") || FileManager.default.fileExists(atPath: folder + "/HEAD")
    }

    /// Whether `uses` can be found here.
    public func contains(_ uses: String) -> Bool { repositoryFolder(for: uses) != nil }

    /// The text of the file `uses` names (`owner/repo/path/to/file.yml@ref`), read at `ref`
    /// from a git repository, or from a plain folder as it is.
    func fileText(for uses: String) throws(RevisionWorkspace.Failure) -> String {
        guard let (folder, reference) = repositoryFolder(for: uses), !reference.path.isEmpty else {
            throw RevisionWorkspace.Failure(description: "'\(uses)' names no file in an available repository")
        }
        if Self.isGitRepository(folder) {
            return try RevisionWorkspace.file(reference.path, repositoryAt: folder, revision: reference.ref)
        }
        guard let data = FileManager.default.contents(atPath: folder + "/" + reference.path) else {
            throw RevisionWorkspace.Failure(description: "\(folder)/\(reference.path) cannot be read")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The folder to run the action from: the repository read at `ref` into `scratch` when
    /// it is a git repository, else the folder itself; nil when not found.
    func actionFolder(for uses: String, scratch: String) throws(RevisionWorkspace.Failure) -> String? {
        guard let (folder, reference) = repositoryFolder(for: uses) else { return nil }
        var root = folder
        if Self.isGitRepository(folder) {
            root = scratch + "/actions/" + reference.owner + "/" + reference.repository + "@" + reference.ref
            if !FileManager.default.fileExists(atPath: root) {
                try RevisionWorkspace.write(repositoryAt: folder, revision: reference.ref, into: root)
            }
        }
        return reference.path.isEmpty ? root : root + "/" + reference.path
    }
}

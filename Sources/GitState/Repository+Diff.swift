internal import CLibGit2

/// A path that differs between two trees.
public struct ChangedPath: Sendable, Equatable {
    /// How it changed.
    public enum Status: String, Sendable, Equatable { case added, modified, deleted, renamed, copied, typeChanged }

    public let status: Status
    /// The path in the newer tree (for deletions, the path that was removed).
    public let path: String
    /// The path in the older tree, for renames and copies.
    public let oldPath: String?
}

extension Repository {
    /// The paths that differ between `old` and `new` (`git diff --name-status -M`), renames
    /// detected as git does by default. `old == nil` compares with the empty tree.
    public func changedPaths(from old: String?, to new: String) throws(GitError) -> [ChangedPath] {
        let newTree = try lookupTree(new)
        defer { git_tree_free(newTree) }
        var oldTree: OpaquePointer?
        if let old { oldTree = try lookupTree(old) }
        defer { if let oldTree { git_tree_free(oldTree) } }

        var diff: OpaquePointer?
        try LibGit2.check(git_diff_tree_to_tree(&diff, pointer, oldTree, newTree, nil), "compare \(old ?? "the empty tree") with \(new)")
        defer { git_diff_free(diff) }
        var find = git_diff_find_options()
        git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION))
        find.flags = GIT_DIFF_FIND_RENAMES.rawValue
        try LibGit2.check(git_diff_find_similar(diff, &find), "detect renames")

        var result: [ChangedPath] = []
        for i in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, i)?.pointee else { continue }
            let newPath = delta.new_file.path.map { String(cString: $0) } ?? ""
            let oldPath = delta.old_file.path.map { String(cString: $0) } ?? ""
            switch delta.status {
            case GIT_DELTA_ADDED: result.append(ChangedPath(status: .added, path: newPath, oldPath: nil))
            case GIT_DELTA_DELETED: result.append(ChangedPath(status: .deleted, path: oldPath, oldPath: nil))
            case GIT_DELTA_RENAMED: result.append(ChangedPath(status: .renamed, path: newPath, oldPath: oldPath))
            case GIT_DELTA_COPIED: result.append(ChangedPath(status: .copied, path: newPath, oldPath: oldPath))
            case GIT_DELTA_TYPECHANGE: result.append(ChangedPath(status: .typeChanged, path: newPath, oldPath: nil))
            default: result.append(ChangedPath(status: .modified, path: newPath, oldPath: nil))
            }
        }
        return result
    }
}

internal import CLibGit2
#if canImport(Glibc)
import Glibc
#endif

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

        // Find the changed paths first, skipping subtrees whose ids are equal (libgit2's own
        // tree diff reads every subtree of both sides); then let libgit2 diff just those
        // paths, with its rename detection.
        var paths: [String] = []
        try collectChanges(old: oldTree, new: newTree, prefix: "", into: &paths)
        if paths.isEmpty { return [] }
        var options = git_diff_options()
        git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION))
        options.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue
        var diff: OpaquePointer?
        let code = Self.withCStringArray(paths) { list -> Int32 in
            options.pathspec = list
            return git_diff_tree_to_tree(&diff, pointer, oldTree, newTree, &options)
        }
        try LibGit2.check(code, "compare \(old ?? "the empty tree") with \(new)")
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

    /// The paths of files that differ between two trees (either may be nil: empty), reading
    /// only subtrees whose ids differ. Both trees are in git's order, so they are walked side
    /// by side; equal entries are skipped without building their names.
    private func collectChanges(old: OpaquePointer?, new: OpaquePointer?, prefix: String, into paths: inout [String]) throws(GitError) {
        let oldCount = old.map { git_tree_entrycount($0) } ?? 0
        let newCount = new.map { git_tree_entrycount($0) } ?? 0
        var i = 0, j = 0
        while i < oldCount || j < newCount {
            let a = i < oldCount ? git_tree_entry_byindex(old, i) : nil
            let b = j < newCount ? git_tree_entry_byindex(new, j) : nil
            let order: Int32 = a == nil ? 1 : (b == nil ? -1 : git_tree_entry_cmp(a, b))
            if order < 0 {
                try report(a!, nil, prefix: prefix, into: &paths)
                i += 1
            } else if order > 0 {
                try report(nil, b!, prefix: prefix, into: &paths)
                j += 1
            } else {
                let sameKind = isTree(a!) == isTree(b!)
                if !(sameKind && git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b)) != 0) {
                    try report(a!, b!, prefix: prefix, into: &paths)
                }
                i += 1
                j += 1
            }
        }
    }

    private func isTree(_ entry: OpaquePointer) -> Bool {
        git_tree_entry_filemode(entry) == GIT_FILEMODE_TREE
    }

    /// Records a changed entry: files by path, trees by descending into them.
    private func report(_ old: OpaquePointer?, _ new: OpaquePointer?, prefix: String, into paths: inout [String]) throws(GitError) {
        let name = prefix + String(cString: git_tree_entry_name(old ?? new!))
        func load(_ entry: OpaquePointer?) throws(GitError) -> OpaquePointer? {
            guard let entry, isTree(entry) else { return nil }
            var tree: OpaquePointer?
            try LibGit2.check(git_tree_lookup(&tree, pointer, git_tree_entry_id(entry)), "read tree \(name)")
            return tree
        }
        let oldTree = try load(old), newTree = try load(new)
        defer {
            if let oldTree { git_tree_free(oldTree) }
            if let newTree { git_tree_free(newTree) }
        }
        if oldTree != nil || newTree != nil {
            try collectChanges(old: oldTree, new: newTree, prefix: name + "/", into: &paths)
        }
        // A file on either side (also a file replaced by a folder, or the reverse).
        if (old.map { !isTree($0) } ?? false) || (new.map { !isTree($0) } ?? false) {
            paths.append(name)
        }
    }

    /// Calls `body` with a `git_strarray` view of `strings`, valid only inside it.
    static func withCStringArray<T>(_ strings: [String], _ body: (git_strarray) -> T) -> T {
        var pointers = strings.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeMutableBufferPointer { buffer in
            body(git_strarray(strings: buffer.baseAddress, count: buffer.count))
        }
    }
}

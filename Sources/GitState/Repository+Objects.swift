internal import CLibGit2
import Foundation

/// A file in a tree.
public struct TreeEntry: Sendable, Equatable {
    /// What the entry is.
    public enum Kind: Sendable, Equatable { case file, executable, symlink, submodule }

    /// Path from the tree's root, with `/` separators.
    public let path: String
    public let kind: Kind
    /// The blob (or submodule commit) id.
    public let sha: String
}

extension Repository {
    /// Every file in the tree of `revision` (any revision syntax), depth first, in git's order.
    public func files(at revision: String) throws(GitError) -> [TreeEntry] {
        let tree = try lookupTree(revision)
        defer { git_tree_free(tree) }
        var entries: [TreeEntry] = []
        try collect(tree, prefix: "", into: &entries)
        return entries
    }

    private func collect(_ tree: OpaquePointer, prefix: String, into entries: inout [TreeEntry]) throws(GitError) {
        for i in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, i) else { continue }
            let name = prefix + String(cString: git_tree_entry_name(entry))
            let sha = Self.hex(git_tree_entry_id(entry))
            switch git_tree_entry_filemode(entry) {
            case GIT_FILEMODE_TREE:
                var subtree: OpaquePointer?
                try LibGit2.check(git_tree_lookup(&subtree, pointer, git_tree_entry_id(entry)), "read tree \(name)")
                defer { git_tree_free(subtree) }
                try collect(subtree!, prefix: name + "/", into: &entries)
            case GIT_FILEMODE_BLOB_EXECUTABLE: entries.append(TreeEntry(path: name, kind: .executable, sha: sha))
            case GIT_FILEMODE_LINK: entries.append(TreeEntry(path: name, kind: .symlink, sha: sha))
            case GIT_FILEMODE_COMMIT: entries.append(TreeEntry(path: name, kind: .submodule, sha: sha))
            default: entries.append(TreeEntry(path: name, kind: .file, sha: sha))
            }
        }
    }

    /// The contents of `path` as it is at `revision` (`git show REV:path`).
    public func contents(of path: String, at revision: String) throws(GitError) -> Data {
        var object: OpaquePointer?
        try LibGit2.check(git_revparse_single(&object, pointer, "\(revision):\(path)"), "read \(path) at \(revision)")
        defer { git_object_free(object) }
        guard git_object_type(object) == GIT_OBJECT_BLOB else {
            throw GitError(operation: "read \(path) at \(revision)", message: "not a file", code: -3)
        }
        let size = Int(git_blob_rawsize(object))
        guard size > 0, let raw = git_blob_rawcontent(object) else { return Data() }
        return Data(bytes: raw, count: size)
    }

    /// The common ancestor `git merge-base` would choose, or nil when there is none.
    public func mergeBase(_ a: String, _ b: String) throws(GitError) -> String? {
        var one = try oid(of: a), two = try oid(of: b)
        var base = git_oid()
        let code = git_merge_base(&base, pointer, &one, &two)
        if code == -3 { return nil }  // GIT_ENOTFOUND: unrelated histories
        try LibGit2.check(code, "find the merge base of \(a) and \(b)")
        return Self.hex(&base)
    }

    func oid(of revision: String) throws(GitError) -> git_oid {
        var object: OpaquePointer?
        try LibGit2.check(git_revparse_single(&object, pointer, revision + "^{commit}"), "resolve revision '\(revision)'")
        defer { git_object_free(object) }
        return git_object_id(object)!.pointee
    }

    func lookupTree(_ revision: String) throws(GitError) -> OpaquePointer {
        var object: OpaquePointer?
        try LibGit2.check(git_revparse_single(&object, pointer, revision + "^{tree}"), "resolve the tree of '\(revision)'")
        return object!
    }
}

extension Repository {
    /// The size in bytes of the blob at `path` in `revision`'s tree, read from the object's
    /// header (the content is not inflated for loose objects' size, nor for packed ones);
    /// nil when the path is not a file there.
    public func blobSize(of path: String, at revision: String) -> Int? {
        guard let tree = try? lookupTree(revision) else { return nil }
        defer { git_tree_free(tree) }
        var entry: OpaquePointer?
        guard git_tree_entry_bypath(&entry, tree, path) == 0 else { return nil }
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, pointer) == 0 else { return nil }
        defer { git_odb_free(odb) }
        var size = 0, type = GIT_OBJECT_INVALID
        guard git_odb_read_header(&size, &type, odb, git_tree_entry_id(entry)) == 0 else { return nil }
        return size
    }
}

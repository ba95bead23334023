internal import CLibGit2
import Foundation

/// A blob to scan and where it was found: the first commit (oldest first) and path that hold it.
public struct BlobSighting: Sendable, Equatable {
    public let sha: String
    public let path: String
    /// The commit the blob was found in (nil: found in the working tree).
    public let commit: String?
    public let size: Int
}

extension Repository {
    /// Every blob of `revision`'s tree once, with its path (submodules and symlinks left out).
    public func blobs(at revision: String) throws(GitError) -> [BlobSighting] {
        let commit = try resolveCommit(revision)
        var seenTrees = Set<String>(), seenBlobs = Set<String>()
        var out: [BlobSighting] = []
        try walkTree(ofCommit: commit, seenTrees: &seenTrees, seenBlobs: &seenBlobs) { out.append($0) }
        return out
    }

    /// Every blob reachable from `head` (all its history), each once (by object id), with the
    /// oldest commit and path it appears at. A tree seen before is not walked again, so the
    /// cost is the number of distinct trees, not commits × files.
    public func historyBlobs(from head: String = "HEAD", limit: Int = 10_000_000) throws(GitError) -> [BlobSighting] {
        var seenTrees = Set<String>(), seenBlobs = Set<String>()
        var out: [BlobSighting] = []
        for commit in try commitShas(from: head, hiding: nil, limit: limit) {
            try walkTree(ofCommit: commit, seenTrees: &seenTrees, seenBlobs: &seenBlobs) { out.append($0) }
        }
        return out
    }

    /// The blobs the commits of `base..head` added or changed (against each commit's first
    /// parent), each once, with the blob it replaced at that path (nil for a new file).
    public func changedBlobs(since base: String, to head: String = "HEAD") throws(GitError) -> [(blob: BlobSighting, previous: String?)] {
        var out: [(BlobSighting, String?)] = []
        var seen = Set<String>()
        for commit in try commitShas(from: head, hiding: base, limit: 10_000_000) {
            try withCommitTree(commit) { (commitObject, tree) throws(GitError) in
                var parentTree: OpaquePointer?
                if git_commit_parentcount(commitObject) > 0 {
                    var parent: OpaquePointer?
                    try LibGit2.check(git_commit_parent(&parent, commitObject, 0), "read the parent of \(commit)")
                    defer { git_commit_free(parent) }
                    try LibGit2.check(git_commit_tree(&parentTree, parent), "read the parent tree of \(commit)")
                }
                defer { if let parentTree { git_tree_free(parentTree) } }
                var diff: OpaquePointer?
                try LibGit2.check(git_diff_tree_to_tree(&diff, pointer, parentTree, tree, nil), "diff \(commit)")
                defer { git_diff_free(diff) }
                for k in 0..<git_diff_num_deltas(diff) {
                    guard let delta = git_diff_get_delta(diff, k)?.pointee else { continue }
                    guard delta.status == GIT_DELTA_ADDED || delta.status == GIT_DELTA_MODIFIED || delta.status == GIT_DELTA_RENAMED || delta.status == GIT_DELTA_COPIED,
                          delta.new_file.mode == GIT_FILEMODE_BLOB.rawValue || delta.new_file.mode == GIT_FILEMODE_BLOB_EXECUTABLE.rawValue else { continue }
                    var newId = delta.new_file.id
                    let sha = Self.hex(&newId)
                    guard seen.insert(sha).inserted else { continue }
                    var oldId = delta.old_file.id
                    let previous = delta.status == GIT_DELTA_ADDED ? nil : Self.hex(&oldId)
                    out.append((BlobSighting(sha: sha, path: String(cString: delta.new_file.path), commit: commit, size: Int(delta.new_file.size)), previous))
                }
            }
        }
        return out
    }

    /// Calls `body` with a blob's bytes (valid during the call only).
    public func withBlob<T>(_ sha: String, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        var id = git_oid()
        guard git_oid_fromstr(&id, sha) == 0 else { throw GitError(operation: "read blob \(sha)", message: "not an object id", code: -3) }
        var blob: OpaquePointer?
        try LibGit2.check(git_blob_lookup(&blob, pointer, &id), "read blob \(sha)")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        return try body(UnsafeRawBufferPointer(start: git_blob_rawcontent(blob), count: size))
    }

    /// The working tree's files git would see: tracked ones, and untracked ones not ignored
    /// (paths relative to the root).
    public func worktreeFiles() throws(GitError) -> [String] {
        var options = git_status_options()
        git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION))
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue | GIT_STATUS_OPT_INCLUDE_UNMODIFIED.rawValue
        var list: OpaquePointer?
        try LibGit2.check(git_status_list_new(&list, pointer, &options), "read the working tree's status")
        defer { git_status_list_free(list) }
        var paths: [String] = []
        for k in 0..<git_status_list_entrycount(list) {
            guard let entry = git_status_byindex(list, k)?.pointee else { continue }
            if entry.status.rawValue & GIT_STATUS_WT_DELETED.rawValue != 0 { continue }
            if let delta = entry.index_to_workdir?.pointee, let path = delta.new_file.path {
                paths.append(String(cString: path))
            } else if let delta = entry.head_to_index?.pointee, let path = delta.new_file.path {
                paths.append(String(cString: path))
            }
        }
        return Array(Set(paths)).sorted()
    }

    /// Calls `body` with a commit and its tree (valid during the call only).
    private func withCommitTree<T>(_ commit: String, _ body: (OpaquePointer, OpaquePointer) throws(GitError) -> T) throws(GitError) -> T {
        var commitObject: OpaquePointer?
        var id = try oid(of: commit)
        try LibGit2.check(git_commit_lookup(&commitObject, pointer, &id), "read commit \(commit)")
        defer { git_commit_free(commitObject) }
        var tree: OpaquePointer?
        try LibGit2.check(git_commit_tree(&tree, commitObject), "read the tree of \(commit)")
        defer { git_tree_free(tree) }
        return try body(commitObject!, tree!)
    }

    private func walkTree(ofCommit commit: String, seenTrees: inout Set<String>, seenBlobs: inout Set<String>,
                          _ body: (BlobSighting) -> Void) throws(GitError) {
        try withCommitTree(commit) { (_, tree) throws(GitError) in
            try walk(tree, commit: commit, seenTrees: &seenTrees, seenBlobs: &seenBlobs, body)
        }
    }

    private func walk(_ tree: OpaquePointer, commit: String, seenTrees: inout Set<String>, seenBlobs: inout Set<String>,
                      _ body: (BlobSighting) -> Void) throws(GitError) {
        var odb: OpaquePointer?
        try LibGit2.check(git_repository_odb(&odb, pointer), "open the object database")
        defer { git_odb_free(odb) }
        try walk(tree, prefix: "", commit: commit, odb: odb!, seenTrees: &seenTrees, seenBlobs: &seenBlobs, depth: 0, body)
    }

    private func walk(_ tree: OpaquePointer, prefix: String, commit: String, odb: OpaquePointer, seenTrees: inout Set<String>, seenBlobs: inout Set<String>,
                      depth: Int, _ body: (BlobSighting) -> Void) throws(GitError) {
        guard seenTrees.insert(Self.hex(git_tree_id(tree))).inserted, depth < 256 else { return }
        for i in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, i) else { continue }
            let mode = git_tree_entry_filemode(entry)
            if mode == GIT_FILEMODE_TREE {
                var subtree: OpaquePointer?
                let name = prefix + String(cString: git_tree_entry_name(entry))
                try LibGit2.check(git_tree_lookup(&subtree, pointer, git_tree_entry_id(entry)), "read tree \(name)")
                defer { git_tree_free(subtree) }
                try walk(subtree!, prefix: name + "/", commit: commit, odb: odb, seenTrees: &seenTrees, seenBlobs: &seenBlobs, depth: depth + 1, body)
            } else if mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE {
                let sha = Self.hex(git_tree_entry_id(entry))
                guard seenBlobs.insert(sha).inserted else { continue }
                var size = 0
                var type = GIT_OBJECT_BLOB
                var oidCopy = git_tree_entry_id(entry)!.pointee
                _ = git_odb_read_header(&size, &type, odb, &oidCopy)
                body(BlobSighting(sha: sha, path: prefix + String(cString: git_tree_entry_name(entry)), commit: commit, size: Int(size)))
            }
        }
    }
}

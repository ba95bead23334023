internal import CLibGit2
import Foundation

/// A git repository opened through libgit2. Not thread-safe: use one per task.
public final class Repository {

    let pointer: OpaquePointer
    /// The working tree root (nil for a bare repository).
    public let workdir: URL?
    /// The `.git` directory.
    public let gitDirectory: URL

    /// Opens the repository containing `path` (searching parent directories, like git).
    public init(discovering path: String) throws(GitError) {
        _ = LibGit2.initialized
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        try LibGit2.check(git_repository_discover(&buffer, path, 0, nil), "find a git repository at \(path)")
        let gitDir = String(cString: buffer.ptr)
        var repo: OpaquePointer?
        try LibGit2.check(git_repository_open(&repo, gitDir), "open repository \(gitDir)")
        pointer = repo!
        gitDirectory = URL(fileURLWithPath: gitDir)
        workdir = git_repository_workdir(repo).map { URL(fileURLWithPath: String(cString: $0)) }
    }

    /// Opens the bare repository at `path`, creating it (and its folders) first when there is
    /// none: a cache of another repository's objects and refs, filled by `fetch`.
    public init(bareAt path: String) throws(GitError) {
        _ = LibGit2.initialized
        var repo: OpaquePointer?
        if git_repository_open_bare(&repo, path) != 0 {
            try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try LibGit2.check(git_repository_init(&repo, path, 1), "create a repository at \(path)")
        }
        pointer = repo!
        gitDirectory = URL(fileURLWithPath: path)
        workdir = nil
    }

    deinit {
        git_repository_free(pointer)
    }

    /// Whether the object database holds the commit `sha` (a full id).
    public func hasCommit(_ sha: String) -> Bool {
        var id = git_oid()
        guard git_oid_fromstr(&id, sha) == 0 else { return false }
        var commit: OpaquePointer?
        guard git_commit_lookup(&commit, pointer, &id) == 0 else { return false }
        git_commit_free(commit)
        return true
    }

    /// What HEAD points at.
    public func head() throws(GitError) -> Head {
        if git_repository_head_unborn(pointer) == 1 {
            var ref: OpaquePointer?
            var name = "refs/heads/main"
            if git_reference_lookup(&ref, pointer, "HEAD") == 0, let ref {
                defer { git_reference_free(ref) }
                if let target = git_reference_symbolic_target(ref) { name = String(cString: target) }
            }
            return .unborn(ref: name)
        }
        var ref: OpaquePointer?
        try LibGit2.check(git_repository_head(&ref, pointer), "read HEAD")
        defer { git_reference_free(ref) }
        var peeled: OpaquePointer?
        try LibGit2.check(git_reference_peel(&peeled, ref, GIT_OBJECT_COMMIT), "resolve HEAD to a commit")
        defer { git_object_free(peeled) }
        let sha = Self.hex(git_object_id(peeled))
        if git_repository_head_detached(pointer) == 1 {
            return .detached(sha: sha)
        }
        return .branch(ref: String(cString: git_reference_name(ref)), sha: sha)
    }

    /// Tags pointing at `sha` (annotated or lightweight), as full ref names.
    public func tags(pointingAt sha: String) throws(GitError) -> [String] {
        var names = git_strarray()
        try LibGit2.check(git_tag_list(&names, pointer), "list tags")
        defer { git_strarray_dispose(&names) }
        var result: [String] = []
        for i in 0..<names.count {
            let tag = String(cString: names.strings[i]!)
            var object: OpaquePointer?
            guard git_revparse_single(&object, pointer, "refs/tags/\(tag)^{commit}") == 0 else { continue }
            defer { git_object_free(object) }
            if Self.hex(git_object_id(object)) == sha { result.append("refs/tags/" + tag) }
        }
        return result.sorted()
    }

    /// A configuration value (`user.name`), or nil when unset.
    public func config(_ key: String) -> String? {
        var config: OpaquePointer?
        guard git_repository_config_snapshot(&config, pointer) == 0 else { return nil }
        defer { git_config_free(config) }
        var value: UnsafePointer<CChar>?
        guard git_config_get_string(&value, config, key) == 0, let value else { return nil }
        return String(cString: value)
    }

    /// The URL of a remote, or nil when there is no such remote.
    public func remoteURL(_ name: String) -> String? {
        var remote: OpaquePointer?
        guard git_remote_lookup(&remote, pointer, name) == 0 else { return nil }
        defer { git_remote_free(remote) }
        return git_remote_url(remote).map { String(cString: $0) }
    }

    /// Whether tracked files differ from HEAD or untracked files exist (ignored files aside).
    public func isDirty() throws(GitError) -> Bool {
        var options = git_status_options()
        git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION))
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
        var list: OpaquePointer?
        try LibGit2.check(git_status_list_new(&list, pointer, &options), "read the working tree status")
        defer { git_status_list_free(list) }
        return git_status_list_entrycount(list) > 0
    }

    /// Resolves a revision (`HEAD~2`, `main`, `v1.0^{commit}`, a short SHA) to a commit SHA.
    public func resolveCommit(_ revision: String) throws(GitError) -> String {
        var object: OpaquePointer?
        try LibGit2.check(git_revparse_single(&object, pointer, revision + "^{commit}"), "resolve revision '\(revision)'")
        defer { git_object_free(object) }
        return Self.hex(git_object_id(object))
    }

    /// The parents of a commit.
    public func parents(of sha: String) throws(GitError) -> [String] {
        let commit = try lookupCommit(sha)
        defer { git_commit_free(commit) }
        return (0..<git_commit_parentcount(commit)).map { Self.hex(git_commit_parent_id(commit, $0)) }
    }

    /// A commit's message, author and time.
    public func commit(_ sha: String) throws(GitError) -> CommitInfo {
        let commit = try lookupCommit(sha)
        defer { git_commit_free(commit) }
        let author = git_commit_author(commit)!.pointee
        let committer = git_commit_committer(commit)!.pointee
        return CommitInfo(
            sha: sha,
            message: git_commit_message(commit).map { String(cString: $0) } ?? "",
            authorName: String(cString: author.name), authorEmail: String(cString: author.email),
            committerName: String(cString: committer.name), committerEmail: String(cString: committer.email),
            time: Date(timeIntervalSince1970: TimeInterval(git_commit_time(commit))))
    }

    private func lookupCommit(_ sha: String) throws(GitError) -> OpaquePointer {
        var oid = git_oid()
        try LibGit2.check(git_oid_fromstr(&oid, sha), "parse commit id '\(sha)'")
        var commit: OpaquePointer?
        try LibGit2.check(git_commit_lookup(&commit, pointer, &oid), "look up commit \(sha)")
        return commit!
    }

    static func hex(_ oid: UnsafePointer<git_oid>?) -> String {
        guard let oid else { return "" }
        // Written straight into the string's storage: the registry converts thousands of ids.
        return withUnsafeBytes(of: oid.pointee.id) { raw in
            String(unsafeUninitializedCapacity: 40) { buffer in
                for i in 0..<20 {
                    buffer[2 * i] = hexDigits[Int(raw[i] >> 4)]
                    buffer[2 * i + 1] = hexDigits[Int(raw[i] & 15)]
                }
                return 40
            }
        }
    }
}

/// Where HEAD points.
public enum Head: Sendable, Equatable {
    /// On a branch: the full ref name and its commit.
    case branch(ref: String, sha: String)
    /// Detached at a commit.
    case detached(sha: String)
    /// A branch with no commits yet.
    case unborn(ref: String)

    /// The commit SHA, or nil when unborn.
    public var sha: String? {
        switch self {
        case .branch(_, let sha), .detached(let sha): sha
        case .unborn: nil
        }
    }
}

/// A commit's metadata.
public struct CommitInfo: Sendable, Equatable {
    public let sha: String
    public let message: String
    public let authorName: String
    public let authorEmail: String
    public let committerName: String
    public let committerEmail: String
    public let time: Date
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

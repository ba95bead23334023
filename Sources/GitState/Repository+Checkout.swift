internal import CLibGit2
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension Repository {
    /// Writes the tree of `revision` into `directory` (created if needed), as a fresh
    /// workspace: the repository's own working tree and index are not touched.
    ///
    /// When nothing could transform file contents on the way out (no `.gitattributes` in the
    /// tree, `core.autocrlf` unset or false, no submodules), each file is its blob, written
    /// directly on two threads; otherwise libgit2's checkout applies the filters.
    public func materialize(_ revision: String, into directory: String) throws(GitError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw GitError(operation: "create \(directory)", message: "\(error)", code: -1)
        }
        let entries = try files(at: revision)
        let autocrlf = config("core.autocrlf")?.lowercased()
        let filtersPossible = entries.contains { $0.path == ".gitattributes" || $0.path.hasSuffix("/.gitattributes") || $0.kind == .submodule }
            || (autocrlf != nil && autocrlf != "false")
        if filtersPossible {
            try checkoutWithFilters(revision, into: directory)
        } else {
            try writeBlobs(entries, into: directory)
        }
    }

    private func checkoutWithFilters(_ revision: String, into directory: String) throws(GitError) {
        let tree = try lookupTree(revision)
        defer { git_tree_free(tree) }
        var options = git_checkout_options()
        git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION))
        options.checkout_strategy = GIT_CHECKOUT_FORCE.rawValue | GIT_CHECKOUT_DONT_UPDATE_INDEX.rawValue
            | GIT_CHECKOUT_RECREATE_MISSING.rawValue
        let code = directory.withCString { path -> Int32 in
            options.target_directory = path
            return git_checkout_tree(pointer, tree, &options)
        }
        try LibGit2.check(code, "write the tree of \(revision) into \(directory)")
    }

    /// Writes each entry's blob to its path below `directory`, half the files on a second
    /// thread with its own repository handle.
    private func writeBlobs(_ entries: [TreeEntry], into directory: String) throws(GitError) {
        var folders = Set<String>()
        for entry in entries {
            var path = Substring(entry.path)
            while let slash = path.lastIndex(of: "/") {
                path = path[..<slash]
                if !folders.insert(String(path)).inserted { break }
            }
        }
        for folder in folders.sorted() { mkdir(directory + "/" + folder, 0o755) }

        let half = entries.count / 2
        let gitDir = gitDirectory.path
        let failure = FirstFailure()
        let second = Thread {
            do {
                let other = try Repository(discovering: gitDir)
                try other.write(entries[half...], into: directory)
            } catch {
                failure.record(error as? GitError ?? GitError(operation: "write files", message: "\(error)", code: -1))
            }
            failure.done.signal()
        }
        second.start()
        do { try write(entries[..<half], into: directory) } catch { failure.record(error) }
        failure.done.wait()
        if let error = failure.error { throw error }
    }

    private func write(_ entries: ArraySlice<TreeEntry>, into directory: String) throws(GitError) {
        for entry in entries {
            var id = git_oid()
            try LibGit2.check(git_oid_fromstr(&id, entry.sha), "parse object id \(entry.sha)")
            var blob: OpaquePointer?
            try LibGit2.check(git_blob_lookup(&blob, pointer, &id), "read \(entry.path)")
            defer { git_blob_free(blob) }
            let size = Int(git_blob_rawsize(blob))
            let bytes = git_blob_rawcontent(blob)
            let path = directory + "/" + entry.path
            if entry.kind == .symlink {
                let target = bytes.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: size), as: UTF8.self) } ?? ""
                if symlink(target, path) != 0 {
                    throw GitError(operation: "write \(entry.path)", message: String(cString: strerror(errno)), code: -1)
                }
                continue
            }
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, entry.kind == .executable ? 0o755 : 0o644)
            guard fd >= 0 else {
                throw GitError(operation: "write \(entry.path)", message: String(cString: strerror(errno)), code: -1)
            }
            var offset = 0
            while offset < size, let bytes {
                let n = Glibc.write(fd, bytes + offset, size - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    close(fd)
                    throw GitError(operation: "write \(entry.path)", message: String(cString: strerror(errno)), code: -1)
                }
                offset += n
            }
            close(fd)
        }
    }
}

/// The first error of two threads, and a signal that the second is done.
private final class FirstFailure: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var error: GitError?
    let done = DispatchSemaphore(value: 0)

    func record(_ error: GitError) {
        lock.withLock { if self.error == nil { self.error = error } }
    }
}

extension Repository {
    /// Makes `folder`, where `commit`'s tree was written, a git repository at that commit, as
    /// `actions/checkout` leaves one: HEAD detached at the commit, an index matching its tree,
    /// this repository's objects shared through `objects/info/alternates` (nothing is copied)
    /// and its tags (in `packed-refs`), so `git describe`, gto, dvc and setuptools-scm work.
    public func initializeCheckout(at folder: String, commit sha: String) throws(GitError) {
        var repo: OpaquePointer?
        try LibGit2.check(git_repository_init(&repo, folder, 0), "make \(folder) a git repository")
        defer { git_repository_free(repo) }
        let objects = gitDirectory.appendingPathComponent("objects").standardizedFileURL.path
        let git = folder + "/.git"
        do {
            try (objects + "\n").write(toFile: git + "/objects/info/alternates", atomically: true, encoding: .utf8)
            let tags = try referenceEntries(under: "refs/tags/").sorted { $0.name < $1.name }
            try ("# pack-refs with: sorted \n" + tags.map { "\($0.id) \($0.name)\n" }.joined())
                .write(toFile: git + "/packed-refs", atomically: true, encoding: .utf8)
        } catch let error as GitError {
            throw error
        } catch {
            throw GitError(operation: "link \(folder) to \(gitDirectory.path)", message: "\(error)", code: -1)
        }
        var id = git_oid()
        try LibGit2.check(git_oid_fromstr(&id, sha), "parse object id '\(sha)'")
        try LibGit2.check(git_repository_set_head_detached(repo, &id), "point HEAD of \(folder) at \(sha.prefix(7))")
        var commit: OpaquePointer?
        try LibGit2.check(git_commit_lookup(&commit, repo, &id), "read commit \(sha.prefix(7))")
        defer { git_commit_free(commit) }
        var tree: OpaquePointer?
        try LibGit2.check(git_commit_tree(&tree, commit), "read the tree of \(sha.prefix(7))")
        defer { git_tree_free(tree) }
        var index: OpaquePointer?
        try LibGit2.check(git_repository_index(&index, repo), "open the index of \(folder)")
        defer { git_index_free(index) }
        try LibGit2.check(git_index_read_tree(index, tree), "fill the index of \(folder)")
        try LibGit2.check(git_index_write(index), "write the index of \(folder)")
    }
}

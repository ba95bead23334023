internal import CLibGit2
import Foundation

extension Repository {
    /// Fetches `ref` (a tag, a branch, or a full commit SHA) from `url` at depth 1: the
    /// commit and its tree, without history, as `git fetch --depth 1` does. The pack comes
    /// over git's protocol v2 (`git://`, `http://`, `https://`) and is indexed by libgit2;
    /// `refs/tags/REF` and `refs/heads/REF` are set to the commit each names on the server.
    /// Returns false, having changed nothing, when `url` is of another kind (a path, ssh) or
    /// the server does not speak protocol v2: fetch it with `fetch(from:refspecs:)` then.
    public func fetchShallow(from url: String, ref: String, token: String? = nil) throws(GitError) -> Bool {
        func failure(_ message: String) -> GitError { GitError(operation: "fetch \(ref) from \(url)", message: message, code: -1) }
        let client: UploadPackClient
        do {
            guard let opened = try UploadPackClient(url: url, token: token) else { return false }
            client = opened
        } catch {
            if error.description.contains("protocol v2") { return false }
            throw failure(error.description)
        }
        let wanted: [(name: String, commit: String)]
        do {
            wanted = UploadPackClient.isObjectID(ref) ? [] : try client.commits(of: ["refs/tags/\(ref)", "refs/heads/\(ref)"])
        } catch {
            throw failure(error.description)
        }
        let commits = UploadPackClient.isObjectID(ref) ? [ref.lowercased()] : Array(Set(wanted.map(\.commit))).sorted()
        guard !commits.isEmpty else { return true }  // no such ref: the caller says so
        let pack: [UInt8]
        do { pack = try client.shallowPack(of: commits) } catch { throw failure(error.description) }
        try index(pack)
        // The commits' parents are not here: git reads the repository as shallow.
        let shallowFile = gitDirectory.appendingPathComponent("shallow").path
        let known = (try? String(contentsOfFile: shallowFile, encoding: .utf8)) ?? ""
        let added = commits.filter { !known.contains($0) }
        if !added.isEmpty {
            guard let handle = FileHandle(forWritingAtPath: shallowFile) ?? {
                FileManager.default.createFile(atPath: shallowFile, contents: nil)
                return FileHandle(forWritingAtPath: shallowFile)
            }() else { throw failure("cannot write \(shallowFile)") }
            handle.seekToEndOfFile()
            handle.write(Data(added.map { $0 + "\n" }.joined().utf8))
            handle.closeFile()
        }
        for (name, commit) in wanted {
            var id = git_oid()
            try LibGit2.check(git_oid_fromstr(&id, commit), "parse object id '\(commit)'")
            var reference: OpaquePointer?
            try LibGit2.check(git_reference_create(&reference, pointer, name, &id, 1, "mlgate: fetch --depth 1"), "set \(name)")
            git_reference_free(reference)
        }
        return true
    }

    /// Writes `pack` into the object database as a pack and its index (libgit2's indexer).
    private func index(_ pack: [UInt8]) throws(GitError) {
        var odb: OpaquePointer?
        try LibGit2.check(git_repository_odb(&odb, pointer), "open the object database")
        defer { git_odb_free(odb) }
        let folder = gitDirectory.appendingPathComponent("objects/pack").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var options = git_indexer_options()
        try LibGit2.check(git_indexer_options_init(&options, UInt32(GIT_INDEXER_OPTIONS_VERSION)), "prepare the pack indexer")
        var indexer: OpaquePointer?
        try LibGit2.check(git_indexer_new(&indexer, folder, 0, odb, &options), "start indexing the fetched pack")
        defer { git_indexer_free(indexer) }
        var progress = git_indexer_progress()
        let appended = pack.withUnsafeBytes { git_indexer_append(indexer, $0.baseAddress, $0.count, &progress) }
        try LibGit2.check(appended, "index the fetched pack")
        try LibGit2.check(git_indexer_commit(indexer, &progress), "write the fetched pack")
        try LibGit2.check(git_odb_refresh(odb), "read the fetched pack")
    }
}

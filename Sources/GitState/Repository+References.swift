internal import CLibGit2
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension Repository {
    /// The commit or object a reference points at (peeled through tags to the object the tag
    /// names), or nil when the reference does not exist.
    public func target(of reference: String) throws(GitError) -> String? {
        var ref: OpaquePointer?
        let code = git_reference_lookup(&ref, pointer, reference)
        if code == -3 { return nil }
        try LibGit2.check(code, "read reference \(reference)")
        defer { git_reference_free(ref) }
        var resolved: OpaquePointer?
        try LibGit2.check(git_reference_resolve(&resolved, ref), "resolve reference \(reference)")
        defer { git_reference_free(resolved) }
        return Self.hex(git_reference_target(resolved))
    }

    /// Compare-and-swap: points `reference` at `sha` only if it currently points at
    /// `expected` (nil: only if it does not exist yet). Two writers racing on the same ref
    /// never both win; the loser gets a `GitError` whose `isConflict` is true, and nothing
    /// is written.
    public func updateReference(_ reference: String, to sha: String, expecting expected: String?,
                                message: String) throws(GitError) {
        var id = git_oid()
        try LibGit2.check(git_oid_fromstr(&id, sha), "parse object id '\(sha)'")
        var ref: OpaquePointer?
        // Not git_reference_create(force: 0) for a new ref: libgit2 checks that the ref is
        // absent before it takes the ref's lock, so two racing creators can both succeed. An
        // expected value of all zeros is checked under the lock and means "must not exist".
        var current = git_oid()
        if let expected { try LibGit2.check(git_oid_fromstr(&current, expected), "parse object id '\(expected)'") }
        let code = git_reference_create_matching(&ref, pointer, reference, &id, 1, &current, message)
        let operation = expected.map { "update \(reference) from \($0.prefix(7)) to \(sha.prefix(7))" } ?? "create \(reference) at \(sha.prefix(7))"
        guard code == 0 else {
            let error = LibGit2.lastError(code, operation)
            if error.isLocked, let stale = staleLock(of: reference) {
                throw GitError(operation: operation, message: stale, code: GitError.staleLockCode)
            }
            throw error
        }
        git_reference_free(ref)
    }

    /// How long a lock file must have existed, with no process holding it open, before it
    /// counts as left behind. Writers hold a ref's lock for well under a millisecond.
    static let staleLockAge: TimeInterval = 5

    /// When `reference`'s lock file was left by a writer that is gone — older than
    /// `staleLockAge` and open in no process on this machine — what to do about it; nil when
    /// there is no lock or its writer may still be working.
    public func staleLock(of reference: String) -> String? {
        let path = gitDirectory.appendingPathComponent(reference + ".lock").path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let modified = attributes[.modificationDate] as? Date else { return nil }
        let age = Date().timeIntervalSince(modified)
        guard age >= Self.staleLockAge, !Self.isOpenInAnyProcess(path) else { return nil }
        return "\(path) was left by a writer that was stopped mid-update (\(Int(age)) s old, open in no process); "
            + "nothing was written to \(reference). If no git or mlgate command is working on this repository, remove it: rm '\(path)'"
    }

    /// Whether any process on this machine has `path` open (read from `/proc/*/fd`).
    static func isOpenInAnyProcess(_ path: String) -> Bool {
        guard let processes = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return false }
        for pid in processes where pid.allSatisfy(\.isNumber) {
            let folder = "/proc/\(pid)/fd"
            guard let descriptors = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for fd in descriptors where (try? FileManager.default.destinationOfSymbolicLink(atPath: folder + "/" + fd)) == path {
                return true
            }
        }
        return false
    }

    /// Every direct reference under `prefix` (`refs/tags/`), in one pass of libgit2's
    /// reference iterator: its full name (or, with `strippingPrefix`, its name after
    /// `prefix`), the id it holds, and the commit it peels to when packed refs record that.
    /// Reads no objects, and looks no name up again.
    public func referenceEntries(under prefix: String, strippingPrefix: Bool = false) throws(GitError) -> [(name: String, id: String, peeled: String?)] {
        let skip = strippingPrefix ? prefix.utf8.count : 0
        var iterator: OpaquePointer?
        try LibGit2.check(git_reference_iterator_glob_new(&iterator, pointer, prefix + "*"), "list references under \(prefix)")
        defer { git_reference_iterator_free(iterator) }
        var result: [(name: String, id: String, peeled: String?)] = []
        var ref: OpaquePointer?
        while true {
            let code = git_reference_next(&ref, iterator)
            if code == -31 { break }  // GIT_ITEROVER
            try LibGit2.check(code, "list references under \(prefix)")
            defer { git_reference_free(ref) }
            guard let id = git_reference_target(ref), let name = git_reference_name(ref) else { continue }
            // The glob matched the prefix: the name starts with it.
            result.append((String(cString: name + skip), Self.hex(id), git_reference_target_peel(ref).map { Self.hex($0) }))
        }
        return result
    }

    /// All reference names matching a glob (`refs/tags/*`), sorted.
    public func references(matching glob: String) throws(GitError) -> [String] {
        var names = git_strarray()
        try LibGit2.check(git_reference_list(&names, pointer), "list references")
        defer { git_strarray_dispose(&names) }
        var result: [String] = []
        for i in 0..<names.count {
            let name = String(cString: names.strings[i]!)
            if fnmatch(glob, name, 0) == 0 { result.append(name) }
        }
        return result.sorted()
    }
}

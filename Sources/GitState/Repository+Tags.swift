internal import CLibGit2
import Foundation

/// A tag as the registry reads it.
public struct TagRecord: Sendable, Equatable {
    /// The tag's name, without `refs/tags/`.
    public let name: String
    /// The commit the tag points at, peeled through the tag object.
    public let commit: String
    /// Whether it is an annotated tag (with a tagger and a message).
    public let annotated: Bool
    /// The tagger (annotated tags only).
    public let taggerName: String?
    public let taggerEmail: String?
    /// When it was tagged (annotated tags only).
    public let time: Date?
    /// The tag's message ("" for lightweight tags).
    public let message: String
}

extension Repository {
    /// The names of all tags (without `refs/tags/`) that `include` accepts, each with the id
    /// its reference holds (the tag object for annotated tags). Reads no objects.
    public func tagNames(where include: (String) -> Bool = { _ in true }) throws(GitError) -> [(name: String, id: String)] {
        try tagReferences().filter { include($0.name) }.map { ($0.name, $0.id) }
    }

    /// Like `tagNames`, with the commit an annotated tag points at when the reference store
    /// knows it without reading the tag (packed refs record it), else nil.
    /// Read from the reference files themselves (`TagReferenceFiles`, the same answer as
    /// libgit2's iterator without its cost per reference), else through libgit2, which then
    /// reports what is wrong with them.
    public func tagReferences() throws(GitError) -> [(name: String, id: String, peeled: String?)] {
        if let common = git_repository_commondir(pointer), let listed = TagReferenceFiles(commonDirectory: String(cString: common)).read() {
            return listed
        }
        return try libgit2TagReferences()
    }

    /// `tagReferences` as libgit2's reference iterator lists them.
    func libgit2TagReferences() throws(GitError) -> [(name: String, id: String, peeled: String?)] {
        try referenceEntries(under: "refs/tags/", strippingPrefix: true)
    }

    /// Reads the tag whose reference holds `id` (from `tagNames`).
    public func tagRecord(name: String, id: String) throws(GitError) -> TagRecord {
        var oid = git_oid()
        try LibGit2.check(git_oid_fromstr(&oid, id), "parse object id '\(id)'")
        var tag: OpaquePointer?
        if git_tag_lookup(&tag, pointer, &oid) != 0 {
            // A lightweight tag: the reference names the commit itself.
            return TagRecord(name: name, commit: id, annotated: false, taggerName: nil, taggerEmail: nil, time: nil, message: "")
        }
        defer { git_tag_free(tag) }
        // A tag of a commit names it in its header: the commit itself is not read. A tag of
        // a tag is peeled.
        let commit: String
        if git_tag_target_type(tag) == GIT_OBJECT_COMMIT {
            commit = Self.hex(git_tag_target_id(tag))
        } else {
            var target: OpaquePointer?
            try LibGit2.check(git_tag_peel(&target, tag), "read the target of tag \(name)")
            defer { git_object_free(target) }
            commit = Self.hex(git_object_id(target))
        }
        let message = git_tag_message(tag).map { String(cString: $0) } ?? ""
        guard let signature = git_tag_tagger(tag) else {
            return TagRecord(name: name, commit: commit, annotated: true, taggerName: nil, taggerEmail: nil, time: nil, message: message)
        }
        return TagRecord(name: name, commit: commit, annotated: true,
                         taggerName: signature.pointee.name.map { String(cString: $0) },
                         taggerEmail: signature.pointee.email.map { String(cString: $0) },
                         time: Date(timeIntervalSince1970: TimeInterval(signature.pointee.when.time)),
                         message: message)
    }

    /// Reads the tag `name`, or nil when there is none.
    public func tagRecord(named name: String) throws(GitError) -> TagRecord? {
        guard let id = try target(ofUnpeeled: "refs/tags/" + name) else { return nil }
        return try tagRecord(name: name, id: id)
    }

    /// Creates the annotated tag `name` on `commit`. Atomic: when the tag already exists
    /// (another writer won the race), nothing is written and the `GitError` thrown has
    /// `isConflict` set.
    public func createAnnotatedTag(_ name: String, commit: String, message: String,
                                   taggerName: String, taggerEmail: String, time: Date = Date()) throws(GitError) {
        var oid = git_oid()
        try LibGit2.check(git_oid_fromstr(&oid, commit), "parse object id '\(commit)'")
        var object: OpaquePointer?
        try LibGit2.check(git_object_lookup(&object, pointer, &oid, GIT_OBJECT_COMMIT), "find commit \(commit.prefix(7))")
        defer { git_object_free(object) }
        var signature: UnsafeMutablePointer<git_signature>?
        let offset = TimeZone.current.secondsFromGMT(for: time) / 60
        try LibGit2.check(git_signature_new(&signature, taggerName, taggerEmail, git_time_t(time.timeIntervalSince1970), Int32(offset)),
                          "make the tagger signature")
        defer { git_signature_free(signature) }
        // The tag object first, then its reference by compare-and-swap (git_tag_create's own
        // reference write is not atomic against a racing creator).
        var created = git_oid()
        try LibGit2.check(git_tag_annotation_create(&created, pointer, name, object, signature, message), "write tag \(name)")
        try updateReference("refs/tags/" + name, to: Self.hex(&created), expecting: nil, message: "tag \(name)")
    }

    /// The id a reference holds, without peeling (nil when it does not exist).
    func target(ofUnpeeled reference: String) throws(GitError) -> String? {
        var ref: OpaquePointer?
        let code = git_reference_lookup(&ref, pointer, reference)
        if code == -3 { return nil }
        try LibGit2.check(code, "read reference \(reference)")
        defer { git_reference_free(ref) }
        guard let id = git_reference_target(ref) else { return nil }
        return Self.hex(id)
    }

    /// The user's identity from git config (`user.name`, `user.email`), as git would use it
    /// for a tagger; the environment's `GIT_COMMITTER_*` wins, as with git.
    public func identity() -> (name: String, email: String) {
        let env = ProcessInfo.processInfo.environment
        let name = env["GIT_COMMITTER_NAME"] ?? config("user.name") ?? env["USER"] ?? "mlgate"
        let email = env["GIT_COMMITTER_EMAIL"] ?? config("user.email") ?? "\(env["USER"] ?? "mlgate")@localhost"
        return (name, email)
    }
}

extension Repository {
    /// Stores `text` as a blob and returns its id.
    public func writeBlob(_ text: String) throws(GitError) -> String {
        var oid = git_oid()
        var bytes = Array(text.utf8)
        try LibGit2.check(git_blob_create_from_buffer(&oid, pointer, &bytes, bytes.count), "write a blob")
        return withUnsafePointer(to: &oid) { Self.hex($0) }
    }

    /// The text of the blob `id`.
    public func blobText(_ id: String) throws(GitError) -> String {
        var oid = git_oid()
        try LibGit2.check(git_oid_fromstr(&oid, id), "parse object id '\(id)'")
        var blob: OpaquePointer?
        try LibGit2.check(git_blob_lookup(&blob, pointer, &oid), "read blob \(id.prefix(7))")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let raw = git_blob_rawcontent(blob) else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: raw, count: size), as: UTF8.self)
    }
}

extension Repository {
    /// Reads many tags at once, as `tagRecord(name:id:)` would one by one, straight from the
    /// object database (one handle, no object cache, the header parsed here): the registry's
    /// full read of thousands of version tags. nil for an id that cannot be read.
    public func tagRecords(_ tags: [(name: String, id: String)]) -> [TagRecord?] {
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, pointer) == 0 else { return tags.map { try? tagRecord(name: $0.name, id: $0.id) } }
        defer { git_odb_free(odb) }
        return tags.map { tag -> TagRecord? in
            var oid = git_oid()
            guard git_oid_fromstr(&oid, tag.id) == 0 else { return nil }
            var object: OpaquePointer?
            guard git_odb_read(&object, odb, &oid) == 0 else { return nil }
            defer { git_odb_object_free(object) }
            switch git_odb_object_type(object) {
            case GIT_OBJECT_TAG:
                let bytes = UnsafeRawBufferPointer(start: git_odb_object_data(object), count: git_odb_object_size(object))
                return Self.parseTag(bytes.bindMemory(to: UInt8.self), name: tag.name) ?? (try? tagRecord(name: tag.name, id: tag.id))
            case GIT_OBJECT_COMMIT:
                return TagRecord(name: tag.name, commit: tag.id, annotated: false, taggerName: nil, taggerEmail: nil, time: nil, message: "")
            default:
                return try? tagRecord(name: tag.name, id: tag.id)
            }
        }
    }

    /// A tag object's fields when it tags a commit; nil for anything else (a tag of a tag,
    /// an unusual header), which the caller reads through libgit2 instead.
    static func parseTag(_ bytes: UnsafeBufferPointer<UInt8>, name: String) -> TagRecord? {
        var commit: String?, typeIsCommit = false
        var taggerName: String?, taggerEmail: String?, time: Date?
        var i = 0
        let n = bytes.count
        while i < n {
            var end = i
            while end < n, bytes[end] != 0x0A { end += 1 }
            if end == i { i += 1; break }  // the blank line before the message
            let line = UnsafeBufferPointer(rebasing: bytes[i..<end])
            func starts(_ prefix: StaticString) -> Bool {
                prefix.utf8CodeUnitCount <= line.count && memcmp(line.baseAddress!, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
            }
            if starts("object ") {
                commit = String(decoding: line[7...], as: UTF8.self)
            } else if starts("type ") {
                typeIsCommit = line.count == 11 && starts("type commit")
            } else if starts("tagger ") {
                guard let open = line.firstIndex(of: 0x3C), let close = line[open...].firstIndex(of: 0x3E) else { return nil }
                var nameEnd = open
                while nameEnd > 7, line[nameEnd - 1] == 0x20 { nameEnd -= 1 }
                taggerName = String(decoding: line[7..<nameEnd], as: UTF8.self)
                taggerEmail = String(decoding: line[(open + 1)..<close], as: UTF8.self)
                var t = close + 1
                while t < line.count, line[t] == 0x20 { t += 1 }
                var seconds: Int64 = 0, digits = 0
                while t < line.count, (0x30...0x39).contains(line[t]) { seconds = seconds * 10 + Int64(line[t] - 0x30); t += 1; digits += 1 }
                guard digits > 0, digits < 19 else { return nil }
                time = Date(timeIntervalSince1970: TimeInterval(seconds))
            }
            i = end + 1
        }
        guard let commit, commit.utf8.count == 40, typeIsCommit else { return nil }
        let message = i < n ? String(decoding: UnsafeBufferPointer(rebasing: bytes[i...]).prefix { $0 != 0 }, as: UTF8.self) : ""
        return TagRecord(name: name, commit: commit, annotated: true, taggerName: taggerName, taggerEmail: taggerEmail, time: time, message: message)
    }
}

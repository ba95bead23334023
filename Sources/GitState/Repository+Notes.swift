internal import CLibGit2
import Foundation

extension Repository {
    /// The note attached to `object` under `notesRef` (`refs/notes/…`), or nil when there is
    /// none (or no notes ref yet).
    public func note(on object: String, ref notesRef: String) throws(GitError) -> String? {
        guard let tip = try target(of: notesRef) else { return nil }
        return try note(on: object, inNotesCommit: tip)
    }

    /// The note attached to `object` in the notes commit `notesCommit`.
    public func note(on object: String, inNotesCommit notesCommit: String) throws(GitError) -> String? {
        var commitID = git_oid(), objectID = git_oid()
        try LibGit2.check(git_oid_fromstr(&commitID, notesCommit), "parse object id '\(notesCommit)'")
        try LibGit2.check(git_oid_fromstr(&objectID, object), "parse object id '\(object)'")
        var commit: OpaquePointer?
        try LibGit2.check(git_commit_lookup(&commit, pointer, &commitID), "read notes commit \(notesCommit.prefix(7))")
        defer { git_commit_free(commit) }
        var note: OpaquePointer?
        let code = git_note_commit_read(&note, pointer, commit, &objectID)
        if code == -3 { return nil }
        try LibGit2.check(code, "read the note on \(object.prefix(7))")
        defer { git_note_free(note) }
        return git_note_message(note).map { String(cString: $0) }
    }

    /// Objects that have a note in the notes commit `notesCommit`.
    public func notedObjects(inNotesCommit notesCommit: String) throws(GitError) -> [String] {
        // git_note_foreach reads a ref; list the notes tree of this commit instead, fanout
        // folders included (a note's path, without slashes, is the object's id).
        var objects: [String] = []
        for entry in try files(at: notesCommit) {
            let id = entry.path.replacingOccurrences(of: "/", with: "")
            if id.count == 40, id.allSatisfy(\.isHexDigit) { objects.append(id) }
        }
        return objects
    }

    /// A new notes commit on top of `parent` (nil: the first) in which `object`'s note is
    /// `text`, replacing any note it had. No reference is moved: the caller publishes the
    /// commit with a compare-and-swap on the notes ref.
    public func notesCommit(parent: String?, object: String, text: String,
                            authorName: String, authorEmail: String) throws(GitError) -> String {
        var objectID = git_oid()
        try LibGit2.check(git_oid_fromstr(&objectID, object), "parse object id '\(object)'")
        var parentCommit: OpaquePointer?
        if let parent {
            var parentID = git_oid()
            try LibGit2.check(git_oid_fromstr(&parentID, parent), "parse object id '\(parent)'")
            try LibGit2.check(git_commit_lookup(&parentCommit, pointer, &parentID), "read notes commit \(parent.prefix(7))")
        }
        defer { if let parentCommit { git_commit_free(parentCommit) } }
        var signature: UnsafeMutablePointer<git_signature>?
        try LibGit2.check(git_signature_now(&signature, authorName, authorEmail), "make the notes signature")
        defer { git_signature_free(signature) }
        var commitID = git_oid(), blobID = git_oid()
        try LibGit2.check(git_note_commit_create(&commitID, &blobID, pointer, parentCommit, signature, signature, &objectID, text, 1),
                          "write the note on \(object.prefix(7))")
        return withUnsafePointer(to: &commitID) { Self.hex($0) }
    }
}

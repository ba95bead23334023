import Foundation
import Testing
import TestSupport
@testable import GitState

/// GitState against what git itself says about the same repository.
@Suite("Repository through libgit2")
struct RepositoryTests {
    /// main: c1 (a.txt, dir/b.txt, run.sh) → c2 (a.txt changed, dir/b.txt renamed to dir/c.txt,
    /// run.sh deleted, new.txt added); tag v1 (annotated) on c1; branch feature from c1.
    func history() throws -> (TemporaryRepository, c1: String, c2: String) {
        let repo = try TemporaryRepository()
        try repo.write("a.txt", "one\n")
        try repo.write("dir/b.txt", String(repeating: "a stable line of text\n", count: 20))
        try repo.write("run.sh", "#!/bin/sh\necho hi\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: repo.path + "/run.sh")
        let c1 = try repo.commitAll("c1")
        try repo.git("tag", "-a", "v1", "-m", "release one")
        try repo.git("branch", "feature")
        try repo.write("a.txt", "two\n")
        try repo.git("mv", "dir/b.txt", "dir/c.txt")
        try repo.git("rm", "-q", "run.sh")
        try repo.write("new.txt", "new\n")
        let c2 = try repo.commitAll("c2")
        return (repo, c1, c2)
    }

    @Test("revisions resolve as git resolves them")
    func revisions() throws {
        let (repo, c1, c2) = try history()
        let r = try Repository(discovering: repo.path)
        #expect(try r.resolveCommit("HEAD") == c2)
        #expect(try r.resolveCommit("HEAD~1") == c1)
        #expect(try r.resolveCommit("main^") == c1)
        #expect(try r.resolveCommit("v1") == c1)
        #expect(try r.resolveCommit("v1^{commit}") == c1)
        #expect(try r.resolveCommit(String(c2.prefix(8))) == c2)
        #expect(try r.resolveCommit("feature") == c1)
        #expect(throws: GitError.self) { try r.resolveCommit("no-such-branch") }
    }

    @Test("errors carry libgit2's own message")
    func errorMessages() throws {
        let (repo, _, _) = try history()
        let r = try Repository(discovering: repo.path)
        do {
            _ = try r.resolveCommit("no-such-branch")
            Issue.record("expected an error")
        } catch {
            #expect(error.isNotFound)
            #expect(error.description.contains("no-such-branch"))
        }
    }

    @Test("trees list every file with its kind, at any revision")
    func trees() throws {
        let (repo, c1, _) = try history()
        let r = try Repository(discovering: repo.path)
        let old = try r.files(at: c1)
        #expect(old.map(\.path) == ["a.txt", "dir/b.txt", "run.sh"])
        #expect(old.first { $0.path == "run.sh" }?.kind == .executable)
        #expect(try r.files(at: "HEAD").map(\.path) == ["a.txt", "dir/c.txt", "new.txt"])
        let gitSha = try repo.git("rev-parse", "\(c1):a.txt").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(old.first?.sha == gitSha)
    }

    @Test("file contents at a revision, like git show REV:path")
    func contents() throws {
        let (repo, _, _) = try history()
        let r = try Repository(discovering: repo.path)
        #expect(String(decoding: try r.contents(of: "a.txt", at: "HEAD~1"), as: UTF8.self) == "one\n")
        #expect(String(decoding: try r.contents(of: "a.txt", at: "main"), as: UTF8.self) == "two\n")
        #expect {
            try r.contents(of: "run.sh", at: "HEAD")
        } throws: { ($0 as? GitError)?.isNotFound == true }
    }

    @Test("changed paths match git diff --name-status -M")
    func changedPaths() throws {
        let (repo, c1, c2) = try history()
        let r = try Repository(discovering: repo.path)
        let changes = try r.changedPaths(from: c1, to: c2)
        #expect(changes.contains(ChangedPath(status: .modified, path: "a.txt", oldPath: nil)))
        #expect(changes.contains(ChangedPath(status: .renamed, path: "dir/c.txt", oldPath: "dir/b.txt")))
        #expect(changes.contains(ChangedPath(status: .deleted, path: "run.sh", oldPath: nil)))
        #expect(changes.contains(ChangedPath(status: .added, path: "new.txt", oldPath: nil)))
        #expect(changes.count == 4)
        let git = try repo.git("diff", "--name-only", "-M", c1, c2).split(separator: "\n").map(String.init).sorted()
        #expect(Set(changes.map(\.path)) == Set(git))
        #expect(try r.changedPaths(from: nil, to: c1).map(\.status) == [.added, .added, .added])
    }

    @Test("merge base of diverged branches")
    func mergeBase() throws {
        let (repo, c1, c2) = try history()
        try repo.git("checkout", "-q", "feature")
        try repo.write("f.txt", "feature\n")
        let f1 = try repo.commitAll("f1")
        let r = try Repository(discovering: repo.path)
        #expect(try r.mergeBase(f1, c2) == c1)
        #expect(try r.mergeBase("feature", "main") == c1)
    }

    @Test("commits between two revisions, oldest first, like git log base..head")
    func commitRange() throws {
        let (repo, c1, c2) = try history()
        try repo.write("later.txt", "x\n")
        let c3 = try repo.commitAll("c3")
        let r = try Repository(discovering: repo.path)
        #expect(try r.commits(from: c1, to: "HEAD").map(\.sha) == [c2, c3])
        #expect(try r.commits(from: nil, to: c2).map(\.sha) == [c1, c2])
        #expect(try r.commits(from: c1, to: "HEAD").last?.message == "c3\n")
        #expect(try r.commits(from: "HEAD", to: "HEAD").isEmpty)
    }

    @Test("reference updates are compare-and-swap")
    func compareAndSwap() throws {
        let (repo, c1, c2) = try history()
        let r = try Repository(discovering: repo.path)
        try r.updateReference("refs/tags/model@v1.0.0", to: c1, expecting: nil, message: "register")
        #expect(try r.target(of: "refs/tags/model@v1.0.0") == c1)
        // Creating again, or updating from a stale value, is refused and writes nothing.
        #expect { try r.updateReference("refs/tags/model@v1.0.0", to: c2, expecting: nil, message: "again") }
            throws: { ($0 as? GitError)?.isConflict == true }
        #expect { try r.updateReference("refs/tags/model@v1.0.0", to: c2, expecting: c2, message: "stale") }
            throws: { ($0 as? GitError)?.isConflict == true }
        #expect(try r.target(of: "refs/tags/model@v1.0.0") == c1)
        try r.updateReference("refs/tags/model@v1.0.0", to: c2, expecting: c1, message: "move")
        #expect(try r.target(of: "refs/tags/model@v1.0.0") == c2)
        #expect(try r.target(of: "refs/tags/nothing") == nil)
        #expect(try r.references(matching: "refs/tags/model@*") == ["refs/tags/model@v1.0.0"])
    }

    @Test("of many writers racing to create one ref, exactly one wins")
    func racingWriters() throws {
        let (repo, c1, _) = try history()
        // Many rounds: libgit2's own create (force 0) lets two racers both win now and then.
        for round in 1...25 {
            let wins = Counter()
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                // One repository handle per thread, as libgit2 requires.
                guard let r = try? Repository(discovering: repo.path) else { return }
                do {
                    try r.updateReference("refs/tags/model#staging#\(round)", to: c1, expecting: nil, message: "promote")
                    wins.increment()
                } catch {}
            }
            #expect(wins.value == 1, "round \(round)")
        }
    }

    @Test("materializing a revision writes its files and leaves the working tree alone")
    func materialize() throws {
        let (repo, c1, _) = try history()
        let r = try Repository(discovering: repo.path)
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("mlgate-mat-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: target) }
        try r.materialize(c1, into: target)
        #expect(try String(contentsOfFile: target + "/a.txt", encoding: .utf8) == "one\n")
        #expect(FileManager.default.fileExists(atPath: target + "/dir/b.txt"))
        #expect(FileManager.default.isExecutableFile(atPath: target + "/run.sh"))
        #expect(try repo.git("status", "--porcelain").isEmpty)
        #expect(try String(contentsOfFile: repo.path + "/a.txt", encoding: .utf8) == "two\n")
    }
}

extension RepositoryTests {
    @Test("a tree with .gitattributes is written through libgit2's filters (eol=crlf here)")
    func materializeWithAttributes() throws {
        let repo = try TemporaryRepository()
        try repo.write(".gitattributes", "*.txt text eol=crlf\n")
        try repo.write("notes.txt", "one\ntwo\n")
        try repo.write("raw.bin", "one\ntwo\n")
        try repo.commitAll()
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("mlgate-attr-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: target) }
        try Repository(discovering: repo.path).materialize("HEAD", into: target)
        #expect(try String(contentsOfFile: target + "/notes.txt", encoding: .utf8) == "one\r\ntwo\r\n")
        #expect(try String(contentsOfFile: target + "/raw.bin", encoding: .utf8) == "one\ntwo\n")
    }

    @Test("HEAD attached, detached, and unborn")
    func heads() throws {
        let repo = try TemporaryRepository()
        #expect(try Repository(discovering: repo.path).head() == .unborn(ref: "refs/heads/main"))
        try repo.write("a", "1\n")
        let c1 = try repo.commitAll()
        #expect(try Repository(discovering: repo.path).head() == .branch(ref: "refs/heads/main", sha: c1))
        try repo.git("checkout", "-q", "--detach")
        #expect(try Repository(discovering: repo.path).head() == .detached(sha: c1))
    }

    @Test("symlinks are written as symlinks")
    func materializeSymlinks() throws {
        let repo = try TemporaryRepository()
        try repo.write("real.txt", "content\n")
        try FileManager.default.createSymbolicLink(atPath: repo.path + "/link.txt", withDestinationPath: "real.txt")
        try repo.commitAll()
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("mlgate-link-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: target) }
        try Repository(discovering: repo.path).materialize("HEAD", into: target)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: target + "/link.txt") == "real.txt")
        #expect(try String(contentsOfFile: target + "/link.txt", encoding: .utf8) == "content\n")
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

@Suite("Tags read in bulk")
struct TagRecordsTests {
    @Test("tagRecords reads every kind of tag as tagRecord does: annotated, lightweight, a tag of a tag, long and empty messages")
    func bulkEqualsOneByOne() throws {
        let repo = try TemporaryRepository()
        try repo.write("a.txt", "one\n")
        _ = try repo.commitAll("c1")
        try repo.git("tag", "-a", "annotated", "-m", "release one\n\nwith a body\nof lines")
        try repo.git("tag", "light")
        try repo.git("tag", "-a", "nested", "annotated", "-m", "a tag of a tag")
        try repo.git("tag", "-a", "empty", "--cleanup=verbatim", "-m", "")
        try repo.write("a.txt", "two\n")
        _ = try repo.commitAll("c2")
        try repo.git("-c", "user.name=Ünïcode Person", "-c", "user.email=u@example.com", "tag", "-a", "unicode@v1.0.0", "-m", "Ünïcode message ✓")
        let repository = try Repository(discovering: repo.path)
        let tags = try repository.tagNames()
        #expect(tags.count == 5)
        let bulk = repository.tagRecords(tags)
        for (tag, record) in zip(tags, bulk) {
            #expect(record == (try repository.tagRecord(name: tag.name, id: tag.id)), "\(tag.name)")
        }
        #expect(bulk.compactMap { $0 }.first { $0.name == "unicode@v1.0.0" }?.taggerName == "Ünïcode Person")
        #expect(repository.tagRecords([(name: "missing", id: String(repeating: "1", count: 40))]) == [nil])
    }
}

extension TagRecordsTests {
    @Test("the tag header reader survives 20,000 mutated tag objects: nil or a record, never a crash")
    func tagHeaderFuzz() {
        let valid = Array("object 0123456789abcdef0123456789abcdef01234567\ntype commit\ntag churn@v1.0.0\ntagger Ünï Body <u@example.com> 1700000000 +0100\n\nRegister\n\nbody".utf8)
        var state: UInt64 = 7
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(max(1, bound)))
        }
        var parsed = 0
        for _ in 0..<20_000 {
            var bytes = valid
            for _ in 0..<(1 + next(6)) {
                switch next(4) {
                case 0 where !bytes.isEmpty: bytes.remove(at: next(bytes.count))
                case 1: bytes.insert([0x0A, 0x3C, 0x3E, 0x20, 0x00, 0xFF, 0x39][next(7)], at: next(bytes.count + 1))
                case 2 where !bytes.isEmpty: bytes[next(bytes.count)] = UInt8(truncatingIfNeeded: next(256))
                default: bytes = Array(bytes.prefix(next(bytes.count + 1)))
                }
            }
            let record = bytes.withUnsafeBufferPointer { Repository.parseTag($0, name: "t") }
            if let record {
                parsed += 1
                #expect(record.commit.utf8.count == 40 && record.annotated)
            }
        }
        #expect(parsed > 1000)  // mutations that keep the header still read
    }
}

import Foundation
import Testing
import TestSupport

/// `kill -9` of registry writers at random points: whatever was written is whole, nothing is
/// corrupt, counters stay unique, GTO reads the same stage holder, and a lock file left in
/// the instant a ref was being written is found by the next writer, named, and explained
/// (exit 2), never waited on forever.
@Suite("Registry writers killed midway")
struct FaultInjectionTests {
    static let gto = ProjectPaths.root + "/.build/peers-venv/bin/gto"

    @Test("SIGKILL of register, promote, rollback and sync at random points, 48 rounds")
    func killedWriters() throws {
        let fixture = try RegistryFixture(versions: 60, plainTags: 100)
        let path = fixture.repo.path
        let remote = path + "/.git/remote.git"
        try fixture.repo.git("clone", "-q", "--bare", path, remote)
        var random = SeededRandom(state: 8)  // the same kill points on every run
        var next = 0
        var staleLocksReported = 0
        for round in 0..<48 {
            let arguments: [String]
            switch round % 4 {
            case 0: arguments = ["register", "killed\(round)"]
            case 1:
                arguments = ["promote", "model0", "--to", "staging", "--version", "v1.\(next).0", "--no-deploy"]
                next += 1
            case 2: arguments = ["rollback", "model0", "--stage", "staging", "--reason", "fault injection", "--no-deploy"]
            default: arguments = ["sync", remote]
            }
            let writer = try Background(MLGateExecutable.path, arguments, in: path)
            usleep(UInt32(random.below(60_000)))
            kill(writer.process.processIdentifier, SIGKILL)
            writer.wait()

            #expect(try fixture.fsckProblems() == "", "round \(round) (\(arguments[0]))")
            let incomplete = try fixture.incompleteRegistryTags()
            #expect(incomplete.isEmpty, "round \(round) (\(arguments[0])): \(incomplete)")
            let counters = try fixture.stageCounters()
            #expect(Set(counters).count == counters.count, "round \(round): a counter was handed out twice")
            // A lock left in the instant of a ref write: the next writer names it (once it
            // is old enough to be sure its writer is gone) and says how to remove it.
            for lock in fixture.lockFiles() {
                _ = try ProcessRunner.run("/usr/bin/env", ["touch", "-d", "1 minute ago", lock], in: path)
                let blocked = try MLGateExecutable.run(["promote", "model0", "--to", "staging", "--version", "v1.\(next).0", "--no-deploy"], in: path)
                if blocked.status == 2 {
                    #expect(blocked.stderr.contains(lock) && blocked.stderr.contains("rm '"), "\(blocked.stderr)")
                    staleLocksReported += 1
                } else {
                    // The lock was on a ref this write does not touch (a tag, the notes).
                    #expect(blocked.status == 0, "\(blocked.stderr)")
                    next += 1
                }
                try FileManager.default.removeItem(atPath: lock)
            }
        }
        // Whole afterwards: every command works, and GTO sees the same stage holder.
        let status = try MLGateExecutable.run(["status"], in: path)
        #expect(status.status == 0, "\(status.stderr)")
        // GTO orders assignments by their tags' seconds: the last one a second after the rest.
        Thread.sleep(forTimeInterval: 1.1)
        let promoted = try MLGateExecutable.run(["promote", "model0", "--to", "staging", "--version", "v1.59.0", "--no-deploy"], in: path)
        #expect(promoted.status == 0, "\(promoted.stderr)")
        let ours = try MLGateExecutable.run(["show", "model0#staging", "--ref"], in: path).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(ours == "model0@v1.59.0")
        if FileManager.default.isExecutableFile(atPath: Self.gto) {
            let theirs = try ProcessRunner.run(Self.gto, ["show", "model0#staging", "--ref"], in: path)
            #expect(theirs.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == ours, "\(theirs.stderr)")
        }
        #expect(fixture.lockFiles().isEmpty)
        print("fault injection: \(staleLocksReported) lock file(s) left by a kill were reported as stale by the next writer")
    }

    @Test("a counter lock left by a killed writer is reported with the command to clear it, exit 2, at once")
    func staleCounterLock() throws {
        let fixture = try RegistryFixture(versions: 3, plainTags: 0)
        let path = fixture.repo.path
        #expect(try MLGateExecutable.run(["promote", "model0", "--to", "staging", "--version", "v1.0.0", "--no-deploy"], in: path).status == 0)
        let lock = path + "/.git/refs/mlgate/counters/model0.lock"
        try "0000000000000000000000000000000000000000\n".write(toFile: lock, atomically: false, encoding: .utf8)
        _ = try ProcessRunner.run("/usr/bin/env", ["touch", "-d", "1 minute ago", lock], in: path)
        let started = Date()
        let blocked = try MLGateExecutable.run(["promote", "model0", "--to", "staging", "--version", "v1.1.0", "--no-deploy"], in: path)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(blocked.status == 2)
        #expect(blocked.stderr.contains("\(lock) was left by a writer that was stopped mid-update"), "\(blocked.stderr)")
        #expect(blocked.stderr.contains("rm '\(lock)'"))
        // Following the advice is enough.
        try FileManager.default.removeItem(atPath: lock)
        #expect(try MLGateExecutable.run(["promote", "model0", "--to", "staging", "--version", "v1.1.0", "--no-deploy"], in: path).status == 0)
    }

    @Test("a lock on a version tag: a stale one is named (exit 2), a fresh one is another writer at work (exit 1)")
    func tagLock() throws {
        let fixture = try RegistryFixture(versions: 1, plainTags: 0)
        let path = fixture.repo.path
        let lock = path + "/.git/refs/tags/other@v0.0.1.lock"
        try "".write(toFile: lock, atomically: false, encoding: .utf8)
        let fresh = try MLGateExecutable.run(["register", "other"], in: path)
        #expect(fresh.status == 1)
        #expect(fresh.stderr.contains("tag other@v0.0.1 is being written by another process right now"), "\(fresh.stderr)")
        _ = try ProcessRunner.run("/usr/bin/env", ["touch", "-d", "1 minute ago", lock], in: path)
        let stale = try MLGateExecutable.run(["register", "other"], in: path)
        #expect(stale.status == 2)
        #expect(stale.stderr.contains("\(lock) was left by a writer that was stopped mid-update"), "\(stale.stderr)")
        #expect(!stale.stderr.contains("exists already"))
    }

    @Test("a lock on the notes ref left by a killed writer is named too, exit 2")
    func staleNotesLock() throws {
        let fixture = try RegistryFixture(versions: 1, plainTags: 0)
        let path = fixture.repo.path
        let lock = path + "/.git/refs/notes/mlgate.lock"
        try FileManager.default.createDirectory(atPath: path + "/.git/refs/notes", withIntermediateDirectories: true)
        try "".write(toFile: lock, atomically: false, encoding: .utf8)
        _ = try ProcessRunner.run("/usr/bin/env", ["touch", "-d", "1 minute ago", lock], in: path)
        let check = try MLGateExecutable.run(["check", "command", "unit", "--record", "--", "true"], in: path)
        #expect(check.status == 2)
        #expect(check.stdout.contains("unit pass"), "the check's own result is still reported: \(check.stdout)")
        #expect(check.stderr.contains("\(lock) was left by a writer"), "\(check.stderr)")
    }

    @Test("counters near the limit: an 18-digit counter and an Int.max counter blob are refused cleanly", arguments: ["tag", "blob"])
    func counterOverflow(kind: String) throws {
        let fixture = try RegistryFixture(versions: 2, plainTags: 0)
        let path = fixture.repo.path
        if kind == "tag" {
            try fixture.repo.git("tag", "-a", "-m", "Assigning", "model0#dev#999999999999999999", "model0@v1.0.0^{}")
        } else {
            let blob = try ProcessRunner.run("/bin/sh", ["-c", "echo 9223372036854775807 | git hash-object -w --stdin"], in: path).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try fixture.repo.git("update-ref", "refs/mlgate/counters/model0", blob)
        }
        let promoted = try MLGateExecutable.run(["promote", "model0", "--to", "staging", "--version", "v1.1.0", "--no-deploy"], in: path)
        #expect(promoted.status == 2, "\(promoted.stdout)\(promoted.stderr)")
        #expect(promoted.stderr.contains("counter"), "\(promoted.stderr)")
        // Nothing mlgate cannot read back was written, and the registry still reads.
        #expect(!(try fixture.tags()).contains { $0.hasPrefix("model0#staging#") })
        #expect(try MLGateExecutable.run(["status"], in: path).status == 0)
    }
}

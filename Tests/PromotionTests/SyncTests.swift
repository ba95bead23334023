import Foundation
import GitState
import Promotion
import Testing
import TestSupport

/// `mlgate sync` with a bare repository as the remote and two clones working at once.
@Suite("Sync", .serialized)
struct SyncTests {
    struct Setup {
        let folder: String
        var remote: String { folder + "/remote.git" }
        var a: String { folder + "/a" }
        var b: String { folder + "/b" }
        var commits: [String] = []
    }

    func git(_ arguments: [String], in directory: String) throws -> String {
        let result = try ProcessRunner.run("/usr/bin/env", ["git"] + arguments, in: directory)
        guard result.status == 0 else { throw TestSupportError("git \(arguments.joined(separator: " ")): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A remote with two commits and churn v1.0.0, v1.1.0 registered; clones a and b.
    func setup() throws -> Setup {
        var setup = Setup(folder: NSTemporaryDirectory() + "mlgate-sync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: setup.folder, withIntermediateDirectories: true)
        _ = try git(["init", "-q", "--bare", "-b", "main", setup.remote], in: setup.folder)
        _ = try git(["clone", "-q", setup.remote, setup.a], in: setup.folder)
        for (i, clone) in [setup.a].enumerated() {
            _ = try git(["config", "user.name", "Clone \(i)"], in: clone)
            _ = try git(["config", "user.email", "clone\(i)@example.com"], in: clone)
        }
        for version in ["v1.0.0", "v1.1.0"] {
            try "weights \(version)\n".write(toFile: setup.a + "/model.txt", atomically: true, encoding: .utf8)
            _ = try git(["add", "-A"], in: setup.a)
            _ = try git(["commit", "-q", "-m", version], in: setup.a)
            setup.commits.append(try git(["rev-parse", "HEAD"], in: setup.a))
            #expect(try MLGateExecutable.run(["register", "churn", "--version", version], in: setup.a).status == 0)
        }
        _ = try git(["push", "-q", "origin", "main"], in: setup.a)
        #expect(try MLGateExecutable.run(["sync"], in: setup.a).status == 0)
        _ = try git(["clone", "-q", setup.remote, setup.b], in: setup.folder)
        _ = try git(["config", "user.name", "Clone 1"], in: setup.b)
        _ = try git(["config", "user.email", "clone1@example.com"], in: setup.b)
        #expect(try MLGateExecutable.run(["sync"], in: setup.b).status == 0)
        #expect(try registry(setup.b).state().model("churn")?.versions.count == 2)
        return setup
    }

    func registry(_ clone: String) throws -> Registry { Registry(repository: try Repository(discovering: clone)) }

    @Test("two clones take the same counter: the remote's stays, ours is made again; nothing is lost")
    func sameCounter() throws {
        let setup = try setup()
        defer { try? FileManager.default.removeItem(atPath: setup.folder) }
        #expect(try registry(setup.a).assign("churn", stage: "staging", commit: setup.commits[0], message: "a").description == "churn#staging#1")
        #expect(try registry(setup.b).assign("churn", stage: "staging", commit: setup.commits[1], message: "b").description == "churn#staging#1")
        #expect(try MLGateExecutable.run(["sync"], in: setup.a).status == 0)
        let b = try MLGateExecutable.run(["sync"], in: setup.b)
        #expect(b.status == 0, "\(b.stderr)")
        #expect(b.stdout.contains("churn#staging#1 was taken on the remote too: ours is now churn#staging#2"))
        #expect(try MLGateExecutable.run(["sync"], in: setup.a).status == 0)
        for clone in [setup.a, setup.b] {
            let model = try #require(try registry(clone).state().model("churn"))
            #expect(model.stageEvents.map(\.counter) == [1, 2])
            #expect(model.current(in: "staging")?.version == "v1.1.0")
        }
        // The remote tag a pushed was never overwritten.
        let remoteTag = try git(["--git-dir", setup.remote, "rev-parse", "churn#staging#1^{commit}"], in: setup.folder)
        #expect(remoteTag == setup.commits[0])
    }

    @Test("evidence recorded in both clones on one commit is merged without loss")
    func notes() throws {
        let setup = try setup()
        defer { try? FileManager.default.removeItem(atPath: setup.folder) }
        for (clone, check) in [(setup.a, "unit"), (setup.b, "data"), (setup.a, "lint")] {
            #expect(try MLGateExecutable.run(["check", "command", check, "--model", "churn", "--record", "--rev", setup.commits[1], "--", "true"], in: clone).status == 0)
        }
        #expect(try MLGateExecutable.run(["sync"], in: setup.a).status == 0)
        #expect(try MLGateExecutable.run(["sync"], in: setup.b).status == 0)
        #expect(try MLGateExecutable.run(["sync"], in: setup.a).status == 0)
        for clone in [setup.a, setup.b] {
            let checks = try EvidenceStore(repository: try Repository(discovering: clone)).results(on: setup.commits[1]).map(\.check)
            #expect(checks == ["data", "lint", "unit"], "\(clone)")
        }
    }

    @Test("clones promoting concurrently and syncing in between end with every assignment")
    func concurrent() async throws {
        let setup = try setup()
        defer { try? FileManager.default.removeItem(atPath: setup.folder) }
        let each = 6
        let commits = setup.commits
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, clone) in [setup.a, setup.b].enumerated() {
                group.addTask {
                    let registry = Registry(repository: try Repository(discovering: clone))
                    for i in 0..<each {
                        try registry.assign("churn", stage: i % 2 == 0 ? "staging" : "production", commit: commits[index], message: "clone \(index) #\(i)")
                        let synced = try MLGateExecutable.run(["sync"], in: clone)
                        guard synced.status == 0 else { throw TestSupportError("sync: \(synced.stderr)") }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try MLGateExecutable.run(["sync"], in: setup.a).status == 0)
        #expect(try MLGateExecutable.run(["sync"], in: setup.b).status == 0)
        let remoteTags = try git(["--git-dir", setup.remote, "tag", "-l", "churn#*"], in: setup.folder).split(separator: "\n")
        #expect(remoteTags.count == 2 * each)
        let messages = try git(["--git-dir", setup.remote, "tag", "-l", "churn#*", "--format=%(contents:subject)"], in: setup.folder)
        #expect(Set(messages.split(separator: "\n")).count == 2 * each, "every assignment arrived once")
    }
}

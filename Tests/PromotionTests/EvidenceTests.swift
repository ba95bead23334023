import Checks
import Foundation
import GitState
import Promotion
import Testing
import TestSupport

@Suite("Evidence in git notes")
struct EvidenceTests {
    func result(_ check: String, _ status: CheckResult.Status, model: String? = "churn", commit: String) -> CheckResult {
        CheckResult(check: check, kind: .command, status: status, summary: "\(check) \(status.rawValue)",
                    measurements: ["exit_code": status == .pass ? 0 : 1], commit: commit, model: model,
                    startedAt: "2026-11-23T10:00:00Z", durationMs: 12)
    }

    @Test("results are kept per model and check; a newer one replaces the older")
    func merge() throws {
        let (repo, shas) = try TemporaryRepository.withTrainingCommits(2)
        let store = EvidenceStore(repository: try Repository(discovering: repo.path))
        try store.record(result("unit", .fail, commit: shas[1]))
        try store.record(result("unit", .pass, commit: shas[1]))
        try store.record(result("unit", .pass, model: "fraud", commit: shas[1]))
        try store.record(result("lint", .pass, commit: shas[0]))
        let recorded = try store.results(on: shas[1])
        #expect(recorded.map { "\($0.model ?? "")/\($0.check)=\($0.status.rawValue)" } == ["churn/unit=pass", "fraud/unit=pass"])
        #expect(try store.results(on: shas[0]).map(\.check) == ["lint"])
        // git itself shows the note.
        #expect(try repo.git("notes", "--ref", "mlgate", "show", shas[0]).contains("\"check\" : \"lint\""))
    }

    @Test("a result a past decision judged is found by its digest after a newer result replaced it (the notes' history)")
    func replacedResultByDigest() throws {
        let (repo, shas) = try TemporaryRepository.withTrainingCommits(2)
        let store = EvidenceStore(repository: try Repository(discovering: repo.path))
        let judged = result("unit", .fail, commit: shas[1])
        try store.record(judged)
        try store.record(result("lint", .pass, commit: shas[0]))
        let newer = result("unit", .pass, commit: shas[1])
        try store.record(newer)
        #expect(try store.results(on: shas[1]).map(\.digest) == [newer.digest])
        #expect(try store.result(digest: judged.digest, on: shas[1]) == judged)
        #expect(try store.result(digest: newer.digest, on: shas[1]) == newer)
        #expect(try store.result(digest: String(repeating: "0", count: 64), on: shas[1]) == nil)
    }

    @Test("concurrent recorders on one commit lose nothing")
    func concurrent() async throws {
        let (repo, shas) = try TemporaryRepository.withTrainingCommits(1)
        let path = repo.path
        let writers = 8
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    let store = EvidenceStore(repository: try Repository(discovering: path))
                    for i in 0..<5 { try store.record(self.result("check-\(writer)-\(i)", .pass, commit: shas[0])) }
                }
            }
            try await group.waitForAll()
        }
        let recorded = try EvidenceStore(repository: try Repository(discovering: repo.path)).results(on: shas[0])
        #expect(recorded.count == writers * 5)
    }

    @Test("the digest is of the canonical JSON and changes with any field")
    func digest() throws {
        let a = result("unit", .pass, commit: String(repeating: "a", count: 40))
        var b = a
        #expect(a.digest == b.digest)
        #expect(a.canonicalJSON.hasPrefix("{\"check\":\"unit\",\"commit\":"))
        b.summary += "!"
        #expect(a.digest != b.digest)
        #expect(a.digest.count == 64)
    }

    @Test("mlgate check command: pass, fail and error exit 0, 1, 2 and are recorded; evidence lists them")
    func commandLine() throws {
        let (repo, shas) = try TemporaryRepository.withTrainingCommits(1)
        let pass = try MLGateExecutable.run(["check", "command", "unit", "--model", "churn", "--record", "--input", "model.txt",
                                             "--", "sh", "-c", "echo testing; exit 0"], in: repo.path)
        #expect(pass.status == 0)
        #expect(pass.stdout.contains("testing"))
        #expect(pass.stdout.contains("✓ unit pass"))
        let failed = try MLGateExecutable.run(["check", "command", "lint", "--model", "churn", "--record", "--", "sh", "-c", "exit 3"], in: repo.path)
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("exited with 3"))
        let missing = try MLGateExecutable.run(["check", "command", "scan", "--record", "--", "no-such-scanner"], in: repo.path)
        #expect(missing.status == 2)
        #expect(missing.stdout.contains("'no-such-scanner' is not on PATH"))
        let unrecorded = try MLGateExecutable.run(["check", "command", "quick", "--", "true"], in: repo.path)
        #expect(unrecorded.status == 0)

        let listing = try MLGateExecutable.run(["evidence", "--json"], in: repo.path)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(listing.stdout.utf8)) as? [String: Any])
        let results = try #require(json["results"] as? [[String: Any]])
        #expect(results.map { $0["check"] as? String } == ["scan", "lint", "unit"])
        let unit = try #require(results.last)
        #expect((unit["inputs"] as? [[String: Any]])?.first?["sha256"] as? String == CheckResult.sha256(ofFile: repo.path + "/model.txt"))
        #expect(unit["commit"] as? String == shas[0])
        #expect(try MLGateExecutable.run(["evidence"], in: repo.path).stdout.contains("churn  unit   pass"))
    }

    @Test("inside mlgate run, checks are recorded on the run's commit, also under --rev")
    func insideRun() throws {
        let repo = try TemporaryRepository()
        try repo.write("model.txt", "weights\n")
        try repo.write(".github/workflows/gate.yml", """
            on: push
            jobs:
              gate:
                runs-on: ubuntu-latest
                steps:
                  - run: mlgate check command unit --model churn -- test -f model.txt
            """)
        let gated = try repo.commitAll("add the gate")
        try repo.write("notes.txt", "later\n")
        let later = try repo.commitAll("later")
        let binDirectory = URL(fileURLWithPath: MLGateExecutable.path).deletingLastPathComponent().path
        let path = ["PATH": binDirectory + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "")]

        // --rev runs in a workspace written from that revision, outside the repository.
        let run = try MLGateExecutable.run(["run", "--rev", "HEAD~1"], in: repo.path, environment: path)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let store = EvidenceStore(repository: try Repository(discovering: repo.path))
        #expect(try store.results(on: gated).map(\.check) == ["unit"])
        #expect(try store.results(on: later).isEmpty)
    }
}

/// Champion and challenger: a check can compare against the version a stage holds now.
@Suite("Champion evidence")
struct ChampionTests {
    @Test("--against STAGE hands the champion's version, commit and evidence to the check")
    func against() throws {
        let (repo, shas) = try TemporaryRepository.withTrainingCommits(2)
        try repo.write("mlgate.yml", "stages:\n  production: {}\n")
        _ = try repo.commitAll("policy")
        #expect(try MLGateExecutable.run(["register", "churn", shas[0], "--version", "v1.0.0"], in: repo.path).status == 0)
        #expect(try MLGateExecutable.run(["check", "command", "accuracy", "--model", "churn", "--rev", shas[0], "--record",
                                          "--", "true"], in: repo.path).status == 0)
        #expect(try MLGateExecutable.run(["promote", "churn", "--to", "production", "--no-deploy"], in: repo.path).status == 0)
        // The challenger's check reads the champion's recorded results.
        let challenger = try MLGateExecutable.run(["check", "command", "beats-champion", "--model", "churn", "--against", "production", "--",
                                                   "sh", "-c", "echo champion=$MLGATE_CHAMPION_VERSION; grep -q '\"check\":\"accuracy\"' \"$MLGATE_CHAMPION_EVIDENCE\""],
                                                  in: repo.path)
        #expect(challenger.status == 0, "\(challenger.stdout)\(challenger.stderr)")
        #expect(challenger.stdout.contains("champion=v1.0.0"))
        // An empty stage: no champion, the check decides what that means.
        let none = try MLGateExecutable.run(["check", "command", "first", "--model", "churn", "--against", "staging", "--",
                                             "sh", "-c", "test -z \"$MLGATE_CHAMPION_VERSION\" && echo no champion"], in: repo.path)
        #expect(none.stdout.contains("no champion"))
    }
}

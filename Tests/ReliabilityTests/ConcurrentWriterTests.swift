import Foundation
import Testing
import TestSupport

/// Many real processes writing the registry at once, across the 256 loose tags at which
/// mlgate once packed references (and lost tags, and once `refs/heads/main`), with git
/// itself creating tags and packing references at the same time.
@Suite("Concurrent registry writers")
struct ConcurrentWriterTests {
    @Test("5 rounds of 8 promoters and 8 registrars beside git tag and git pack-refs lose nothing")
    func writersLoseNothing() throws {
        for round in 0..<5 {
            // 50 versions + 200 plain tags: 250 loose tags before the writers start.
            let fixture = try RegistryFixture(versions: 50, plainTags: 200)
            let before = try fixture.tags()
            let path = fixture.repo.path
            var writers: [(String, Background)] = []
            // 8 promoters, 6 promotions each: 48 stage tags, so the writes cross 256.
            for p in 0..<8 {
                let script = (0..<6).map { i in
                    "'\(MLGateExecutable.path)' promote model0 --to staging --version v1.\(p * 6 + i).0 --no-deploy >/dev/null || exit 1"
                }.joined(separator: "\n")
                writers.append(("promoter \(p)", try Background("/bin/sh", ["-c", script], in: path)))
            }
            // 8 registrars, each a model of its own on HEAD.
            for r in 0..<8 {
                writers.append(("registrar \(r)", try Background(MLGateExecutable.path, ["register", "other\(r)"], in: path)))
            }
            // git itself: plain tags, and (in odd rounds) packing every reference meanwhile.
            writers.append(("git tag", try Background("/bin/sh", ["-c", "for i in $(seq 1 20); do git tag git-\(round)-$i || exit 1; done"], in: path)))
            if round % 2 == 1 {
                writers.append(("git pack-refs", try Background("/bin/sh", ["-c", "sleep 0.2; git pack-refs --all; sleep 0.3; git pack-refs --all"], in: path)))
            }
            for (name, writer) in writers {
                let status = writer.wait()
                let errors = writer.errorOutput
                #expect(status == 0, "round \(round): \(name) exited \(status): \(errors.suffix(1000))")
            }

            let after = try fixture.tags()
            #expect(before.subtracting(after).isEmpty, "round \(round): tags lost: \(before.subtracting(after).sorted().prefix(10))")
            #expect((1...20).allSatisfy { after.contains("git-\(round)-\($0)") }, "round \(round): git's own tags lost")
            #expect((0..<8).allSatisfy { after.contains("other\($0)@v0.0.1") }, "round \(round): a registration was lost")
            let counters = try fixture.stageCounters()
            #expect(counters.count == 48, "round \(round): \(counters.count) of 48 promotions recorded")
            #expect(Set(counters).count == counters.count, "round \(round): a counter was handed out twice")
            let main = try fixture.repo.git("rev-parse", "refs/heads/main").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(main == fixture.head, "round \(round): refs/heads/main moved or vanished")
            #expect(try fixture.fsckProblems() == "", "round \(round)")
            #expect(fixture.lockFiles().isEmpty, "round \(round): lock files left: \(fixture.lockFiles())")
        }
    }
}

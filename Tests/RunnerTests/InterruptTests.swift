import Foundation
import Testing
import TestSupport

/// Ctrl-C during a run: running steps get SIGINT (then SIGKILL), `always()` and
/// `cancelled()` steps still run, later jobs do not start, and mlgate exits 130.
@Suite("Interrupting a run")
struct InterruptTests {
    @Test("SIGINT cancels the run, runs cleanup steps, leaves nothing running and exits 130")
    func interrupt() throws {
        let repo = try TemporaryRepository()
        try repo.write(".github/workflows/ci.yml", """
        on: push
        jobs:
          long:
            runs-on: ubuntu-latest
            steps:
              - run: |
                  ( trap '' INT; sleep 120 ) &
                  echo $! > child.pid
                  echo started > started.marker
                  sleep 120
              - if: always()
                run: echo "cleanup ran"
              - if: cancelled()
                run: echo "cancelled() ran"
              - run: echo "must not run"
          later:
            needs: long
            runs-on: ubuntu-latest
            steps:
              - run: echo "later must not run"
        """)
        try repo.commitAll()

        let process = Process()
        process.executableURL = URL(fileURLWithPath: MLGateExecutable.path)
        process.arguments = ["run", "--json"]
        process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
        process.environment = ProcessInfo.processInfo.environment.merging(["MLGATE_CANCEL_GRACE_SECONDS": "1"]) { _, n in n }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()

        let marker = repo.path + "/started.marker"
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: marker), Date() < deadline { usleep(20_000) }
        #expect(FileManager.default.fileExists(atPath: marker), "the step never started")
        kill(process.processIdentifier, SIGINT)
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        #expect(process.terminationStatus == 130)
        #expect(text.contains(#""line":"cleanup ran""#))
        #expect(text.contains(#""line":"cancelled() ran""#))
        #expect(!text.contains(#""line":"must not run""#))
        #expect(!text.contains(#""line":"later must not run""#))
        #expect(text.contains(#""result":"cancelled""#))

        // The child that ignored SIGINT was killed with the group.
        let pid = try String(contentsOfFile: repo.path + "/child.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        #expect(stat.isEmpty || stat.contains(") Z"), "process \(pid) still runs: \(stat)")
    }
}

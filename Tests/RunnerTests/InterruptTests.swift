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

        let output = Pipe()
        let process = try SignalTests.start(repo, arguments: ["run", "--json"], stdout: output)
        #expect(FileManager.default.fileExists(atPath: repo.path + "/started.marker"), "the step never started")
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
        #expect(!SignalTests.isAlive(repo.path + "/child.pid"), "the child that ignored SIGINT still runs")
    }
}

/// A hang-up, SIGTERM, a second Ctrl-C and a closed stdout: each ends the run the way it
/// should, leaves no process of the run alive and removes the run's temporary files.
@Suite("Signals and closed pipes")
struct SignalTests {
    /// A run whose first step records its shell, a child that ignores SIGINT and the run's
    /// temporary folder, then sleeps; an `always()` step leaves a marker.
    static func longRun(cleanup: String = "echo ran > always.marker") throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write(".github/workflows/ci.yml", """
        on: push
        jobs:
          long:
            runs-on: ubuntu-latest
            steps:
              - run: |
                  ( trap '' INT TERM HUP; exec sleep 120 ) &
                  echo $! > child.pid
                  echo $$ > shell.pid
                  dirname "$RUNNER_TEMP" > temp.path
                  echo started > started.marker
                  sleep 120
              - if: always()
                run: \(cleanup)
        """)
        try repo.commitAll()
        return repo
    }

    /// Starts `mlgate run` (or `arguments`) and waits until its step wrote `started.marker`.
    static func start(_ repo: TemporaryRepository, arguments: [String] = ["run"], stdout: Pipe) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: MLGateExecutable.path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
        process.environment = ProcessInfo.processInfo.environment.merging(["MLGATE_CANCEL_GRACE_SECONDS": "1"]) { _, n in n }
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        let marker = repo.path + "/started.marker"
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: marker), Date() < deadline { usleep(20_000) }
        return process
    }

    static func isAlive(_ pidFile: String) -> Bool {
        guard let pid = try? String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) else { return false }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return !stat.isEmpty && !stat.contains(") Z")
    }

    /// Nothing of the run is left: no step shell, no grandchild, no temporary folder.
    static func expectNothingLeft(_ repo: TemporaryRepository) throws {
        usleep(200_000)
        #expect(!isAlive(repo.path + "/child.pid"), "a grandchild of the step survived")
        #expect(!isAlive(repo.path + "/shell.pid"), "the step's shell survived")
        let temp = try String(contentsOfFile: repo.path + "/temp.path", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let runName = URL(fileURLWithPath: temp).lastPathComponent
        #expect(runName.hasPrefix("mlgate-run-"))
        #expect(!FileManager.default.fileExists(atPath: temp), "\(temp) was left behind")
        #expect(!FileManager.default.fileExists(atPath: "/dev/shm/" + runName), "/dev/shm/\(runName) was left behind")
    }

    @Test("SIGTERM and SIGHUP cancel like Ctrl-C: always() steps run, exit 128 + signal", arguments: [(SIGTERM, Int32(143)), (SIGHUP, Int32(129))])
    func terminate(signal: Int32, status: Int32) throws {
        let repo = try Self.longRun()
        let output = Pipe()
        let process = try Self.start(repo, stdout: output)
        kill(process.processIdentifier, signal)
        _ = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == status)
        #expect(FileManager.default.fileExists(atPath: repo.path + "/always.marker"), "the always() step did not run")
        try Self.expectNothingLeft(repo)
    }

    @Test("a second Ctrl-C stops at once: exit 130, nothing left running, temporary files removed")
    func doubleInterrupt() throws {
        // The second Ctrl-C comes while the always() step still runs.
        let repo = try Self.longRun(cleanup: "sleep 30; echo ran > always.marker")
        let output = Pipe()
        let process = try Self.start(repo, stdout: output)
        kill(process.processIdentifier, SIGINT)
        usleep(1_500_000)
        kill(process.processIdentifier, SIGINT)
        _ = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 130)
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/always.marker"), "the cleanup step was stopped too")
        try Self.expectNothingLeft(repo)
    }

    @Test("a closed stdout (mlgate run | head -n 3) neither kills mlgate nor stops the run")
    func closedStdout() throws {
        let repo = try TemporaryRepository()
        try repo.write(".github/workflows/ci.yml", """
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - run: for i in $(seq 1 200); do echo "line $i"; done
              - run: sleep 0.3; for i in $(seq 1 200); do echo "more $i"; done
              - run: echo done > finished.marker
              - if: always()
                run: echo ran > always.marker
        """)
        try repo.commitAll()
        let result = try ProcessRunner.run("/bin/bash", ["-c", "set -o pipefail; '\(MLGateExecutable.path)' run | head -n 3 >/dev/null"], in: repo.path)
        // pipefail: the status is mlgate's own, not head's.
        #expect(result.status == 0, "mlgate exited \(result.status): \(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: repo.path + "/finished.marker"))
        #expect(FileManager.default.fileExists(atPath: repo.path + "/always.marker"))
    }
}

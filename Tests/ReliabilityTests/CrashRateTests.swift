import Foundation
import Testing
import TestSupport

/// Short commands thousands of times, eight at once on two cores: not one may end by a
/// signal. (libgit2 started on a thread at load time once crashed 0.1–1 % of them at exit,
/// and `lint | head` died of SIGPIPE.)
@Suite("Crash rate of short commands")
struct CrashRateTests {
    @Test("2,000 short commands under parallel load end without a signal")
    func noSignals() throws {
        let repo = try TemporaryRepository()
        // 250 findings (about 90 KB): lint writes far more than a pipe holds, and `head` closes it early.
        let steps = (0..<250).map { "      - run: echo \"${{ github.event.issue.title }} \($0)\"\n" }.joined()
        try repo.write(".github/workflows/ci.yml", "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n" + steps)
        try repo.commitAll()
        let mlgate = MLGateExecutable.path
        // Each line is one command; the lint ones write more than `head` reads.
        let commands = [
            "'\(mlgate)' --version >/dev/null",
            "'\(mlgate)' --help >/dev/null",
            "'\(mlgate)' expr \"github.ref == 'refs/heads/main' && 1 < 2\" >/dev/null",
            "'\(mlgate)' status >/dev/null 2>&1",
            "'\(mlgate)' lint | head -n 1 >/dev/null",
            "'\(mlgate)' lint --format sarif | head -c 100 >/dev/null",
        ]
        // Every status, with PIPESTATUS's first (mlgate's) for the piped ones.
        let script = """
        run_one() {
          case $(( $1 % \(commands.count) )) in
        \(commands.enumerated().map { "    \($0.offset)) \($0.element); echo \"$1 ${PIPESTATUS[0]}\" ;;" }.joined(separator: "\n"))
          esac
        }
        export -f run_one
        seq 1 2000 | xargs -P 8 -I{} bash -c 'run_one {}'
        """
        let result = try ProcessRunner.run("/bin/bash", ["-c", script], in: repo.path)
        let statuses = result.stdout.split(separator: "\n").compactMap { line -> (Int, Int32)? in
            let parts = line.split(separator: " ")
            guard parts.count == 2, let n = Int(parts[0]), let s = Int32(parts[1]) else { return nil }
            return (n, s)
        }
        #expect(statuses.count == 2000, "\(result.stderr.suffix(500))")
        let signalled = statuses.filter { $0.1 >= 128 }
        #expect(signalled.isEmpty, "ended by a signal: \(signalled.prefix(10).map { "\(commands[$0.0 % commands.count]) → \($0.1)" })")
    }
}

import Foundation
import Testing
import TestSupport

/// Input found to crash, hang or answer with the wrong exit code: each is refused with exit
/// 2, a location or the object at fault, and what to do — and nothing runs or is written.
@Suite("Bad input and corrupt state")
struct BadInputTests {
    func mlgate(_ arguments: [String], in repo: TemporaryRepository) throws -> ProcessRunner.Result {
        try MLGateExecutable.run(arguments, in: repo.path)
    }

    @Test("approve with a missing or malformed key reports ssh-keygen's own error, exit 2 (not death by SIGPIPE)", arguments: ["missing", "malformed"])
    func approveWithBadKey(kind: String) throws {
        let fixture = try RegistryFixture(versions: 1, plainTags: 0)
        let key = fixture.repo.path + "/.git/key"
        if kind == "malformed" { try "not a key\n".write(toFile: key, atomically: true, encoding: .utf8) }
        let result = try mlgate(["approve", "model0", "--version", "v1.0.0", "--stage", "staging", "--key", key], in: fixture.repo)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("ssh-keygen could not sign with \(key)"), "\(result.stderr)")
        #expect((try? fixture.repo.git("notes", "--ref=refs/notes/mlgate-approvals", "list")) ?? "" == "")
    }

    @Test("a check command starts with no signal blocked, so Ctrl-C and timeouts reach it")
    func checkCommandSignals() throws {
        let repo = try TemporaryRepository()
        try repo.commitAll()
        let result = try mlgate(["check", "command", "mask", "--", "bash", "-c", "grep SigBlk /proc/$$/status"], in: repo)
        #expect(result.stdout.contains("SigBlk:\t0000000000000000"), "\(result.stdout)")
    }

    @Test("a note that is not mlgate's JSON: evidence, gate and a recording check name the commit and the fix, exit 2")
    func corruptEvidenceNote() throws {
        let fixture = try RegistryFixture(versions: 1, plainTags: 0)
        try fixture.repo.write("mlgate.yml", "stages:\n  staging:\n    checks: [unit]\n")
        try fixture.repo.git("notes", "--ref=refs/notes/mlgate", "add", "-m", "{not json", fixture.head)
        for arguments in [["evidence", "HEAD"], ["gate", "model0", "--version", "v1.0.0", "--to", "staging"]] {
            let result = try mlgate(arguments, in: fixture.repo)
            #expect(result.status == 2, "\(arguments): \(result.stdout)\(result.stderr)")
            #expect(result.stderr.contains("evidence note on commit \(fixture.head)"), "\(result.stderr)")
            #expect(result.stderr.contains("git notes --ref=refs/notes/mlgate edit"), "\(result.stderr)")
            #expect(!result.stderr.contains("DecodingError"))
        }
        let check = try mlgate(["check", "command", "unit", "--record", "--", "true"], in: fixture.repo)
        #expect(check.status == 2)
        #expect(check.stdout.contains("unit pass"), "the check's own result is still shown: \(check.stdout)")
        #expect(check.stderr.contains("but it was not recorded"))
    }

    @Test("a corrupt approvals note is exit 2 too, naming the commit")
    func corruptApprovalsNote() throws {
        let fixture = try RegistryFixture(versions: 1, plainTags: 0)
        try fixture.repo.write(".mlgate/allowed_signers", "")
        try fixture.repo.write("mlgate.yml", "stages:\n  staging:\n    approvals: { required: 1, signers: .mlgate/allowed_signers }\n")
        try fixture.repo.git("notes", "--ref=refs/notes/mlgate-approvals", "add", "-m", "[1, 2", fixture.head)
        let result = try mlgate(["gate", "model0", "--version", "v1.0.0", "--to", "staging"], in: fixture.repo)
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("approvals note on commit \(fixture.head)"), "\(result.stderr)")
    }

    @Test("show of an unknown version and sync without a remote say what is missing, exit 2")
    func missingThings() throws {
        let fixture = try RegistryFixture(versions: 1, plainTags: 0)
        let show = try mlgate(["show", "model0@v9.9.9"], in: fixture.repo)
        #expect(show.status == 2)
        #expect(show.stderr.contains("model0 has no version 'v9.9.9'; versions: v1.0.0"))
        let sync = try mlgate(["sync"], in: fixture.repo)
        #expect(sync.status == 2)
        #expect(sync.stderr.contains("no remote named 'origin'"), "\(sync.stderr)")
        #expect(!sync.stderr.contains("unsupported URL protocol"))
        let missingPath = try mlgate(["sync", "/nonexistent/remote.git"], in: fixture.repo)
        #expect(missingPath.status == 2, "\(missingPath.stderr)")
    }

    @Test("numbers past what a runner honours are refused where they are written, exit 2, nothing runs",
          arguments: [("timeout-minutes: 35792", "5:22"), ("timeout-minutes: 1e300", "5:22")])
    func outOfRangeNumbers(line: String, position: String) throws {
        let repo = try TemporaryRepository()
        try repo.write(".github/workflows/ci.yml", "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    \(line)\n    steps:\n      - run: touch ran.marker\n")
        try repo.commitAll()
        let result = try mlgate(["run"], in: repo)
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains(".github/workflows/ci.yml:\(position)"), "\(result.stderr)")
        #expect(result.stderr.contains("at most 7200"))
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/ran.marker"))
    }

    @Test("a huge max-parallel is no limit, not a trap")
    func hugeMaxParallel() throws {
        let repo = try TemporaryRepository()
        try repo.write(".github/workflows/ci.yml", "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    strategy:\n      max-parallel: 1e19\n      matrix: { n: [1, 2, 3] }\n    steps:\n      - run: echo ${{ matrix.n }}\n")
        try repo.commitAll()
        let result = try mlgate(["run"], in: repo)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    @Test("a policy wait no one could honour is refused at its position, exit 2", arguments: ["999999999999999999999d", "9223372036854775807s", "31d"])
    func hugeWait(wait: String) throws {
        let repo = try TemporaryRepository()
        try repo.write("mlgate.yml", "stages:\n  staging: {}\n  production:\n    wait: \(wait)\n")
        try repo.commitAll()
        let result = try mlgate(["policy", "check"], in: repo)
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect((result.stderr + result.stdout).contains("mlgate.yml:4:11"), "\(result.stderr)\(result.stdout)")
    }

    @Test("a composite action that uses itself fails its job with the chain, no crash")
    func compositeCycle() throws {
        let repo = try TemporaryRepository()
        try repo.write("loop/action.yml", "name: loop\nruns:\n  using: composite\n  steps:\n    - uses: ./loop\n")
        try repo.write(".github/workflows/ci.yml", "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./loop\n")
        try repo.commitAll()
        let result = try mlgate(["run"], in: repo)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect((result.stdout + result.stderr).contains("action ./loop uses itself: ./loop → ./loop"), "\(result.stdout)")
    }

    @Test("composite actions nested past 10 levels fail with the chain")
    func compositeDepth() throws {
        let repo = try TemporaryRepository()
        for level in 0..<12 {
            let body = level == 11 ? "    - run: echo bottom\n      shell: bash\n" : "    - uses: ./a\(level + 1)\n"
            try repo.write("a\(level)/action.yml", "name: a\(level)\nruns:\n  using: composite\n  steps:\n" + body)
        }
        try repo.write(".github/workflows/ci.yml", "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./a0\n")
        try repo.commitAll()
        let result = try mlgate(["run"], in: repo)
        #expect(result.status == 1)
        #expect(result.stdout.contains("actions nested more than 10 deep"), "\(result.stdout)")
        #expect(!result.stdout.contains("bottom"))
    }

    @Test("an action.yml nested 160 brackets deep fails its job on the job's thread, no stack overflow")
    func deepAction() throws {
        let repo = try TemporaryRepository()
        try repo.write("deep/action.yml", "name: deep\ninputs:\n  x:\n    default: " + String(repeating: "[", count: 160) + String(repeating: "]", count: 160)
                       + "\nruns:\n  using: composite\n  steps:\n    - run: echo\n      shell: bash\n")
        try repo.write(".github/workflows/ci.yml", "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./deep\n")
        try repo.commitAll()
        let result = try mlgate(["run"], in: repo)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("deep/action.yml:4:"), "\(result.stdout)")
        #expect(result.stdout.contains("nested more than 64 levels"))
    }

    @Test("reusable workflows calling themselves or each other: refused before they run, by run and lint",
          arguments: [["self.yml"], ["a.yml", "b.yml"]])
    func reusableCycles(files: [String]) throws {
        let repo = try TemporaryRepository()
        for (index, file) in files.enumerated() {
            let callee = files[(index + 1) % files.count]
            try repo.write(".github/workflows/\(file)", "on: [push, workflow_call]\njobs:\n  call:\n    uses: ./.github/workflows/\(callee)\n")
        }
        try repo.write(".github/workflows/plain.yml", "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: touch ran.marker\n")
        try repo.commitAll()
        // The cyclic files run nothing (GitHub refuses them); the other workflow runs.
        let run = try mlgate(["run"], in: repo)
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains(".github/workflows/\(files[0]):3:3: job 'call' calls a reusable workflow that calls back into the chain"), "\(run.stderr)")
        #expect(!run.stdout.contains("call"), "\(run.stdout)")
        #expect(FileManager.default.fileExists(atPath: repo.path + "/ran.marker"))
        let alone = try mlgate(["run", ".github/workflows/\(files[0])"], in: repo)
        #expect(alone.status == 2, "nothing valid is left to run: \(alone.stderr)")
        let lint = try mlgate(["lint"], in: repo)
        #expect(lint.status == 1)
        #expect(lint.stdout.contains("calls back into the chain"), "\(lint.stdout)")
    }

    @Test("alias bombs and deep nesting: lint, --list, --dry-run and --graph answer at once with the line, exit 2")
    func aliasBomb() throws {
        let repo = try TemporaryRepository()
        var bomb = "on: push\nenv:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 { bomb += "  a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
        bomb += "jobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n"
        try repo.write(".github/workflows/bomb.yml", bomb)
        try repo.commitAll()
        for arguments in [["run", "--list"], ["run", "--dry-run"], ["run", "--graph"]] {
            let started = Date()
            let result = try mlgate(arguments, in: repo)
            #expect(Date().timeIntervalSince(started) < 5)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("bomb.yml:8:12: YAML aliases expand this document past"), "\(result.stderr)")
        }
        let lint = try mlgate(["lint"], in: repo)
        #expect(lint.stdout.contains("bomb.yml:8:12: YAML aliases expand"), "\(lint.stdout)")
    }

    @Test("a promotion whose deployment's analysis rolled it back says so, exit 1")
    func promoteRolledBack() throws {
        let fixture = try RegistryFixture(versions: 2, plainTags: 0)
        let repo = fixture.repo
        try repo.write("mlgate.yml", """
            stages:
              staging:
                analysis:
                  metrics:
                    - name: accuracy
                      provider: { file: { path: metrics.json, key: accuracy } }
                      successCondition: result >= 0.9
            """)
        try repo.write("metrics.json", "{\"accuracy\": 0.5}\n")
        try repo.write(".github/workflows/deploy.yml", """
            on: deployment
            jobs:
              analyse:
                runs-on: ubuntu-latest
                steps:
                  - run: cp "$MLGATE_ROOT/metrics.json" . && '\(MLGateExecutable.path)' monitor model0 --stage staging --no-deploy -C "$MLGATE_ROOT"
                    env: { MLGATE_ROOT: "\(repo.path)" }
            """)
        try repo.git("add", "-A")
        try repo.git("commit", "-q", "-m", "deploy workflow")
        let head = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try mlgate(["register", "model0", head, "--version", "v2.0.0"], in: repo).status == 0)
        #expect(try mlgate(["promote", "model0", "--to", "staging", "--version", "v1.0.0", "--no-deploy"], in: repo).status == 0)
        let promoted = try mlgate(["promote", "model0", "--to", "staging", "--version", "v2.0.0"], in: repo)
        #expect(promoted.status == 1, "\(promoted.stdout)\(promoted.stderr)")
        #expect(promoted.stderr.contains("model0 v2.0.0 was promoted to staging, but it was rolled back during its deployment: staging holds v1.0.0 again"),
                "\(promoted.stdout)\(promoted.stderr)")
        #expect(try mlgate(["show", "model0#staging", "--ref"], in: repo).stdout.contains("model0@v1.0.0"))
    }
}

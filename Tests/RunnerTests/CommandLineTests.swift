import Foundation
import Testing
import TestSupport

/// The command line as a user meets it: `mlgate expr`, and the exit status 2 with a clear
/// message for every kind of invalid usage.
@Suite("Command line")
struct CommandLineTests {
    @Test("expr prints the value as JSON, with contexts from a file")
    func expr() throws {
        let repo = try TemporaryRepository()
        try repo.write("ctx.json", #"{"github": {"ref": "refs/heads/main"}, "matrix": {"os": "linux"}}"#)
        let result = try MLGateExecutable.run(["expr", "${{ github.ref == 'refs/heads/MAIN' && matrix.os }}", "--context", "ctx.json"], in: repo.path)
        #expect(result.status == 0)
        #expect(result.stdout == "\"linux\"\n")
        let object = try MLGateExecutable.run(["expr", "fromJSON('{\"a\": [1, 2.5]}')"], in: repo.path)
        #expect(object.stdout == "{\n  \"a\": [\n    1,\n    2.5\n  ]\n}\n")
    }

    @Test("RUNNER_TOOL_CACHE outlives the run, as on a self-hosted runner, so setup actions keep their downloads")
    func toolCache() throws {
        let repo = try TemporaryRepository()
        let cacheHome = repo.path + "/.cache-home"
        try repo.write(".github/workflows/ci.yml", "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          echo \"cache=$RUNNER_TOOL_CACHE runner=${{ runner.tool_cache }} seen=$(cat \"$RUNNER_TOOL_CACHE/marker\" 2>/dev/null || echo none)\"\n          echo stored > \"$RUNNER_TOOL_CACHE/marker\"\n")
        try repo.commitAll()
        let first = try MLGateExecutable.run(["run"], in: repo.path, environment: ["XDG_CACHE_HOME": cacheHome])
        #expect(first.stdout.contains("cache=\(cacheHome)/mlgate/toolcache runner=\(cacheHome)/mlgate/toolcache seen=none"), "\(first.stdout)")
        let second = try MLGateExecutable.run(["run"], in: repo.path, environment: ["XDG_CACHE_HOME": cacheHome])
        #expect(second.stdout.contains("seen=stored"), "\(second.stdout)")
        let chosen = try MLGateExecutable.run(["run"], in: repo.path, environment: ["RUNNER_TOOL_CACHE": repo.path + "/tools"])
        #expect(chosen.stdout.contains("cache=\(repo.path)/tools "), "\(chosen.stdout)")
    }

    @Test("the --rev workspace and a checkout into a path are git repositories at their commit: git describe and git status work")
    func revWorkspaceIsRepository() throws {
        let repo = try TemporaryRepository()
        try repo.write(".github/workflows/ci.yml", """
            on: push
            jobs:
              j:
                runs-on: ubuntu-latest
                steps:
                  - run: echo "describe=$(git describe --tags) changes=$(git status --porcelain | wc -l) commits=$(git log --oneline | wc -l)"
                  - uses: actions/checkout@v4
                    with: { ref: HEAD~1, path: prev }
                  - run: echo "prev=$(cd prev && git describe --tags) prev-changes=$(cd prev && git status --porcelain | wc -l)"
            """)
        try repo.write("a.txt", "one\n")
        try repo.commitAll("one")
        try repo.git("tag", "v0.1.0")
        try repo.write("a.txt", "two\n")
        try repo.commitAll("two")
        try repo.git("tag", "-a", "-m", "release", "v0.2.0")
        let result = try MLGateExecutable.run(["run", "--rev", "v0.2.0"], in: repo.path)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("describe=v0.2.0 changes=0 commits=2"), "\(result.stdout)")
        #expect(result.stdout.contains("prev=v0.1.0 prev-changes=0"), "\(result.stdout)")
    }

    @Test("--rev TAG: github.ref is the tag asked for, not the first tag on that commit")
    func revTag() throws {
        let repo = try TemporaryRepository()
        try repo.write(".github/workflows/ci.yml", "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"ref=${{ github.ref }} type=${{ github.ref_type }} name=${{ github.ref_name }}\"\n")
        try repo.commitAll()
        try repo.git("tag", "a-old-unassignment")
        try repo.git("tag", "-a", "-m", "release", "z-release")
        let result = try MLGateExecutable.run(["run", "--rev", "z-release"], in: repo.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("ref=refs/tags/z-release type=tag name=z-release"), "\(result.stdout)")
    }

    @Test("expr refuses a context that is neither GitHub's nor given, as GitHub's parser does")
    func exprUnknownContext() throws {
        let repo = try TemporaryRepository()
        let unknown = try MLGateExecutable.run(["expr", "nosuch.value == 1"], in: repo.path)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("Unrecognized named-value: 'nosuch'"))
        try repo.write("ctx.json", #"{"nosuch": {"value": 1}}"#)
        let given = try MLGateExecutable.run(["expr", "nosuch.value == 1", "--context", "ctx.json"], in: repo.path)
        #expect(given.stdout == "true\n", "\(given.stderr)")
    }

    @Test("expr reports a bad expression with its phase and position, exit 2")
    func exprError() throws {
        let repo = try TemporaryRepository()
        let result = try MLGateExecutable.run(["expr", "github.ref =="], in: repo.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("parsing error: Unexpected end of expression"))
        #expect(result.stderr.contains("github.ref ==\n             ^"), "the caret marks the '==' (position 12)")
    }

    @Test(arguments: [
        (["run", "--bogus"], "Unknown option '--bogus'"),
        (["run", "--max-parallel", "0"], "--max-parallel must be at least 1"),
        (["run", "--input", "novalue"], "--input 'novalue': expected NAME=VALUE"),
        (["run", "--secret-file", "missing.env"], "missing.env: cannot read the file"),
        (["run", "-j", "nosuchjob"], "no triggered workflow has a job 'nosuchjob'"),
        (["run", "nosuch.yml"], "nosuch.yml:1:1: cannot read the workflow file"),
        (["expr", "1", "--context", "missing.json"], "missing.json: cannot read the file"),
    ])
    func usageErrors(arguments: [String], message: String) throws {
        let repo = try TemporaryRepository()
        try repo.write(".github/workflows/ci.yml", "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo ran > ran.txt\n")
        try repo.commitAll()
        let result = try MLGateExecutable.run(arguments, in: repo.path)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/ran.txt"), "nothing may run")
    }

    @Test("outside a git repository, run says so and exits 2")
    func notARepository() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlgate-norepo-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try MLGateExecutable.run(["run"], in: dir)
        #expect(result.status == 2)
        #expect(result.stderr.contains("is not inside a git repository"))
    }
}

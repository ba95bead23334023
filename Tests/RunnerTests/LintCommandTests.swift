import Foundation
import Testing
import TestSupport

/// `mlgate lint` as a user runs it: every finding with file:line:col and its rule, exit 1
/// when there are findings, SARIF for code scanning.
@Suite("mlgate lint")
struct LintCommandTests {
    static let broken = """
    on:
      schedule:
        - cron: '61 * * * *'
      pull_request_target:
        branches: ['release/[0-9']
    jobs:
      greet:
        runs-on: ubuntu-latest
        container: node:20
        steps:
          - uses: some/action@v1
          - run: echo "${{ github.event.pull_request.title }}"
          - run: echo ${{ github.event.commits[0].message }}
    """

    static let clean = """
    on: push
    jobs:
      ok:
        runs-on: ubuntu-latest
        container: node:20
        steps:
          - uses: some/action@v1
          - env:
              TITLE: ${{ github.event.pull_request.title }}
            run: echo "$TITLE"
    """

    func repository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write(".github/workflows/broken.yml", Self.broken)
        try repo.write(".github/workflows/clean.yml", Self.clean)
        return repo
    }

    @Test("folders are linted file by file, paths are relative to where you are, and a summary line closes")
    func foldersAndSummary() throws {
        let repo = try repository()
        try repo.write("sub/.keep", "")
        let fromSub = try MLGateExecutable.run(["lint", "../.github/workflows"], in: repo.path + "/sub")
        #expect(fromSub.status == 1)
        #expect(fromSub.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("../.github/workflows/broken.yml:") }, "\(fromSub.stdout)")
        #expect(fromSub.stderr.contains("2 files, 4 problems in 1 file"), "\(fromSub.stderr)")
        let clean = try MLGateExecutable.run(["lint", ".github/workflows/clean.yml"], in: repo.path)
        #expect(clean.stderr.contains("1 file, no problems"))
        let empty = try MLGateExecutable.run(["lint", "sub"], in: repo.path)
        #expect(empty.status == 2)
    }

    @Test("findings name file, line, column and rule; exit 1")
    func findings() throws {
        let repo = try repository()
        let result = try MLGateExecutable.run(["lint"], in: repo.path)
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains(".github/workflows/broken.yml:3:13: invalid cron '61 * * * *': '61' is out of range for the minute field (0-59) [events]"))
        #expect(lines.contains { $0.hasPrefix(".github/workflows/broken.yml:5:15: unclosed '['") && $0.hasSuffix("[glob]") })
        #expect(lines.contains { $0.hasPrefix(".github/workflows/broken.yml:12:14: \"github.event.pull_request.title\" is untrusted input") })
        #expect(lines.contains { $0.hasPrefix(".github/workflows/broken.yml:13:14: \"github.event.commits.*.message\" is untrusted input") })
        #expect(lines.count == 4, "container jobs and other actions are valid on GitHub: \(lines)")
    }

    @Test("a clean file has no findings and exits 0, though its container job fails when mlgate runs it")
    func clean() throws {
        let repo = try repository()
        let lint = try MLGateExecutable.run(["lint", ".github/workflows/clean.yml"], in: repo.path)
        #expect(lint.status == 0)
        #expect(lint.stdout.isEmpty)
        try repo.commitAll()
        let run = try MLGateExecutable.run(["run", ".github/workflows/clean.yml"], in: repo.path)
        #expect(run.status == 1)
        #expect(run.stdout.contains("uses 'container:', which needs a container engine"), "\(run.stdout)")
    }

    @Test("SARIF 2.1.0 with one result per finding and the rules used")
    func sarif() throws {
        let repo = try repository()
        let result = try MLGateExecutable.run(["lint", "--format", "sarif"], in: repo.path)
        #expect(result.status == 1)
        let log = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(log?["version"] as? String == "2.1.0")
        let run = (log?["runs"] as? [[String: Any]])?.first
        let results = run?["results"] as? [[String: Any]] ?? []
        #expect(results.count == 4)
        let region = ((results.first?["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Int]
        #expect(region?["startLine"] == 3)
        let rules = ((run?["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]] ?? []
        #expect(rules.compactMap { $0["id"] as? String } == ["events", "expression", "glob"])
    }

    @Test("JSON findings for scripts")
    func json() throws {
        let repo = try repository()
        let result = try MLGateExecutable.run(["lint", "--format", "json", ".github/workflows/broken.yml"], in: repo.path)
        let findings = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
        #expect(findings?.count == 4)
        #expect(findings?.first?["rule"] as? String == "events")
    }

    @Test("action files under .github are linted too: missing shells and untrusted input in composite steps")
    func actionFiles() throws {
        let repo = try TemporaryRepository()
        try repo.write(".github/workflows/ok.yml", "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./.github/actions/bad\n")
        try repo.write(".github/actions/bad/action.yml", """
        name: Bad
        description: A composite action with problems of its own
        runs:
          using: composite
          steps:
            - run: echo "${{ github.event.issue.body }}"
        """)
        let result = try MLGateExecutable.run(["lint"], in: repo.path)
        #expect(result.status == 1)
        #expect(result.stdout.contains(".github/actions/bad/action.yml:6:7: step 1 of a composite action runs a script but has no 'shell:'"))
        #expect(result.stdout.contains(".github/actions/bad/action.yml:6:12: \"github.event.issue.body\" is untrusted input"))
        #expect(!result.stdout.contains("ok.yml"))
    }
}

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
        #expect(lines.contains { $0.hasPrefix(".github/workflows/broken.yml:12:24: \"github.event.pull_request.title\" is untrusted input") })
        #expect(lines.contains { $0.hasPrefix(".github/workflows/broken.yml:13:23: \"github.event.commits.*.message\" is untrusted input") })
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
        #expect(result.stdout.contains(".github/actions/bad/action.yml:6:22: \"github.event.issue.body\" is untrusted input"))
        #expect(!result.stdout.contains("ok.yml"))
    }

    @Test("--diff shows the mechanical repairs without writing; --fix writes them, says how many, and the lint then passes")
    func fixes() throws {
        let repo = try TemporaryRepository()
        let original = """
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v3
              - uses: "actions/setup-python@v4.7.1"  # pinned by tag
                with: { python-version: '3.12' }
              - run: echo "::set-output name=model::churn"
              - run: |
                  echo '::save-state name=started::$(date)'
                  echo ::add-path::/opt/tools
                  echo "::set-env name=MODE::fast"
              - uses: actions/checkout@v4
        """
        try repo.write(".github/workflows/ci.yml", original + "\n")
        let preview = try MLGateExecutable.run(["lint", "--diff"], in: repo.path)
        #expect(preview.status == 1, "the problems are still there: \(preview.stdout)")
        #expect(preview.stdout.contains("--- a/.github/workflows/ci.yml\n+++ b/.github/workflows/ci.yml\n@@ -3,"), "\(preview.stdout)")
        #expect(preview.stdout.contains("-      - uses: actions/checkout@v3\n+      - uses: actions/checkout@v5\n"))
        #expect(preview.stderr.contains("would repair 6 problems in 1 file"), "\(preview.stderr)")
        #expect(try String(contentsOfFile: repo.path + "/.github/workflows/ci.yml", encoding: .utf8) == original + "\n")

        let fixed = try MLGateExecutable.run(["lint", "--fix"], in: repo.path)
        #expect(fixed.stderr.contains("repaired 6 problems in 1 file"), "\(fixed.stderr)")
        #expect(fixed.status == 0, "\(fixed.stdout)")
        let text = try String(contentsOfFile: repo.path + "/.github/workflows/ci.yml", encoding: .utf8)
        #expect(text.contains("      - uses: actions/checkout@v5\n"))
        #expect(text.contains("      - uses: \"actions/setup-python@v6\"  # pinned by tag\n"))
        #expect(text.contains("      - run: echo \"model=churn\" >> \"$GITHUB_OUTPUT\"\n"))
        #expect(text.contains("          echo 'started=$(date)' >> \"$GITHUB_STATE\"\n"))
        #expect(text.contains("          echo /opt/tools >> \"$GITHUB_PATH\"\n"))
        #expect(text.contains("          echo \"MODE=fast\" >> \"$GITHUB_ENV\"\n"))
        #expect(text.contains("      - uses: actions/checkout@v4\n"), "a current major is left alone")
        let again = try MLGateExecutable.run(["lint", "--fix"], in: repo.path)
        #expect(again.stderr.contains("nothing to repair") && again.stdout.isEmpty)
    }

    @Test("what the committed files contradict is a warning at its place, which does not fail the lint")
    func repositoryWarnings() throws {
        let repo = try TemporaryRepository()
        try repo.write("src/train.py", "print(1)\n")
        try repo.write("setup.py", "\n")
        try repo.write(".github/actions/committed/action.yml", "name: c\ndescription: d\nruns: { using: composite, steps: [{ run: echo, shell: bash }] }\n")
        try repo.write(".github/workflows/ci.yml", """
        on:
          push:
            paths: ['src/**', 'models/**']
          pull_request:
            paths-ignore: ['docs/**']
        jobs:
          a:
            runs-on: ubuntu-latest
            steps:
              - run: echo ${{ hashFiles('**/setup.py') }} ${{ hashFiles('**/requirements.txt', '!x') }}
              - uses: ./.github/actions/committed
              - uses: ./.github/actions/uncommitted
              - uses: ./.github/actions/nowhere
        """ + "\n")
        _ = try repo.commitAll("start")
        try repo.write(".github/actions/uncommitted/action.yml", "name: u\ndescription: d\nruns: { using: composite, steps: [{ run: echo, shell: bash }] }\n")
        let result = try MLGateExecutable.run(["lint", ".github/workflows/ci.yml"], in: repo.path)
        #expect(result.status == 0, "warnings only: \(result.stdout)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix(".github/workflows/ci.yml:3:23: warning: paths filter 'models/**' of 'push' matches no file") && $0.hasSuffix("[repository]") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix(".github/workflows/ci.yml:5:20: warning: paths-ignore filter 'docs/**' of 'pull_request'") })
        #expect(lines.contains { $0.hasPrefix(".github/workflows/ci.yml:10:14: warning: hashFiles('**/requirements.txt', '!x') matches no file") })
        #expect(lines.contains { $0.hasPrefix(".github/workflows/ci.yml:12:15: warning: local action \"./.github/actions/uncommitted\" is in the working tree but not committed") })
        #expect(lines.contains { $0.hasPrefix(".github/workflows/ci.yml:13:15: warning: local action \"./.github/actions/nowhere\" has no action.yml") })
        #expect(lines.count == 5, "\(lines)")
        #expect(result.stderr.contains("1 file, no problems, 5 warnings"), "\(result.stderr)")
        let json = try MLGateExecutable.run(["lint", "--format", "json", ".github/workflows/ci.yml"], in: repo.path)
        let findings = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(findings.count == 5 && findings.allSatisfy { $0["level"] as? String == "warning" })
    }
}

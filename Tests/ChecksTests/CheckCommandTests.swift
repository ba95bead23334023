import Foundation
import Testing
import TestSupport

/// The check commands as a CI job calls them: exit codes, JUnit output, declared checks run
/// together, evidence recorded, and the policy's declared checks validated at their lines.
@Suite("Check commands", .serialized)
struct CheckCommandTests {
    static let policy = """
        models:
          fraud: {}
        checks:
          unit-tests:
            kind: tests
            model: fraud
            run: [bash, write-report.sh]
            report: reports/junit.xml
          performance:
            kind: metrics
            model: fraud
            predictions: predictions.csv
            label: label
            score: score
            rules: [accuracy >= 0.7, roc_auc >= 0.99]
          lint:
            kind: command
            run: test -f predictions.csv
        stages:
          staging: { checks: [unit-tests, lint] }
          production: { checks: [unit-tests, performance] }
        """
    static let report = """
        mkdir -p reports
        cat > reports/junit.xml <<'XML'
        <testsuite name="unit"><testcase classname="t" name="a"/><testcase classname="t" name="b"/></testsuite>
        XML
        """
    static let predictions = "label,score\n1,0.9\n0,0.2\n1,0.3\n0,0.4\n1,0.8\n"

    func project() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("mlgate.yml", Self.policy)
        try repo.write("write-report.sh", Self.report)
        try repo.write("predictions.csv", Self.predictions)
        try repo.commitAll()
        return repo
    }

    @Test("check run --stage runs what the stage requires, in one table; --record keeps each as evidence; --junit writes a suite per check")
    func runDeclared() throws {
        let repo = try project()
        let staging = try MLGateExecutable.run(["check", "run", "--stage", "staging", "--record", "--junit", "out/gate.xml"], in: repo.path)
        #expect(staging.status == 0, "\(staging.stdout)\(staging.stderr)")
        #expect(staging.stdout.contains("unit-tests  tests    pass    2 tests: 2 passed"), "\(staging.stdout)")
        #expect(staging.stdout.contains("lint        command  pass"), "\(staging.stdout)")
        let junit = try String(contentsOfFile: repo.path + "/out/gate.xml", encoding: .utf8)
        #expect(junit.contains("<testsuite name=\"unit-tests\" tests=\"2\" failures=\"0\""), "\(junit)")
        #expect(junit.contains("<testsuite name=\"lint\""))
        let evidence = try MLGateExecutable.run(["evidence", "--json"], in: repo.path)
        #expect(evidence.stdout.contains("\"check\":\"unit-tests\"") && evidence.stdout.contains("\"check\":\"lint\""), "\(evidence.stdout)")

        let production = try MLGateExecutable.run(["check", "run", "--stage", "production"], in: repo.path)
        #expect(production.status == 1, "\(production.stdout)\(production.stderr)")
        #expect(production.stdout.contains("performance  metrics  fail    roc_auc 0.8333 < 0.99"), "\(production.stdout)")
        #expect(production.stdout.contains("roc_auc >= 0.99"))
    }

    @Test("a single check: exit 0 pass, 1 fail, 2 bad input; --junit FILE has one test case per rule")
    func exitCodes() throws {
        let repo = try project()
        let pass = try MLGateExecutable.run(["check", "metrics", "perf", "--predictions", "predictions.csv", "--label", "label",
                                             "--score", "score", "--rule", "accuracy >= 0.5", "--junit", "perf.xml"], in: repo.path)
        #expect(pass.status == 0, "\(pass.stdout)\(pass.stderr)")
        let xml = try String(contentsOfFile: repo.path + "/perf.xml", encoding: .utf8)
        #expect(xml.contains("<testcase classname=\"mlgate.metrics.perf\" name=\"accuracy &gt;= 0.5\"></testcase>"), "\(xml)")
        let fail = try MLGateExecutable.run(["check", "metrics", "perf", "--predictions", "predictions.csv", "--label", "label",
                                             "--score", "score", "--rule", "accuracy >= 0.9"], in: repo.path)
        #expect(fail.status == 1)
        #expect(fail.stdout.contains("accuracy 0.8 < 0.9"), "\(fail.stdout)")
        let bad = try MLGateExecutable.run(["check", "metrics", "perf", "--predictions", "nope.csv", "--label", "label", "--score", "score"], in: repo.path)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("nope.csv"), "\(bad.stderr)")
        let malformed = try MLGateExecutable.run(["check", "tests", "unit", "--report", "predictions.csv"], in: repo.path)
        #expect(malformed.status == 2)
        #expect(malformed.stderr.contains("predictions.csv:1:1"), "\(malformed.stderr)")
    }

    @Test("a data contract written inline in mlgate.yml: checked by policy check at its lines, run by check run")
    func inlineContract() throws {
        let repo = try TemporaryRepository()
        try repo.write("data.csv", "id,score\n1,0.5\n2,1.5\n2,0.1\n")
        try repo.write("mlgate.yml", """
            checks:
              inputs:
                kind: data
                data: [data.csv]
                contract:
                  columns:
                    - { name: id, type: int, unique: true }
                    - { name: score, type: float, min: 0, max: 1 }
            stages: [staging]
            """)
        try repo.commitAll()
        let run = try MLGateExecutable.run(["check", "run", "inputs"], in: repo.path)
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("inputs  data  fail    3 rows; id: unique, score: range fail"), "\(run.stdout)")
        try repo.write("mlgate.yml", "checks:\n  inputs:\n    kind: data\n    data: [data.csv]\n    contract:\n      columns:\n        - { name: id, type: integr }\nstages: [staging]\n")
        let bad = try MLGateExecutable.run(["policy", "check"], in: repo.path)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("mlgate.yml:7:29: unknown type 'integr'"), "\(bad.stderr)")
    }

    @Test("mlgate policy check reports a declared check's problems at their lines")
    func policyCheck() throws {
        let repo = try TemporaryRepository()
        try repo.write("mlgate.yml", """
            checks:
              perf:
                kind: metrics
                predictions: p.csv
                rules: [accuracy >= 0.8, "f1 >= champion -"]
                resamples: many
              smoke:
                kind: smoke
            stages: [staging]
            """)
        try repo.commitAll()
        let result = try MLGateExecutable.run(["policy", "check"], in: repo.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("mlgate.yml:2:3: metrics check 'perf' reads predictions and needs 'label:'"), "\(result.stderr)")
        #expect(result.stderr.contains("mlgate.yml:5:30: rule 'f1 >= champion -'"), "\(result.stderr)")
        #expect(result.stderr.contains("mlgate.yml:6:16: 'resamples' must be a whole number"), "\(result.stderr)")
        #expect(result.stderr.contains("mlgate.yml:8:11: unknown check kind 'smoke'"), "\(result.stderr)")
    }
}

import Checks
import Foundation
import Testing
import TestSupport

/// What a user of `mlgate check tests` and `mlgate check metrics` sees: totals and failing
/// tests from the reports real tools write, thresholds, malformed input named by file and
/// line or row, and rules against the champion.
@Suite("Test and metrics checks")
struct ChecksBehaviourTests {
    static let commit = String(repeating: "a", count: 40)

    func folder(_ files: [String: String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mlgate-checks-\(UUID().uuidString.prefix(8))").path
        for (name, text) in files {
            let url = URL(fileURLWithPath: path + "/" + name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return path
    }

    static let pytest = """
        <?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="1" failures="1" skipped="1" tests="5"><testcase classname="tests.test_model" name="test_shape" time="0.001" /><testcase classname="tests.test_model" name="test_auc" time="0.002"><failure message="assert 0.71 &gt;= 0.8">def test_auc():
        &gt;       assert auc &gt;= 0.8</failure></testcase><testcase classname="tests.test_data" name="test_nulls"><skipped type="pytest.skip" message="no GPU">skip</skipped></testcase><testcase classname="tests.test_data" name="test_load"><error message="">FileNotFoundError: data.csv
        more</error></testcase><testcase classname="tests.test_data" name="test_rows"><system-out><![CDATA[<rows> & more]]></system-out></testcase></testsuite></testsuites>
        """
    static let surefire = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE testsuite>
        <testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="com.acme.ModelTest" time="0.1" tests="3" errors="0" skipped="0" failures="0">
          <properties><property name="java.version" value="21"/></properties>
          <testcase name="scores" classname="com.acme.ModelTest" time="0.01"/>
          <testcase name="flaky" classname="com.acme.ModelTest" time="0.01"><flakyFailure message="once" type="java.lang.AssertionError"/></testcase>
          <!-- a comment -->
          <testcase name="loads" classname="com.acme.ModelTest" time="0.01"/>
        </testsuite>
        """
    static let jest = """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites name="jest tests" tests="2" failures="0" errors="0" time="1.2">
          <testsuites name="nested">
            <testsuite name="predict" errors="0" failures="0" skipped="0" timestamp="2026-01-01T00:00:00" time="1.1" tests="2">
              <testcase classname="predict returns a score" name="predict returns a score" time="0.01"></testcase>
              <testcase classname="predict handles &apos;empty&apos; &#x26; null" name="x" time="0.01"></testcase>
            </testsuite>
          </testsuites>
        </testsuites>
        """

    /// What `swift test --xunit-output` writes.
    static let xunit = """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites>
          <testsuite name="TestResults" errors="0" tests="2" failures="1" time="0.2">
            <testcase classname="ModelTests.ScoreTests" name="testRange" time="0.1">
            </testcase>
            <testcase classname="ModelTests.ScoreTests" name="testCalibration" time="0.1">
              <failure message="XCTAssertLessThan failed: (&quot;0.2&quot;) is not less than (&quot;0.1&quot;)"></failure>
            </testcase>
          </testsuite>
        </testsuites>
        """

    @Test("pytest, swift test --xunit-output, Surefire and jest-junit reports: totals counted from the test cases, failing tests with their messages")
    func reports() throws {
        let dir = try folder(["reports/unit.xml": Self.pytest, "reports/java/TEST-model.xml": Self.surefire, "reports/js/junit.xml": Self.jest,
                              "reports/swift/xunit.xml": Self.xunit])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var thresholds = TestsCheck.Thresholds()
        thresholds.maxFailures = 3
        let result = try TestsCheck(name: "tests", reports: ["reports/**/*.xml"], thresholds: thresholds, model: nil).run(in: dir, commit: Self.commit)
        #expect(result.measurements["tests"] == 12)
        #expect(result.measurements["failed"] == 2)
        #expect(result.measurements["errors"] == 1)
        #expect(result.measurements["skipped"] == 1)
        #expect(result.measurements["passed"] == 8)
        #expect(result.status == .pass, "\(result.summary)")
        #expect(result.inputs.map(\.path) == ["reports/java/TEST-model.xml", "reports/js/junit.xml", "reports/swift/xunit.xml", "reports/unit.xml"])
        let messages = result.findings.map(\.message)
        #expect(messages.contains("tests.test_model.test_auc: assert 0.71 >= 0.8"), "\(messages)")
        #expect(messages.contains("tests.test_data.test_load: FileNotFoundError: data.csv"), "\(messages)")
        #expect(messages.contains("ModelTests.ScoreTests.testCalibration: XCTAssertLessThan failed: (\"0.2\") is not less than (\"0.1\")"), "\(messages)")

        let strict = try TestsCheck(name: "tests", reports: ["reports/unit.xml"], thresholds: .init(), model: nil).run(in: dir, commit: Self.commit)
        #expect(strict.status == .fail)
        #expect(strict.summary.contains("failures 2 not <= 0"), "\(strict.summary)")
        #expect(strict.junitXML.contains("<failure message=\"failures 2 not &lt;= 0\""), "\(strict.junitXML)")
    }

    @Test("a report with no tests fails by default; pass rate and skipped thresholds")
    func thresholds() throws {
        let dir = try folder(["empty.xml": "<testsuites><testsuite name=\"none\" tests=\"0\"/></testsuites>", "unit.xml": Self.pytest])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let empty = try TestsCheck(name: "t", reports: ["empty.xml"], thresholds: .init(), model: nil).run(in: dir, commit: Self.commit)
        #expect(empty.status == .fail)
        #expect(empty.summary.contains("tests 0 not >= 1"))
        var thresholds = TestsCheck.Thresholds()
        thresholds.maxFailures = 5
        thresholds.minPassRate = 0.9
        thresholds.maxSkipped = 0
        let rated = try TestsCheck(name: "t", reports: ["unit.xml"], thresholds: thresholds, model: nil).run(in: dir, commit: Self.commit)
        // 2 passed of the 4 that were not skipped.
        #expect(rated.measurements["pass_rate"] == 0.5)
        #expect(rated.rules.filter { $0.verdict == .fail }.map(\.metric) == ["pass_rate", "skipped"])
    }

    @Test("a malformed report is refused with its file and line; a missing one with its path")
    func malformed() throws {
        let dir = try folder(["bad.xml": "<testsuite name=\"s\">\n  <testcase name=\"a\">\n</testsuite>\n", "text.xml": "<?xml version=\"1.0\"?><html></html>"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect { try TestsCheck(name: "t", reports: ["bad.xml"], thresholds: .init(), model: nil).run(in: dir, commit: Self.commit) } throws: {
            "\($0)".contains("bad.xml:3:1:") && "\($0)".contains("expected '</testcase>'")
        }
        #expect { try TestsCheck(name: "t", reports: ["text.xml"], thresholds: .init(), model: nil).run(in: dir, commit: Self.commit) } throws: {
            "\($0)".contains("not a JUnit report")
        }
        #expect { try TestsCheck(name: "t", reports: ["missing/*.xml"], thresholds: .init(), model: nil).run(in: dir, commit: Self.commit) } throws: {
            "\($0)".contains("no test report at missing/*.xml")
        }
    }

    func metrics(_ files: [String: String], _ configure: (inout MetricsCheck.Options) -> Void, champion: MetricsCheck.Champion? = nil) throws -> CheckResult {
        let dir = try folder(files)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = MetricsCheck.Options(name: "performance")
        configure(&options)
        var champion = champion
        if let file = champion?.predictions { champion?.predictions = dir + "/" + file }
        return try MetricsCheck(options).run(in: dir, commit: Self.commit, champion: champion)
    }

    @Test("a bad row, a missing column or a bad rule is refused, naming the row, the columns or the forms")
    func badInput() throws {
        #expect {
            try metrics(["p.csv": "label,score\n1,0.9\n0,\"oops, no\"\n"], { $0.predictions = "p.csv"; $0.label = "label"; $0.score = "score" })
        } throws: { "\($0)".contains("p.csv: row 3: score 'oops, no' is not a number") }
        #expect {
            try metrics(["p.csv": "label,score\n1,0.9\n0,0.1,7\n"], { $0.predictions = "p.csv"; $0.label = "label"; $0.score = "score" })
        } throws: { "\($0)".contains("row 3 (byte 18): 3 fields, but the header has 2") }
        #expect {
            try metrics(["p.csv": "y,score\n1,0.9\n"], { $0.predictions = "p.csv"; $0.label = "label"; $0.score = "score" })
        } throws: { "\($0)".contains("no column 'label' (--label); the columns are y, score") }
        #expect {
            try metrics(["p.csv": "label,score\r\n1,0.9\r\n0,0.2\r\n"], { $0.predictions = "p.csv"; $0.label = "label"; $0.score = "score"; $0.rules = ["auc >= 0.8"] })
        } throws: { "\($0)".contains("no metric 'auc'") }
        #expect {
            try metrics(["p.csv": "label,score\n1,0.9\n"], { $0.predictions = "p.csv"; $0.label = "label"; $0.score = "score"; $0.rules = ["roc_auc >>= 1"] })
        } throws: { "\($0)".contains("write METRIC >= NUMBER") }
    }

    @Test("rules: absolute, against the champion's recorded value, per slice; no champion fails unless allowed")
    func rules() throws {
        let csv = "id,region,label,score\n1,eu,1,0.9\n2,eu,0,0.2\n3,eu,1,0.4\n4,us,0,0.6\n5,us,1,0.8\n6,us,0,0.1\n"
        let result = try metrics(["p.csv": csv], {
            $0.predictions = "p.csv"; $0.label = "label"; $0.score = "score"; $0.slice = "region"
            $0.rules = ["accuracy >= 0.6", "f1 >= champion - 0.01", "per_slice(recall) >= 0.6"]
        }, champion: .init(version: "1.2.0", measurements: ["f1": 0.9]))
        let verdicts = result.rules.map { "\($0.rule)\($0.slice.map { " [\($0)]" } ?? ""): \($0.verdict.rawValue)" }
        #expect(verdicts == ["accuracy >= 0.6: pass", "f1 >= champion - 0.01: fail",
                             "per_slice(recall) >= 0.6 [region=eu]: fail", "per_slice(recall) >= 0.6 [region=us]: pass"], "\(verdicts)")
        #expect(result.status == .fail)
        // Every metric per slice, not only those a rule reads.
        #expect(result.measurements["recall[region=eu]"] == 0.5 && result.measurements["accuracy[region=us]"] != nil, "\(result.measurements.keys.sorted())")
        #expect(result.summary.contains("f1 0.6667 < champion 1.2.0 0.9 − 0.01"), "\(result.summary)")
        let f1 = try #require(result.rules.first { $0.metric == "f1" })
        #expect(f1.champion == 0.9 && abs((f1.delta ?? 0) - (2.0 / 3 - 0.9)) < 1e-12 && abs((f1.threshold ?? 0) - 0.89) < 1e-12)

        let first = try metrics(["p.csv": csv], { $0.predictions = "p.csv"; $0.label = "label"; $0.score = "score"; $0.rules = ["f1 >= champion"] },
                                champion: .init(version: nil))
        #expect(first.status == .fail)
        #expect(first.summary.contains("no champion"))
        let allowed = try metrics(["p.csv": csv], {
            $0.predictions = "p.csv"; $0.label = "label"; $0.score = "score"; $0.rules = ["f1 >= champion"]; $0.allowNoBaseline = true
        }, champion: .init(version: nil))
        #expect(allowed.status == .pass)
    }

    /// Predictions of two models on the same rows: the challenger's scores are the
    /// champion's plus `shift` and noise.
    func pair(rows: Int, shift: Double, noise: Double, seed: UInt64) -> (champion: String, challenger: String) {
        var random = MetricsParityTests.Random(state: seed)
        var champion = "id,label,score\n", challenger = "id,label,score\n"
        var lines: [String] = []
        for i in 0..<rows {
            let label = random.next() < 0.4 ? 1 : 0
            let base = min(1, max(0, 0.35 + 0.3 * Double(label) + (random.next() - 0.5) * 0.8))
            let better = min(1, max(0, base + (label == 1 ? shift : -shift) + (random.next() - 0.5) * noise))
            champion += "\(i),\(label),\(base)\n"
            lines.append("\(i),\(label),\(better)\n")
        }
        // The challenger's file is in another order: rows are joined on --id.
        challenger += lines.reversed().joined()
        return (champion, challenger)
    }

    @Test("non_inferior blocks a challenger whose higher point estimate is within noise; a clearly better one passes superior")
    func pairedRules() throws {
        // Small evaluation sets where the challenger's ROC-AUC is higher, by chance.
        var blockedCount = 0
        for seed in UInt64(1)...40 {
            let small = pair(rows: 60, shift: 0.01, noise: 0.3, seed: seed)
            let blocked = try metrics(["c.csv": small.challenger, "b.csv": small.champion], {
                $0.predictions = "c.csv"; $0.label = "label"; $0.score = "score"; $0.id = "id"; $0.resamples = 300
                $0.rules = ["non_inferior(roc_auc, 0.01)"]
            }, champion: .init(version: "1.0.0", predictions: "b.csv"))
            let rule = try #require(blocked.rules.first)
            guard (rule.delta ?? 0) > 0 else { continue }
            #expect(rule.verdict == .fail && (rule.ciLow ?? 0) < -0.01, "\(rule)")
            blockedCount += 1
            if blockedCount == 3 { break }
        }
        #expect(blockedCount == 3)

        let large = pair(rows: 1500, shift: 0.15, noise: 0.05, seed: 6)
        let better = try metrics(["c.csv": large.challenger, "b.csv": large.champion], {
            $0.predictions = "c.csv"; $0.label = "label"; $0.score = "score"; $0.id = "id"; $0.resamples = 300
            $0.rules = ["superior(roc_auc)", "superior(accuracy)", "non_inferior(log_loss, 0.01)"]
        }, champion: .init(version: "1.0.0", predictions: "b.csv"))
        #expect(better.status == .pass, "\(better.summary)")
        let accuracy = try #require(better.rules.first { $0.metric == "accuracy" })
        #expect((accuracy.pValue ?? 1) < 0.05)
        // The same seed gives the same interval.
        let again = try metrics(["c.csv": large.challenger, "b.csv": large.champion], {
            $0.predictions = "c.csv"; $0.label = "label"; $0.score = "score"; $0.id = "id"; $0.resamples = 300
            $0.rules = ["superior(roc_auc)", "superior(accuracy)", "non_inferior(log_loss, 0.01)"]
        }, champion: .init(version: "1.0.0", predictions: "b.csv"))
        #expect(again.rules.map(\.ciLow) == better.rules.map(\.ciLow))
    }

    @Test("metrics files: JSON and YAML, nested keys as a.b.c, booleans and strings ignored")
    func metricsFiles() throws {
        let json = try metrics(["m.json": #"{"eval": {"auc": 0.91, "loss": 0.2, "ok": true}, "name": "x", "latency_p95_ms": 41}"#], {
            $0.metricsFile = "m.json"; $0.rules = ["eval.auc >= 0.9", "latency_p95_ms <= 50"]
        })
        #expect(json.measurements == ["eval.auc": 0.91, "eval.loss": 0.2, "latency_p95_ms": 41])
        #expect(json.status == .pass)
        let yaml = try metrics(["m.yaml": "eval:\n  auc: 0.85\n  note: '1'\n"], { $0.metricsFile = "m.yaml"; $0.rules = ["eval.auc >= 0.9"] })
        #expect(yaml.measurements == ["eval.auc": 0.85])
        #expect(yaml.status == .fail)
    }
}

import Checks
import Foundation
import Testing
import TestSupport

/// Mutated test reports, prediction files and rules fed to the checks' parsers. For every
/// input: no crash, no hang, and either a result or a refusal that says where (a report's
/// file:line:col, a CSV row, the rule's forms). Seeded, so a failure reproduces.
@Suite("Fuzzing the check parsers")
struct CheckInputFuzzTests {
    static let commit = String(repeating: "c", count: 40)

    static let report = """
        <?xml version="1.0" encoding="utf-8"?>
        <!DOCTYPE testsuites [ <!ENTITY x "y"> ]>
        <testsuites><!-- comment --><testsuite name="pytest" tests="3">
        <testcase classname="tests.a" name="test_one" time="0.01"/>
        <testcase classname="tests.a" name="test_two"><failure message="assert 1 &lt; 0">trace &amp; &#x41; &#66;</failure></testcase>
        <testcase classname='tests.b' name="three"><skipped/><system-out><![CDATA[<out>]]></system-out></testcase>
        </testsuite></testsuites>
        """
    static let predictions = "id,region,label,score\n1,eu,1,0.91\n2,\"us, east\",0,0.2\n3,eu,1,4e-1\n4,us,0,0.60\r\n5,us,1,0.8\n6,eu,0,1e-3\n"
    static let pieces = ["<", ">", "</", "/>", "&", "&amp;", "&#;", "&#x110000;", "\"", "'", "=", "<![CDATA[", "]]>", "<!--", "-->", "<?", "?>",
                         "<testcase>", "</testsuite>", ",", "\n", "\r\n", "\"\"", "nan", "inf", "-", "1e999", "0.5", "\u{0}", "é", "🚀", "  "]

    func mutate(_ text: String, random: inout SeededRandom) -> String {
        var bytes = Array(text.utf8)
        for _ in 0..<(1 + random.below(4)) {
            let at = random.below(bytes.count + 1)
            switch random.below(4) {
            case 0 where !bytes.isEmpty: bytes[min(at, bytes.count - 1)] = UInt8(truncatingIfNeeded: random.next())
            case 1: bytes.insert(contentsOf: Array(Self.pieces[random.below(Self.pieces.count)].utf8), at: at)
            case 2 where !bytes.isEmpty:
                let start = min(at, bytes.count - 1)
                bytes.removeSubrange(start..<min(bytes.count, start + random.below(30)))
            default:
                let start = min(at, max(bytes.count - 1, 0))
                let piece = bytes[start..<min(bytes.count, start + random.below(80))]
                bytes.insert(contentsOf: Array(piece), at: random.below(bytes.count + 1))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mlgate-fuzz-checks-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("test reports: 3,000 mutations give a result or a refusal at file:line:col, in time")
    func reports() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var random = SeededRandom(state: 10)
        var refused = 0
        for round in 0..<3000 {
            let text = mutate(Self.report, random: &random)
            try text.write(toFile: dir + "/r.xml", atomically: false, encoding: .utf8)
            var thresholds = TestsCheck.Thresholds()
            thresholds.minTests = 0
            let started = ContinuousClock.now
            do {
                _ = try TestsCheck(name: "t", reports: ["r.xml"], thresholds: thresholds, model: nil).run(in: dir, commit: Self.commit)
            } catch {
                refused += 1
                let located = error.description.range(of: #"r\.xml:\d+:\d+: "#, options: .regularExpression) != nil
                #expect(located, "round \(round): \(error.description)\n\(text)")
            }
            #expect(ContinuousClock.now - started < .seconds(1), "round \(round) took too long:\n\(text)")
        }
        #expect(refused > 300, "the mutations should break many reports: \(refused)")
    }

    @Test("prediction files: 3,000 mutations give metrics or a refusal naming the row, in time")
    func predictions() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var random = SeededRandom(state: 11)
        var refused = 0
        for round in 0..<3000 {
            let text = mutate(Self.predictions, random: &random)
            try text.write(toFile: dir + "/p.csv", atomically: false, encoding: .utf8)
            var options = MetricsCheck.Options(name: "m")
            options.predictions = "p.csv"
            options.label = "label"
            options.score = "score"
            options.slice = round % 2 == 0 ? "region" : nil
            options.id = "id"
            options.rules = round % 2 == 0 ? ["per_slice(recall) >= 0.5"] : ["roc_auc >= 0.5"]
            let started = ContinuousClock.now
            do {
                let result = try MetricsCheck(options).run(in: dir, commit: Self.commit, champion: nil)
                let finite = result.measurements.values.allSatisfy { $0.isFinite }
                #expect(finite)
            } catch {
                refused += 1
                let located = error.description.contains("p.csv: row ") || error.description.contains("no column")
                    || error.description.contains("has no rows") || error.description.contains("empty")
                #expect(located, "round \(round): \(error.description)\n\(text)")
            }
            #expect(ContinuousClock.now - started < .seconds(1), "round \(round) took too long:\n\(text)")
        }
        #expect(refused > 300, "the mutations should break many files: \(refused)")
    }

    @Test("data files against a contract: 3,000 mutations give a result or a refusal naming the row, in time")
    func dataFiles() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let contract = try DataContract.decode("""
            columns:
              - { name: id, type: int, unique: true }
              - { name: region, in: [eu, "us, east", us], regex: '^[a-z, ]+$' }
              - { name: label, type: int, nullable: false }
              - { name: score, type: float, min: 0, max: 1, mostly: 0.8 }
            rows: { min: 1 }
            unique: [[id, region]]
            """, file: "c.yml")
        var random = SeededRandom(state: 13)
        for round in 0..<3000 {
            let text = mutate(Self.predictions, random: &random)
            try text.write(toFile: dir + "/p.csv", atomically: false, encoding: .utf8)
            var options = DataCheck.Options(name: "d", contract: contract)
            options.files = ["p.csv"]
            let started = ContinuousClock.now
            do {
                _ = try DataCheck(options).run(in: dir, commit: Self.commit)
            } catch {
                #expect(error.description.contains("p.csv: row "), "round \(round): \(error.description)\n\(text)")
            }
            #expect(ContinuousClock.now - started < .seconds(1), "round \(round) took too long:\n\(text)")
        }
    }

    @Test("rules: 5,000 mutations parse or are refused with the forms, never crash")
    func rules() {
        var random = SeededRandom(state: 12)
        let seeds = ["roc_auc >= 0.85", "f1 >= champion - 0.01", "recall >= champion * 0.98", "non_inferior(roc_auc, 0.01)",
                     "superior(f1)", "per_slice(recall) >= 0.7", "latency_p95_ms <= 50"]
        for _ in 0..<5000 {
            let text = mutate(seeds[random.below(seeds.count)], random: &random)
            do { _ = try MetricRule(text) } catch {
                #expect(error.description.contains("write METRIC >= NUMBER"), "\(error.description)")
            }
        }
    }
}

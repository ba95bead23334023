import Foundation

/// `mlgate check tests`: test reports (JUnit/xUnit XML) against thresholds. A report with
/// no tests fails unless `minTests` is 0; a report that cannot be read is an error.
public struct TestsCheck: Sendable {
    /// What the tests must meet.
    public struct Thresholds: Sendable {
        /// Failed plus errored tests allowed.
        public var maxFailures: Int = 0
        /// Passed ÷ (tests − skipped), at least.
        public var minPassRate: Double?
        public var maxSkipped: Int?
        public var minTests: Int = 1

        public init() {}
    }

    public let name: String
    /// Report files or patterns (`reports/**/*.xml`).
    public let reports: [String]
    public let thresholds: Thresholds
    public let model: String?

    public init(name: String, reports: [String], thresholds: Thresholds, model: String?) {
        (self.name, self.reports, self.thresholds, self.model) = (name, reports, thresholds, model)
    }

    /// Reads the reports (paths relative to `directory`) and decides. A report that is
    /// missing or malformed throws, naming the file and line.
    public func run(in directory: String, commit: String) throws(CheckFailure) -> CheckResult {
        let started = Date()
        let clock = ContinuousClock.now
        var files: [String] = []
        for pattern in reports {
            let expanded = FileGlob.expand(pattern, in: directory)
            if expanded.isEmpty || (expanded == [pattern] && !FileManager.default.fileExists(atPath: Self.absolute(pattern, in: directory))) {
                throw CheckFailure("no test report at \(pattern); run the tests with a JUnit report (pytest --junitxml=\(pattern)) or fix the path")
            }
            files += expanded
        }
        var report = JUnitReport()
        var inputs: [CheckResult.Input] = []
        for file in files {
            let path = Self.absolute(file, in: directory)
            // Mapped, not copied: reports can be tens of megabytes.
            guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else {
                throw CheckFailure("cannot read the test report \(file)")
            }
            do { try report.read(data, file: file) } catch { throw CheckFailure("malformed test report \(error.description)") }
            inputs.append(.init(path: file, sha256: CheckResult.sha256(of: data)))
        }

        let failed = report.count(.failed), errored = report.count(.errored), skipped = report.count(.skipped)
        let passed = report.count(.passed)
        let executed = report.total - skipped
        let passRate = executed > 0 ? Double(passed) / Double(executed) : 0
        var rules: [CheckResult.Rule] = []
        func rule(_ text: String, _ metric: String, _ value: Double, _ comparison: String, _ bound: Double) {
            let ok = comparison == "<=" ? value <= bound : value >= bound
            rules.append(.init(rule: text, metric: metric, value: value, comparison: comparison, threshold: bound,
                               verdict: ok ? .pass : .fail,
                               message: "\(metric) \(Measurement.format(value)) \(ok ? "" : "not ")\(comparison) \(Measurement.format(bound))"))
        }
        rule("tests >= \(thresholds.minTests)", "tests", Double(report.total), ">=", Double(thresholds.minTests))
        rule("failures <= \(thresholds.maxFailures)", "failures", Double(failed + errored), "<=", Double(thresholds.maxFailures))
        if let rate = thresholds.minPassRate { rule("pass_rate >= \(Measurement.format(rate))", "pass_rate", passRate, ">=", rate) }
        if let most = thresholds.maxSkipped { rule("skipped <= \(most)", "skipped", Double(skipped), "<=", Double(most)) }

        let findings = report.cases.lazy.filter { $0.outcome == .failed || $0.outcome == .errored }.prefix(100).map {
            CheckResult.Finding(severity: "error", rule: $0.outcome == .failed ? "test-failed" : "test-errored",
                                message: $0.name + ($0.message.map { ": " + $0.prefix(300) } ?? ""), location: $0.file)
        }
        let failing = rules.filter { $0.verdict != .pass }
        var summary = "\(report.total) tests: \(passed) passed, \(failed) failed, \(errored) errors, \(skipped) skipped"
        if !failing.isEmpty { summary += "; " + failing.map(\.message).joined(separator: "; ") }
        let elapsed = ContinuousClock.now - clock
        return CheckResult(
            check: name, kind: .tests, status: failing.isEmpty ? .pass : .fail, summary: summary,
            measurements: ["tests": Double(report.total), "passed": Double(passed), "failed": Double(failed),
                           "errors": Double(errored), "skipped": Double(skipped), "pass_rate": passRate],
            findings: Array(findings), inputs: inputs, commit: commit, model: model,
            startedAt: Timestamp.text(started), durationMs: Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000),
            rules: rules)
    }

    static func absolute(_ path: String, in directory: String) -> String {
        path.hasPrefix("/") ? path : directory + "/" + path
    }
}

/// Input a check cannot use (a missing or malformed file, a bad rule): exit 2, with what to do.
public struct CheckFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Number formatting shared by check messages.
enum Measurement {
    /// Up to 4 decimals, no trailing zeros (0.8125, 3, 0.0001).
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        var text = String(format: "%.4f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}

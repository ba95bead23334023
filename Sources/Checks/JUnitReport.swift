import Foundation

/// A JUnit/xUnit XML test report, as pytest (`--junitxml`), `swift test --xunit-output`,
/// jest-junit and Maven Surefire write it: `testsuites` (possibly nested) of `testsuite`s of
/// `testcase`s, each passed or with a `failure`, an `error` or `skipped`. Totals are counted
/// from the test cases, not taken from the suites' attributes (which writers fill unevenly).
public struct JUnitReport: Sendable {
    public enum Outcome: String, Sendable { case passed, failed, errored, skipped }

    /// One test case that did not pass.
    public struct TestCase: Sendable {
        /// `classname.name` (or `name` alone).
        public let name: String
        public let outcome: Outcome
        /// The failure's, error's or skip's message (its attribute, else its text's first line).
        public let message: String?
        public let seconds: Double?
        /// The report it came from.
        public let file: String
    }

    /// A report that is not XML a reader can trust, with where.
    public struct Malformed: Error, CustomStringConvertible {
        public let file: String
        public let line: Int
        public let column: Int
        public let message: String
        public var description: String { "\(file):\(line):\(column): \(message)" }
    }

    /// The test cases that did not pass (failed, errored or skipped), in report order.
    public private(set) var cases: [TestCase] = []
    private var counts: [Outcome: Int] = [:]

    public init() {}

    public var total: Int { counts.values.reduce(0, +) }
    public func count(_ outcome: Outcome) -> Int { counts[outcome] ?? 0 }

    /// Adds the test cases of the report `text` (read from `file`).
    public mutating func read(_ data: Data, file: String) throws(Malformed) {
        var collector = Collector(file: file)
        let scanned: Result<Void, XMLScanner.Failure> = data.withUnsafeBytes { bytes in
            do throws(XMLScanner.Failure) {
                try XMLScanner.scan(bytes, into: &collector)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        if case .failure(let failure) = scanned {
            let (line, column) = data.withUnsafeBytes { XMLScanner.position(of: failure.offset, in: $0) }
            throw Malformed(file: file, line: line, column: column, message: failure.message)
        }
        guard collector.sawSuite else {
            throw Malformed(file: file, line: 1, column: 1, message: "no <testsuite> or <testsuites>: this is not a JUnit report")
        }
        cases += collector.cases
        for (outcome, n) in collector.counts { counts[outcome, default: 0] += n }
    }

    /// Collects test cases while the scanner walks a report. A passing test is only
    /// counted: its name is read only when it did not pass.
    private struct Collector: XMLScanner.Handler {
        let file: String
        var cases: [TestCase] = []
        var counts: [Outcome: Int] = [:]
        var sawSuite = false
        // The test case being read: where its name, class name and time are.
        var current: (name: Range<Int>?, classname: Range<Int>?, time: Range<Int>?, document: XMLScanner.Document)?
        var outcome: Outcome = .passed
        var message: String?
        var collectingText = false
        var text = ""

        init(file: String) { self.file = file }

        var wantsText: Bool { collectingText }

        mutating func start(_ name: XMLScanner.Name, attributes: XMLScanner.Attributes) {
            if name.is("testcase") {
                current = (attributes.range("name"), attributes.range("classname"), attributes.range("time"), attributes.document)
                outcome = .passed
                message = nil
            } else if name.is("failure") || name.is("error") || name.is("skipped") {
                guard current != nil else { return }
                // The first failure, error or skip decides (Surefire's rerun elements do not).
                let found: Outcome = name.is("failure") ? .failed : name.is("error") ? .errored : .skipped
                if outcome == .passed || (outcome == .skipped && found != .skipped) {
                    outcome = found
                    message = attributes.value("message")
                    if message?.isEmpty ?? true {
                        message = nil
                        collectingText = true
                        text = ""
                    }
                }
            } else if name.is("testsuite") || name.is("testsuites") {
                sawSuite = true
            }
        }

        mutating func end(_ name: XMLScanner.Name) {
            if name.is("testcase") {
                if let current {
                    counts[outcome, default: 0] += 1
                    if outcome != .passed {
                        let base = current.name.flatMap { current.document.text(at: $0) } ?? "(unnamed)"
                        let classname = current.classname.flatMap { current.document.text(at: $0) }
                        let qualified = classname.map { $0.isEmpty ? base : $0 + "." + base } ?? base
                        cases.append(TestCase(name: qualified, outcome: outcome, message: message,
                                              seconds: current.time.flatMap { current.document.text(at: $0) }.flatMap(Double.init), file: file))
                    }
                }
                current = nil
            } else if collectingText, name.is("failure") || name.is("error") || name.is("skipped") {
                collectingText = false
                let first = text.split(whereSeparator: \.isNewline).first { !$0.allSatisfy(\.isWhitespace) }
                message = first.map { String($0).trimmingCharacters(in: .whitespaces) }
            }
        }

        mutating func text(_ text: String) {
            if self.text.utf8.count < 4096 { self.text += text }
        }
    }
}

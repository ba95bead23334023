import Foundation

/// A JUnit/xUnit XML test report, as pytest (`--junitxml`), `swift test --xunit-output`,
/// jest-junit and Maven Surefire write it: `testsuites` (possibly nested) of `testsuite`s of
/// `testcase`s, each passed or with a `failure`, an `error` or `skipped`. Totals are counted
/// from the test cases, not taken from the suites' attributes (which writers fill unevenly).
public struct JUnitReport: Sendable {
    public enum Outcome: String, Sendable { case passed, failed, errored, skipped }

    /// One test case.
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

    public private(set) var cases: [TestCase] = []

    public init() {}

    public var total: Int { cases.count }
    public func count(_ outcome: Outcome) -> Int { cases.reduce(0) { $0 + ($1.outcome == outcome ? 1 : 0) } }

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
    }

    /// Collects test cases while the scanner walks a report.
    private struct Collector: XMLScanner.Handler {
        let file: String
        var cases: [TestCase] = []
        var sawSuite = false
        // The test case being read.
        var current: (name: String, seconds: Double?)?
        var outcome: Outcome = .passed
        var message: String?
        var collectingText = false
        var text = ""

        init(file: String) { self.file = file }

        var wantsText: Bool { collectingText }

        mutating func start(_ name: String, attributes: [(String, String)]) {
            switch name {
            case "testsuite", "testsuites":
                sawSuite = true
            case "testcase":
                func attribute(_ key: String) -> String? { attributes.first { $0.0 == key }?.1 }
                let base = attribute("name") ?? "(unnamed)"
                let qualified = attribute("classname").map { $0.isEmpty ? base : $0 + "." + base } ?? base
                current = (qualified, attribute("time").flatMap(Double.init))
                outcome = .passed
                message = nil
            case "failure", "error", "skipped":
                guard current != nil else { return }
                // The first failure, error or skip decides (Surefire's rerun elements do not).
                let found: Outcome = name == "failure" ? .failed : name == "error" ? .errored : .skipped
                if outcome == .passed || (outcome == .skipped && found != .skipped) {
                    outcome = found
                    message = attributes.first { $0.0 == "message" }?.1
                    if message?.isEmpty ?? true {
                        message = nil
                        collectingText = true
                        text = ""
                    }
                }
            default:
                break
            }
        }

        mutating func end(_ name: String) {
            switch name {
            case "testcase":
                if let current {
                    cases.append(TestCase(name: current.name, outcome: outcome, message: message, seconds: current.seconds, file: file))
                }
                current = nil
            case "failure", "error", "skipped":
                if collectingText {
                    collectingText = false
                    let first = text.split(whereSeparator: \.isNewline).first { !$0.allSatisfy(\.isWhitespace) }
                    message = first.map { String($0).trimmingCharacters(in: .whitespaces) }
                }
            default:
                break
            }
        }

        mutating func text(_ text: String) {
            if self.text.utf8.count < 4096 { self.text += text }
        }
    }
}

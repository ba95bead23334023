import Foundation

extension CheckResult {
    /// The result as a JUnit report, so CI test views show gate results: a `testsuite` named
    /// after the check, one `testcase` per rule (a `failure` when it failed, an `error` when
    /// it could not be decided), or one for the whole check when it applied no rules.
    public var junitXML: String { Self.junitXML([self]) }

    /// Several results as one JUnit report, a `testsuite` each.
    public static func junitXML(_ results: [CheckResult]) -> String {
        func escape(_ text: String) -> String {
            var out = ""
            for c in text.unicodeScalars {
                switch c {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                case "\n": out += "&#10;"
                default:
                    // Characters XML 1.0 cannot hold are dropped.
                    if c.value >= 0x20 || c == "\t" || c == "\r" { out.unicodeScalars.append(c) }
                }
            }
            return out
        }
        struct Case { let name: String; let status: Status; let message: String }
        var suites = ""
        var allCases = 0, allFailures = 0, allErrors = 0
        for result in results {
            let cases: [Case] = result.rules.isEmpty
                ? [Case(name: result.check, status: result.status, message: result.summary)]
                : result.rules.map { rule in Case(name: rule.slice.map { "\(rule.rule) [\($0)]" } ?? rule.rule, status: rule.verdict, message: rule.message) }
            let failures = cases.filter { $0.status == .fail }.count
            let errors = cases.filter { $0.status == .error }.count
            allCases += cases.count
            allFailures += failures
            allErrors += errors
            suites += "  <testsuite name=\"\(escape(result.check))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"0\" time=\"\(Double(result.durationMs) / 1000)\" timestamp=\"\(escape(result.startedAt))\">\n"
            let classname = escape("mlgate." + result.kind.rawValue + "." + result.check)
            for c in cases {
                suites += "    <testcase classname=\"\(classname)\" name=\"\(escape(c.name))\""
                switch c.status {
                case .pass, .warn: suites += ">\(c.status == .warn ? "<system-out>\(escape(c.message))</system-out>" : "")</testcase>\n"
                case .fail: suites += "><failure message=\"\(escape(c.message))\" type=\"gate\"/></testcase>\n"
                case .error: suites += "><error message=\"\(escape(c.message))\" type=\"gate\"/></testcase>\n"
                }
            }
            suites += "  </testsuite>\n"
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"mlgate\" tests=\"\(allCases)\" failures=\"\(allFailures)\" errors=\"\(allErrors)\">\n"
            + suites + "</testsuites>\n"
    }
}

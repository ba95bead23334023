import Foundation

extension CheckResult {
    /// The result as a JUnit report, so CI test views show gate results: a `testsuite` named
    /// after the check, one `testcase` per rule (a `failure` when it failed, an `error` when
    /// it could not be decided), or one for the whole check when it applied no rules.
    public var junitXML: String {
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
        let cases: [Case] = rules.isEmpty
            ? [Case(name: check, status: status, message: summary)]
            : rules.map { rule in Case(name: rule.slice.map { "\(rule.rule) [\($0)]" } ?? rule.rule, status: rule.verdict, message: rule.message) }
        let failures = cases.filter { $0.status == .fail }.count
        let errors = cases.filter { $0.status == .error }.count
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"mlgate\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
        xml += "  <testsuite name=\"\(escape(check))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"0\" time=\"\(Double(durationMs) / 1000)\" timestamp=\"\(escape(startedAt))\">\n"
        let classname = escape("mlgate." + kind.rawValue + "." + check)
        for c in cases {
            xml += "    <testcase classname=\"\(classname)\" name=\"\(escape(c.name))\""
            switch c.status {
            case .pass, .warn: xml += ">\(c.status == .warn ? "<system-out>\(escape(c.message))</system-out>" : "")</testcase>\n"
            case .fail: xml += "><failure message=\"\(escape(c.message))\" type=\"gate\"/></testcase>\n"
            case .error: xml += "><error message=\"\(escape(c.message))\" type=\"gate\"/></testcase>\n"
            }
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }
}

/// POSIX cron syntax as GitHub's `schedule` accepts it: five fields (minute, hour, day of
/// month, month, day of week), each `*`, numbers, ranges `a-b`, lists `a,b`, steps `*/n`
/// or `a-b/n`; months and days may be written as names (JAN, MON).
enum Cron {
    private static let fields: [(name: String, range: ClosedRange<Int>, names: [String])] = [
        ("minute", 0...59, []), ("hour", 0...23, []), ("day of month", 1...31, []),
        ("month", 1...12, ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]),
        ("day of week", 0...6, ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]),
    ]

    /// What is wrong with `expression`, or nil when it is valid.
    static func problem(in expression: String) -> String? {
        let parts = expression.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard parts.count == 5 else { return "expected 5 fields (minute hour day-of-month month day-of-week), found \(parts.count)" }
        for (part, field) in zip(parts, fields) {
            for item in part.split(separator: ",", omittingEmptySubsequences: false) {
                if let problem = check(String(item), field) { return problem }
            }
        }
        return nil
    }

    private static func check(_ item: String, _ field: (name: String, range: ClosedRange<Int>, names: [String])) -> String? {
        var body = Substring(item)
        if let slash = body.firstIndex(of: "/") {
            let step = body[body.index(after: slash)...]
            guard let n = Int(step), n > 0 else { return "step '\(step)' in the \(field.name) field must be a positive number" }
            body = body[..<slash]
        }
        if body == "*" { return nil }
        let bounds = body.split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count <= 2, !bounds.isEmpty else { return "'\(item)' is not a value or range for the \(field.name) field" }
        var values: [Int] = []
        for bound in bounds {
            let upper = bound.uppercased()
            if let index = field.names.firstIndex(of: upper) {
                values.append(index + field.range.lowerBound)
            } else if let n = Int(bound), field.range.contains(n) || (field.name == "day of week" && n == 7) {
                values.append(n)
            } else {
                return "'\(bound)' is out of range for the \(field.name) field (\(field.range.lowerBound)-\(field.range.upperBound))"
            }
        }
        if values.count == 2, values[0] > values[1] { return "range '\(body)' in the \(field.name) field runs backwards" }
        return nil
    }
}

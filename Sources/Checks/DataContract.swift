import Foundation
import YAMLSource

/// What a data file must hold (`mlgate check data --contract FILE`): its columns, each
/// value's type and bounds, keys that must be unique, how many rows, and how fresh. The
/// checks Great Expectations, pandera and Deequ are used for most. Every rule has a
/// severity (`error` fails the check, `warn` only warns) and `mostly`, the fraction of the
/// non-null values that must hold (1 by default).
///
/// ```yaml
/// columns:
///   - name: id
///     type: int
///     nullable: false
///     unique: true
///   - name: amount
///     type: float
///     min: 0
///     max: 10000
///     mostly: 0.99
///   - name: country
///     in: [US, DE, FR]
///     severity: warn
///   - name: created
///     type: timestamp
///     format: "%Y-%m-%dT%H:%M:%S"
/// ordered: true          # the columns in this order
/// strict: false          # no columns besides these
/// rows: { min: 1, max: 1000000 }
/// unique: [[id, country]]
/// freshness: { column: created, max_age: 2d }
/// ```
public struct DataContract: Sendable {
    public enum ValueType: String, Sendable, CaseIterable { case int, float, bool, string, date, timestamp }
    public enum Severity: String, Sendable { case error, warn }

    /// One column's rules.
    public struct Column: Sendable {
        public var name: String
        public var type: ValueType?
        /// strptime format for date and timestamp (default ISO 8601).
        public var format: String?
        public var nullable = true
        public var unique = false
        public var min: Double?
        public var max: Double?
        public var allowed: [String]?
        public var pattern: String?
        public var minLength: Int?
        public var maxLength: Int?
        public var mostly = 1.0
        public var severity = Severity.error
    }

    public var columns: [Column] = []
    public var ordered = false
    public var strict = false
    public var minRows: Int?
    public var maxRows: Int?
    public var rowSeverity = Severity.error
    /// Compound keys that must be unique.
    public var uniqueKeys: [[String]] = []
    public var freshnessColumn: String?
    public var maxAge: TimeInterval?
    public var freshnessSeverity = Severity.error

    /// Reads a contract, every problem reported at file:line:col.
    public static func decode(_ text: String, file: String) throws(SourceError) -> DataContract {
        guard let root = try YAMLNode.parse(text, file: file) else {
            throw SourceError([Diagnostic(SourceLocation(file: file, line: 1, column: 1), "the contract is empty; it needs 'columns:'")])
        }
        return try decode(root)
    }

    /// Reads a contract from a YAML node (a file's root, or `contract:` inline in mlgate.yml).
    public static func decode(_ root: YAMLNode) throws(SourceError) -> DataContract {
        var reader = Reader()
        let contract = reader.contract(root)
        guard reader.diagnostics.isEmpty else { throw SourceError(reader.diagnostics) }
        return contract
    }

    private struct Reader: YAMLReader {
        var diagnostics: [Diagnostic] = []

        mutating func severity(_ node: YAMLNode?) -> Severity {
            guard let node else { return .error }
            guard let text = string(node, "severity"), let value = Severity(rawValue: text) else {
                report(node, "severity is error or warn")
                return .error
            }
            return value
        }

        mutating func number(_ node: YAMLNode, _ what: String) -> Double? {
            guard let text = node.scalar, let value = Double(text), value.isFinite else {
                report(node, "'\(what)' must be a number")
                return nil
            }
            return value
        }

        mutating func contract(_ root: YAMLNode) -> DataContract {
            var contract = DataContract()
            guard let map = mapping(root, "the contract", keys: ["columns", "ordered", "strict", "rows", "unique", "freshness", "description"]) else { return contract }
            if let node = map["columns"] {
                if case .sequence(let items) = node.content {
                    var seen = Set<String>()
                    for item in items {
                        guard let column = column(item) else { continue }
                        if !seen.insert(column.name).inserted { report(item, "column '\(column.name)' is described twice") }
                        contract.columns.append(column)
                    }
                } else {
                    report(node, "'columns' must be a list of columns, each with a 'name'")
                }
            } else {
                report(root, "the contract needs 'columns:'")
            }
            if let node = map["ordered"] { contract.ordered = boolean(node, "ordered") }
            if let node = map["strict"] { contract.strict = boolean(node, "strict") }
            if let node = map["rows"], let rows = mapping(node, "rows", keys: ["min", "max", "severity"]) {
                contract.minRows = rows["min"].flatMap { integer($0, "min") }
                contract.maxRows = rows["max"].flatMap { integer($0, "max") }
                contract.rowSeverity = severity(rows["severity"])
            }
            let names = Set(contract.columns.map(\.name))
            if let node = map["unique"] {
                if case .sequence(let keys) = node.content {
                    for key in keys {
                        let columns = stringList(key, "a unique key")
                        for name in columns where !names.contains(name) { report(key, "unique key names '\(name)', which is not a column of the contract") }
                        if !columns.isEmpty { contract.uniqueKeys.append(columns) }
                    }
                } else {
                    report(node, "'unique' must be a list of keys, each a list of columns: [[id], [user, day]]")
                }
            }
            if let node = map["freshness"], let fresh = mapping(node, "freshness", keys: ["column", "max_age", "severity"]) {
                contract.freshnessColumn = fresh["column"].flatMap { string($0, "column") }
                if let name = contract.freshnessColumn, let column = contract.columns.first(where: { $0.name == name }),
                   column.type != .date && column.type != .timestamp {
                    report(fresh["column"]!, "freshness needs a date or timestamp column; '\(name)' is \(column.type?.rawValue ?? "untyped")")
                } else if let name = contract.freshnessColumn, !names.contains(name) {
                    report(fresh["column"]!, "freshness names '\(name)', which is not a column of the contract")
                }
                if let ageNode = fresh["max_age"] {
                    guard let text = ageNode.scalar, let age = Self.duration(text) else {
                        report(ageNode, "max_age is a duration such as 36h or 2d")
                        return contract
                    }
                    contract.maxAge = age
                } else {
                    report(node, "freshness needs 'max_age' (36h, 2d)")
                }
                contract.freshnessSeverity = severity(fresh["severity"])
            }
            return contract
        }

        mutating func column(_ node: YAMLNode) -> Column? {
            let keys = ["name", "type", "format", "nullable", "unique", "min", "max", "in", "regex", "min_length", "max_length",
                        "mostly", "severity", "description"]
            guard let map = mapping(node, "a column", keys: keys) else { return nil }
            guard let nameNode = map["name"], let name = string(nameNode, "name"), !name.isEmpty else {
                report(node, "a column needs a 'name'")
                return nil
            }
            var column = Column(name: name)
            if let typeNode = map["type"] {
                if let text = string(typeNode, "type"), let type = ValueType(rawValue: text) { column.type = type } else {
                    report(typeNode, "unknown type '\(typeNode.scalar ?? "")'; use \(ValueType.allCases.map(\.rawValue).joined(separator: ", "))")
                }
            }
            if let node = map["format"] {
                column.format = string(node, "format")
                if column.type != .date && column.type != .timestamp { report(node, "'format' applies to date and timestamp columns") }
            }
            if let node = map["nullable"] { column.nullable = boolean(node, "nullable") }
            if let node = map["unique"] { column.unique = boolean(node, "unique") }
            if let node = map["min"] { column.min = number(node, "min") }
            if let node = map["max"] { column.max = number(node, "max") }
            if let min = column.min, let max = column.max, min > max { report(node, "column '\(name)' has min \(min) above max \(max)") }
            if (column.min != nil || column.max != nil), let type = column.type, ![.int, .float, .date, .timestamp].contains(type) {
                report(map["min"] ?? map["max"]!, "min and max apply to int, float, date and timestamp columns")
            }
            if let node = map["in"] { column.allowed = stringList(node, "in") }
            if let node = map["regex"], let pattern = string(node, "regex") {
                if RegexMatcher(pattern) == nil { report(node, "'\(pattern)' is not a valid POSIX extended regular expression") } else { column.pattern = pattern }
            }
            if let node = map["min_length"] { column.minLength = integer(node, "min_length") }
            if let node = map["max_length"] { column.maxLength = integer(node, "max_length") }
            if let node = map["mostly"] {
                if let value = number(node, "mostly"), (0...1).contains(value) { column.mostly = value } else { report(node, "'mostly' is a fraction from 0 to 1") }
            }
            column.severity = severity(map["severity"])
            return column
        }

        /// `30s`, `15m`, `36h`, `2d`, `1w`.
        static func duration(_ text: String) -> TimeInterval? {
            guard let unit = text.last, let value = Double(text.dropLast()), value >= 0, value <= 3650 * 86_400 else { return nil }
            switch unit {
            case "s": return value
            case "m": return value * 60
            case "h": return value * 3600
            case "d": return value * 86_400
            case "w": return value * 7 * 86_400
            default: return nil
            }
        }
    }
}

/// A POSIX extended regular expression (regcomp), matched against a whole value only where
/// the pattern anchors it, as `grep -E` does. Patterns in the common subset run as a DFA
/// (`RegexDFA`); the others, or one whose DFA outgrows its budget, through regexec. Used by
/// one thread at a time.
final class RegexMatcher: @unchecked Sendable {
    private var compiled = regex_t()
    private let dfa: RegexDFA?

    init?(_ pattern: String) {
        guard regcomp(&compiled, pattern, REG_EXTENDED | REG_NOSUB) == 0 else { return nil }
        dfa = RegexDFA(pattern)
    }

    deinit { regfree(&compiled) }

    func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if let dfa, let matched = dfa.matches(bytes) { return matched }
        return regexMatches(bytes)
    }

    /// regexec on the bytes as they are (REG_STARTEND: a NUL inside does not end the value).
    func regexMatches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var range = regmatch_t(rm_so: 0, rm_eo: regoff_t(bytes.count))
        guard let base = bytes.baseAddress else {
            return regexec(&compiled, "", 1, &range, 0) == 0
        }
        return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { text in
            regexec(&compiled, text, 1, &range, REG_STARTEND) == 0
        }
    }
}

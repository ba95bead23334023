#if canImport(Glibc)
import Glibc
#endif
import Foundation
internal import CProcess

/// `mlgate check data`: data files (CSV or JSON Lines, gzip or not) against a contract, in
/// one streaming pass: memory holds the rules' counts, a few sample rows each, and 128-bit
/// hashes for uniqueness, never the rows.
public struct DataCheck: Sendable {
    public enum Format: String, Sendable { case csv, jsonl }

    public struct Options: Sendable {
        public var name: String
        public var model: String?
        public var contract: DataContract
        /// Where the contract came from, recorded as an input when it is a file.
        public var contractFile: String?
        public var files: [String] = []
        public var delimiter: UInt8 = 0x2C
        /// nil: from the file name (`.jsonl`, `.ndjson`, with or without `.gz`, are JSON Lines).
        public var format: Format?
        /// Sample rows kept per failing rule.
        public var samples = 5
        /// The time freshness is measured from.
        public var now = Date()

        public init(name: String, contract: DataContract) {
            self.name = name
            self.contract = contract
        }
    }

    public let options: Options

    public init(_ options: Options) { self.options = options }

    /// One rule's tally.
    final class Tally {
        let column: String
        let rule: String
        let description: String
        let severity: DataContract.Severity
        let mostly: Double
        var evaluated = 0
        var failed = 0
        var samples: [String] = []

        init(column: String, rule: String, description: String, severity: DataContract.Severity, mostly: Double = 1) {
            (self.column, self.rule, self.description, self.severity, self.mostly) = (column, rule, description, severity, mostly)
        }

        func record(_ ok: Bool, sample: @autoclosure () -> String, keep: Int) {
            evaluated += 1
            guard !ok else { return }
            failed += 1
            if samples.count < keep { samples.append(sample()) }
        }

        var holds: Bool { evaluated == 0 || Double(evaluated - failed) / Double(evaluated) >= mostly - 1e-12 }
    }

    /// A column's compiled rules.
    struct ColumnRules {
        let column: DataContract.Column
        var null: Tally?
        var type: Tally?
        var range: Tally?
        var allowed: (Tally, [UInt128: [UInt8]])?
        var pattern: (Tally, RegexMatcher)?
        var length: Tally?
        var unique: (Tally, Set<UInt128>)?
    }

    public func run(in directory: String, commit: String) throws(CheckFailure) -> CheckResult {
        let started = Date()
        let clock = ContinuousClock.now
        let contract = options.contract
        let keep = options.samples
        var inputs: [CheckResult.Input] = []
        if let file = options.contractFile {
            inputs.append(.init(path: file, sha256: CheckResult.sha256(ofFile: Self.absolute(file, in: directory)) ?? ""))
        }
        guard !options.files.isEmpty else { throw CheckFailure("give the data files to check, e.g. mlgate check data \(options.name) --contract contract.yml data/train.csv") }

        // File-level rules.
        let schema = Tally(column: "(file)", rule: "columns", description: "the contract's columns\(contract.ordered ? ", in order" : "")\(contract.strict ? ", and no others" : "")", severity: .error)
        let malformed = Tally(column: "(file)", rule: "rows-readable", description: "every row has the header's fields and valid UTF-8", severity: .error)
        var rules: [ColumnRules] = contract.columns.map { column in
            var r = ColumnRules(column: column)
            if !column.nullable { r.null = Tally(column: column.name, rule: "not-null", description: "no empty values", severity: column.severity, mostly: column.mostly) }
            if let type = column.type { r.type = Tally(column: column.name, rule: "type", description: "values are \(type.rawValue)\(column.format.map { " (\($0))" } ?? "")", severity: column.severity, mostly: column.mostly) }
            if column.min != nil || column.max != nil {
                r.range = Tally(column: column.name, rule: "range", description: "values within [\(column.min.map(Measurement.format) ?? "−∞"), \(column.max.map(Measurement.format) ?? "∞")]", severity: column.severity, mostly: column.mostly)
            }
            if let allowed = column.allowed { r.allowed = (Tally(column: column.name, rule: "in", description: "values in {\(allowed.prefix(8).joined(separator: ", "))\(allowed.count > 8 ? ", …" : "")}", severity: column.severity, mostly: column.mostly),
                                                      Dictionary(allowed.map { text in let bytes = Array(text.utf8); return (bytes.withUnsafeBufferPointer { Self.hash($0) }, bytes) },
                                                                 uniquingKeysWith: { a, _ in a })) }
            if let pattern = column.pattern, let matcher = RegexMatcher(pattern) {
                r.pattern = (Tally(column: column.name, rule: "regex", description: "values match /\(pattern)/", severity: column.severity, mostly: column.mostly), matcher)
            }
            if column.minLength != nil || column.maxLength != nil {
                r.length = Tally(column: column.name, rule: "length", description: "lengths within [\(column.minLength ?? 0), \(column.maxLength.map(String.init) ?? "∞")]", severity: column.severity, mostly: column.mostly)
            }
            if column.unique { r.unique = (Tally(column: column.name, rule: "unique", description: "no value twice", severity: column.severity, mostly: column.mostly), []) }
            return r
        }
        var compound: [(columns: [Int], tally: Tally, seen: Set<UInt128>)] = contract.uniqueKeys.map { key in
            (key.compactMap { name in contract.columns.firstIndex { $0.name == name } },
             Tally(column: key.joined(separator: "+"), rule: "unique", description: "no (\(key.joined(separator: ", "))) twice", severity: .error), [])
        }
        var rowCount = 0
        var newest: Double?
        let freshnessIndex = contract.freshnessColumn.flatMap { name in contract.columns.firstIndex { $0.name == name } }
        let keyColumns = Set(contract.uniqueKeys.flatMap { $0 })
        let needed = rules.enumerated().map { index, r in
            r.null != nil || r.type != nil || r.range != nil || r.allowed != nil || r.pattern != nil || r.length != nil || r.unique != nil
                || keyColumns.contains(r.column.name) || index == freshnessIndex
        }

        for file in options.files {
            let path = Self.absolute(file, in: directory)
            inputs.append(.init(path: file, sha256: CheckResult.sha256(ofFile: path) ?? ""))
            let format = options.format ?? (Self.isJSONLines(file) ? .jsonl : .csv)
            // Which field holds each contract column, per file.
            var position: [Int?] = []
            func checkHeader(_ names: [String]) {
                position = contract.columns.map { column in names.firstIndex(of: column.name) }
                let missing = contract.columns.enumerated().filter { position[$0.offset] == nil }.map(\.element.name)
                let extra = names.filter { name in !contract.columns.contains { $0.name == name } }
                var problems: [String] = []
                if !missing.isEmpty { problems.append("missing \(missing.joined(separator: ", "))") }
                if contract.strict, !extra.isEmpty { problems.append("not in the contract: \(extra.joined(separator: ", "))") }
                if contract.ordered, missing.isEmpty {
                    let order = contract.columns.compactMap { c in names.firstIndex(of: c.name) }
                    if order != order.sorted() { problems.append("out of order: \(names.filter { n in contract.columns.contains { $0.name == n } }.joined(separator: ", "))") }
                }
                schema.record(problems.isEmpty, sample: "\(file): " + problems.joined(separator: "; "), keep: keep)
            }
            // Applies every rule to one row's fields, as bytes (nil: null).
            func evaluate(_ values: UnsafeBufferPointer<UnsafeBufferPointer<UInt8>?>, row: Int, line: Int) {
                rowCount += 1
                // Where the row is, written only for a sample.
                var at: String { "\(file):\(line) (row \(row))" }
                func text(_ b: UnsafeBufferPointer<UInt8>) -> String { Self.quoted(String(decoding: b, as: UTF8.self)) }
                for index in rules.indices {
                    let value = values[index]
                    let name = rules[index].column.name
                    if let tally = rules[index].null { tally.record(value != nil, sample: "\(at): \(name) is empty", keep: keep) }
                    guard let value else { continue }
                    var number: Double?
                    if let tally = rules[index].type, let type = rules[index].column.type {
                        number = Self.parse(value, as: type, format: rules[index].column.format)
                        let ok = type == .string || number != nil
                        tally.record(ok, sample: "\(at): \(name) = \(text(value)) is not \(type.rawValue)", keep: keep)
                        if !ok { continue }
                    } else if rules[index].range != nil {
                        number = NumberParser.parse(value)
                    }
                    if let tally = rules[index].range {
                        let column = rules[index].column
                        let ok = number.map { x in (column.min.map { x >= $0 } ?? true) && (column.max.map { x <= $0 } ?? true) } ?? false
                        tally.record(ok, sample: "\(at): \(name) = \(text(value))", keep: keep)
                    }
                    if let (tally, allowed) = rules[index].allowed {
                        let ok = allowed[Self.hash(value)].map { $0.elementsEqual(value) } ?? false
                        tally.record(ok, sample: "\(at): \(name) = \(text(value))", keep: keep)
                    }
                    if let (tally, matcher) = rules[index].pattern {
                        tally.record(matcher.matches(value), sample: "\(at): \(name) = \(text(value))", keep: keep)
                    }
                    if let tally = rules[index].length {
                        // Characters as Python and pandas count them: Unicode scalars.
                        var count = 0
                        for byte in value where byte & 0xC0 != 0x80 { count += 1 }
                        let column = rules[index].column
                        tally.record(count >= (column.minLength ?? 0) && count <= (column.maxLength ?? .max),
                                     sample: "\(at): \(name) has \(count) characters", keep: keep)
                    }
                    if rules[index].unique != nil {
                        let inserted = rules[index].unique!.1.insert(Self.hash(value)).inserted
                        rules[index].unique!.0.record(inserted, sample: "\(at): \(name) = \(text(value)) again", keep: keep)
                    }
                    if index == freshnessIndex, let type = rules[index].column.type, let time = number ?? Self.parse(value, as: type, format: rules[index].column.format) {
                        newest = max(newest ?? time, time)
                    }
                }
                for k in compound.indices {
                    var parts: [UInt8] = []
                    for (n, column) in compound[k].columns.enumerated() {
                        if n > 0 { parts.append(0x1F) }
                        if let value = values[column] { parts.append(contentsOf: value) }
                    }
                    let inserted = parts.withUnsafeBufferPointer { compound[k].seen.insert(Self.hash($0)).inserted }
                    compound[k].tally.record(inserted, sample: "\(at): (\(String(decoding: parts.map { $0 == 0x1F ? 0x2C : $0 }, as: UTF8.self).replacingOccurrences(of: ",", with: ", "))) again", keep: keep)
                }
            }

            switch format {
            case .csv:
                var width = 0
                // Reused for every row: the fields' bytes, and room to unescape quoted ones.
                var fields = [UnsafeBufferPointer<UInt8>?](repeating: nil, count: rules.count)
                var scratch = [[UInt8]](repeating: [], count: rules.count)
                do {
                    try CSVReader(path: path, display: file, delimiter: options.delimiter, allowRagged: true).read(header: { names in
                        width = names.count
                        checkHeader(names)
                    }, row: { row in
                        guard row.count == width else {
                            malformed.record(false, sample: "\(file):\(row.line) (row \(row.number - 1), byte \(row.offset)): \(row.count) fields, but the header has \(width)", keep: keep)
                            return
                        }
                        // Every field must be UTF-8, read or not (a corrupt row is counted).
                        var invalid = false
                        for k in 0..<row.count where !Self.isValidUTF8(row.bytes(k)) { invalid = true; break }
                        if !invalid { fields.withUnsafeMutableBufferPointer { slots in
                            for (index, p) in position.enumerated() {
                                // A column no rule reads (nor a key, nor freshness) is not read.
                                guard let p, needed[index] else { slots[index] = nil; continue }
                                let field = row.unescapedBytes(p, scratch: &scratch[index])
                                slots[index] = field.isEmpty ? nil : field
                            }
                        } }
                        if invalid {
                            malformed.record(false, sample: "\(file):\(row.line) (row \(row.number - 1), byte \(row.offset)): invalid UTF-8", keep: keep)
                            return
                        }
                        malformed.record(true, sample: "", keep: keep)
                        fields.withUnsafeBufferPointer { evaluate($0, row: row.number - 1, line: row.line) }
                    })
                } catch let failure as CSVReader.Failure {
                    throw CheckFailure(failure.description)
                } catch {
                    throw CheckFailure("\(file): \(error)")
                }
            case .jsonl:
                let names = contract.columns.map(\.name)
                checkHeader(names)
                position = names.indices.map { $0 }
                try JSONLines.read(path: path, display: file) { object, line, offset in
                    guard let object else {
                        malformed.record(false, sample: "\(file):\(line) (byte \(offset)): not a JSON object", keep: keep)
                        return
                    }
                    malformed.record(true, sample: "", keep: keep)
                    let texts = names.map { JSONLines.text(object[$0]).map { Array($0.utf8) } }
                    func withFields(_ index: Int, _ collected: [UnsafeBufferPointer<UInt8>?]) {
                        guard index < texts.count else {
                            collected.withUnsafeBufferPointer { evaluate($0, row: line, line: line) }
                            return
                        }
                        guard let bytes = texts[index] else { return withFields(index + 1, collected + [nil]) }
                        bytes.withUnsafeBufferPointer { withFields(index + 1, collected + [$0]) }
                    }
                    withFields(0, [])
                }
            }
        }

        // Dataset rules.
        var tallies: [Tally] = [schema, malformed]
        for r in rules {
            tallies += [r.null, r.type, r.range, r.allowed?.0, r.pattern?.0, r.length, r.unique?.0].compactMap { $0 }
        }
        tallies += compound.map(\.tally)
        var outcomes = tallies.map { tally -> CheckResult.Rule in
            let passRate = tally.evaluated > 0 ? Double(tally.evaluated - tally.failed) / Double(tally.evaluated) : 1
            let percent = tally.evaluated > 0 ? Double(tally.failed) / Double(tally.evaluated) * 100 : 0
            let verdict: CheckResult.Status = tally.holds ? .pass : (tally.severity == .warn ? .warn : .fail)
            var message = "\(tally.column): \(tally.description)"
            if tally.failed > 0 {
                message += ": \(tally.failed) of \(tally.evaluated) (\(Measurement.format(percent))%) do not"
                if tally.mostly < 1 { message += " (mostly \(Measurement.format(tally.mostly)))" }
                if !tally.samples.isEmpty { message += "; e.g. " + tally.samples.prefix(3).joined(separator: "; ") }
            }
            return CheckResult.Rule(rule: "\(tally.column): \(tally.rule)", metric: "\(tally.column).\(tally.rule)", value: passRate,
                                    comparison: ">=", threshold: tally.mostly, verdict: verdict, message: message)
        }
        if contract.minRows != nil || contract.maxRows != nil {
            let ok = rowCount >= (contract.minRows ?? 0) && rowCount <= (contract.maxRows ?? .max)
            outcomes.append(.init(rule: "rows", metric: "rows", value: Double(rowCount), comparison: "within", threshold: nil,
                                  verdict: ok ? .pass : (contract.rowSeverity == .warn ? .warn : .fail),
                                  message: "\(rowCount) rows\(ok ? "" : ", not") within [\(contract.minRows ?? 0), \(contract.maxRows.map(String.init) ?? "∞")]"))
        }
        if let column = contract.freshnessColumn, let maxAge = contract.maxAge {
            let age = newest.map { options.now.timeIntervalSince1970 - $0 }
            let ok = age.map { $0 <= maxAge } ?? false
            outcomes.append(.init(rule: "freshness", metric: "\(column).age_seconds", value: age, comparison: "<=", threshold: maxAge,
                                  verdict: ok ? .pass : (contract.freshnessSeverity == .warn ? .warn : .fail),
                                  message: newest.map { "the newest \(column) is \(Self.describe(age: options.now.timeIntervalSince1970 - $0)) old (at most \(Self.describe(age: maxAge)))" }
                                      ?? "no \(column) value to measure freshness from"))
        }

        var findings: [CheckResult.Finding] = []
        for tally in tallies where !tally.holds {
            for sample in tally.samples {
                findings.append(.init(severity: tally.severity == .warn ? "warning" : "error", rule: "\(tally.column).\(tally.rule)", message: sample,
                                      location: sample.split(separator: " ").first.map(String.init)))
            }
        }
        var measurements: [String: Double] = ["rows": Double(rowCount)]
        for tally in tallies where tally.evaluated > 0 { measurements["\(tally.column).\(tally.rule).failed"] = Double(tally.failed) }

        let failing = outcomes.filter { $0.verdict == .fail }
        let warning = outcomes.filter { $0.verdict == .warn }
        let status: CheckResult.Status = !failing.isEmpty ? .fail : (!warning.isEmpty ? .warn : .pass)
        let summary = failing.isEmpty && warning.isEmpty
            ? "\(rowCount) rows, all \(outcomes.count) rules hold"
            : "\(rowCount) rows; " + (failing + warning).map(\.rule).joined(separator: ", ") + " \(failing.isEmpty ? "warn" : "fail")"
        let elapsed = ContinuousClock.now - clock
        return CheckResult(check: options.name, kind: .data, status: status, summary: summary, measurements: measurements,
                           findings: findings, inputs: inputs, commit: commit, model: options.model,
                           startedAt: Timestamp.text(started),
                           durationMs: Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000),
                           rules: outcomes)
    }

    static func isJSONLines(_ file: String) -> Bool {
        let name = file.hasSuffix(".gz") ? String(file.dropLast(3)) : file
        return name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson")
    }

    static func absolute(_ path: String, in directory: String) -> String {
        path.hasPrefix("/") ? path : directory + "/" + path
    }

    static func quoted(_ value: String) -> String {
        "'" + (value.count > 60 ? String(value.prefix(57)) + "…" : value) + "'"
    }

    /// 128 bits of a value (two 64-bit FNV-1a hashes with different bases): uniqueness is
    /// decided on these, and a collision among a billion values is below 10⁻²⁰.
    static func hash(_ value: UnsafeBufferPointer<UInt8>) -> UInt128 {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325, b: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in value {
            a = (a ^ UInt64(byte)) &* 0x100_0000_01b3
            b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 ^ (b >> 29)
        }
        return UInt128(a) << 64 | UInt128(b)
    }

    /// The value as a number of its type (a date or timestamp as seconds since 1970), or nil
    /// when it is not one. Strings are always strings.
    static func parse(_ b: UnsafeBufferPointer<UInt8>, as type: DataContract.ValueType, format: String?) -> Double? {
        switch type {
        case .string: return 0
        case .int:
            // Digits with an optional sign and surrounding spaces.
            var i = 0, end = b.count
            while i < end, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
            while end > i, b[end - 1] == 0x20 || b[end - 1] == 0x09 { end -= 1 }
            var negative = false
            if i < end, b[i] == 0x2B || b[i] == 0x2D { negative = b[i] == 0x2D; i += 1 }
            guard i < end else { return nil }
            var v: Int64 = 0
            while i < end {
                let d = b[i] &- 0x30
                guard d < 10 else { return nil }
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(d))
                guard !o1, !o2 else { return nil }
                v = a
                i += 1
            }
            return Double(negative ? -v : v)
        case .float: return NumberParser.parse(b)
        case .bool:
            guard b.count <= 5 else { return nil }
            let lower = String(decoding: b.map { $0 | 0x20 }, as: UTF8.self)
            return ["true", "false", "1", "0", "yes", "no", "t", "f"].contains(lower) ? 0 : nil
        case .date, .timestamp:
            return Timestamps.parse(b, format: format ?? (type == .date ? "%Y-%m-%d" : nil))
        }
    }

    /// Whether `b` is valid UTF-8 (ASCII is checked first, as most data is).
    static func isValidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in b where byte >= 0x80 { return String(validating: b, as: UTF8.self) != nil }
        return true
    }

    static func describe(age seconds: Double) -> String {
        if seconds < 120 { return "\(Int(seconds))s" }
        if seconds < 7200 { return "\(Int(seconds / 60))m" }
        if seconds < 172_800 { return "\(Int(seconds / 3600))h" }
        return "\(Int(seconds / 86_400))d"
    }
}

extension NumberParser {
    /// A string field as a number.
    static func parse(_ text: String) -> Double? {
        var copy = text
        return copy.withUTF8 { parse($0) }
    }
}

/// Dates and timestamps in data files: a strptime format, or ISO 8601
/// (`2026-11-29`, `2026-11-29T10:00:00`, with `.fff`, `Z` or `±hh:mm`).
enum Timestamps {
    static func parse(_ b: UnsafeBufferPointer<UInt8>, format: String?) -> Double? {
        if let format {
            // strptime needs a C string.
            var text = Array(b)
            text.append(0)
            var seconds: Int64 = 0
            let matched = text.withUnsafeBufferPointer { t in
                t.baseAddress!.withMemoryRebound(to: CChar.self, capacity: t.count) { mlgate_parse_time($0, format, &seconds) }
            }
            return matched == 1 ? Double(seconds) : nil
        }
        return iso8601(b)
    }

    private static func iso8601(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= b.count else { return nil }
            var v = 0
            for k in at..<(at + count) {
                guard b[k] >= 0x30, b[k] <= 0x39 else { return nil }
                v = v * 10 + Int(b[k] - 0x30)
            }
            return v
        }
        guard let year = digits(0, 4), b.count >= 10, b[4] == 0x2D, let month = digits(5, 2), b[7] == 0x2D, let day = digits(8, 2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var t = tm()
        t.tm_year = Int32(year - 1900)
        t.tm_mon = Int32(month - 1)
        t.tm_mday = Int32(day)
        var i = 10
        var offset = 0
        if i < b.count {
            guard b[i] == 0x54 || b[i] == 0x20, let hour = digits(i + 1, 2), b.count > i + 3, b[i + 3] == 0x3A, let minute = digits(i + 4, 2),
                  hour < 24, minute < 60 else { return nil }
            t.tm_hour = Int32(hour)
            t.tm_min = Int32(minute)
            i += 6
            if i < b.count, b[i] == 0x3A {
                guard let second = digits(i + 1, 2), second < 61 else { return nil }
                t.tm_sec = Int32(second)
                i += 3
                if i < b.count, b[i] == 0x2E {
                    i += 1
                    while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
                }
            }
            if i < b.count {
                if b[i] == 0x5A { i += 1 } else if b[i] == 0x2B || b[i] == 0x2D {
                    guard let h = digits(i + 1, 2) else { return nil }
                    var m = 0
                    var next = i + 3
                    if next < b.count, b[next] == 0x3A { next += 1 }
                    if let mm = digits(next, 2) { m = mm; next += 2 }
                    offset = (h * 3600 + m * 60) * (b[i] == 0x2D ? -1 : 1)
                    i = next
                }
            }
        }
        guard i == b.count else { return nil }
        return Double(timegm(&t) - offset)
    }
}

/// JSON Lines: one JSON object per line, read in chunks (gzip too).
enum JSONLines {
    /// Calls `body` with each line's object (nil when the line is not a JSON object), its
    /// 1-based line number and byte offset. Blank lines are skipped.
    static func read(path: String, display: String, _ body: ([String: Any]?, Int, Int) -> Void) throws(CheckFailure) {
        let source: ByteReader
        do { source = try ByteReader(path: path, display: display) } catch { throw CheckFailure(error.description) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var filled = 0, base = 0, line = 0
        var atEnd = false
        while true {
            if !atEnd {
                if filled == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
                let got: Int
                do {
                    got = try buffer.withUnsafeMutableBytes { (raw) throws(ByteReader.Failure) -> Int in
                        try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
                    }
                } catch let failure as ByteReader.Failure {
                    throw CheckFailure("\(failure.description) (line \(line + 1))")
                } catch {
                    throw CheckFailure("\(display): \(error) (line \(line + 1))")
                }
                if got == 0 { atEnd = true } else { filled += got }
            }
            var start = 0
            while let newline = buffer[start..<filled].firstIndex(of: 0x0A) ?? (atEnd && start < filled ? filled : nil) {
                line += 1
                let slice = buffer[start..<newline]
                if !slice.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) {
                    let object = try? JSONSerialization.jsonObject(with: Data(slice)) as? [String: Any]
                    body(object, line, base + start)
                }
                start = min(newline + 1, filled)
                if newline == filled { break }
            }
            if start > 0 {
                buffer.removeSubrange(0..<start)
                buffer += [UInt8](repeating: 0, count: start)
                filled -= start
                base += start
            }
            if atEnd { break }
        }
    }

    /// A JSON value as the text a contract checks: strings as they are, numbers and booleans
    /// written out, null and absent as nil.
    static func text(_ value: Any?) -> String? {
        switch value {
        case nil, is NSNull: return nil
        case let s as String: return s.isEmpty ? nil : s
        case let n as NSNumber:
            if String(cString: n.objCType) == "c" { return n.boolValue ? "true" : "false" }
            let d = n.doubleValue
            return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case let other?:
            guard let data = try? JSONSerialization.data(withJSONObject: other, options: [.fragmentsAllowed]) else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
    }
}

/// One rule's tally: how many values it was applied to, how many failed, and a few samples.
struct DataTally: Sendable {
    let column: String
    let rule: String
    let description: String
    let severity: DataContract.Severity
    var mostly = 1.0
    var evaluated = 0
    var failed = 0
    var samples: [String] = []

    @inline(__always)
    mutating func record(_ ok: Bool, keep: Int, sample: @autoclosure () -> String) {
        evaluated += 1
        guard !ok else { return }
        failed += 1
        if samples.count < keep { samples.append(sample()) }
    }

    var holds: Bool { evaluated == 0 || Double(evaluated - failed) / Double(evaluated) >= mostly - 1e-12 }
}

/// A batch's rows as raw pointers, for loops that read many fields (no class access per field).
struct BatchView: @unchecked Sendable {
    let bytes: UnsafeMutablePointer<UInt8>
    let rowCount: Int
    let rowStart: UnsafeMutablePointer<Int32>
    let fieldStart: UnsafeMutablePointer<Int32>
    let fieldEnd: UnsafeMutablePointer<Int32>
    let escaped: UnsafeMutablePointer<Bool>
    let rowNumber: UnsafeMutablePointer<Int>
    let rowLine: UnsafeMutablePointer<Int>
    /// Whether the data check accepted row r (the header's width, valid UTF-8).
    let accepted: UnsafeMutablePointer<Bool>

    init(_ batch: RowBatch) {
        (bytes, rowCount) = (batch.bytes, batch.rowCount)
        (rowStart, fieldStart, fieldEnd, escaped) = (batch.rowStart.pointer, batch.fieldStart.pointer, batch.fieldEnd.pointer, batch.fieldEscaped.pointer)
        (rowNumber, rowLine, accepted) = (batch.rowNumber.pointer, batch.rowLine.pointer, batch.rowAccepted.pointer)
    }

    /// Column `position` of row `r`: nil when empty (a null); `""` unescaped into `scratch`.
    @inline(__always)
    func value(row r: Int, position: Int, scratch: inout [UInt8]) -> UnsafeBufferPointer<UInt8>? {
        let f = Int(rowStart[r]) + position
        let start = Int(fieldStart[f]), end = Int(fieldEnd[f])
        guard end > start else { return nil }
        let raw = UnsafeBufferPointer(start: bytes + start, count: end - start)
        return escaped[f] ? RowBatch.unescape(raw, into: &scratch) : raw
    }
}

/// The values a column may take (`in:`): compared directly when few, by hash when many.
struct AllowedValues: Sendable {
    private let few: [[UInt8]]
    private let many: [UInt128: [UInt8]]

    init(_ values: [String]) {
        let bytes = values.map { Array($0.utf8) }
        if bytes.count <= 16 {
            (few, many) = (bytes, [:])
        } else {
            few = []
            many = Dictionary(bytes.map { b in (b.withUnsafeBufferPointer { HashSet128.hash($0) }, b) }, uniquingKeysWith: { a, _ in a })
        }
    }

    @inline(__always)
    func contains(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        if many.isEmpty {
            for candidate in few where candidate.count == value.count && candidate.elementsEqual(value) { return true }
            return false
        }
        return many[HashSet128.hash(value)].map { $0.elementsEqual(value) } ?? false
    }
}

/// One contract column's rules and their tallies, applied batch after batch. One thread at a
/// time works on a column; different columns run in parallel.
final class DataColumnCheck: @unchecked Sendable {
    struct Tallies {
        var null, type, range, allowed, pattern, length, unique: DataTally?
        /// Hashes of the values seen, for `unique`.
        var seen: HashSet128?
        /// The newest time, when the column measures freshness.
        var newest: Double?

        var all: [DataTally] { [null, type, range, allowed, pattern, length, unique].compactMap { $0 } }
    }

    let column: DataContract.Column
    let isFreshness: Bool
    /// Whether any rule reads the column (a key column is read by its key's check).
    let hasRules: Bool
    private let allowed: AllowedValues?
    private let matcher: RegexMatcher?
    private let keep: Int
    private(set) var tallies: Tallies
    private var scratch: [UInt8] = []
    /// A batch's values for `unique`: their hashes and rows, and whether each was new.
    private var hashes: [UInt128] = [], hashedRows: [Int] = [], inserted: [Bool] = []

    init(_ column: DataContract.Column, isFreshness: Bool, keep: Int) {
        (self.column, self.isFreshness, self.keep) = (column, isFreshness, keep)
        var t = Tallies()
        func tally(_ rule: String, _ description: String) -> DataTally {
            DataTally(column: column.name, rule: rule, description: description, severity: column.severity, mostly: column.mostly)
        }
        if !column.nullable { t.null = tally("not-null", "no empty values") }
        if let type = column.type { t.type = tally("type", "values are \(type.rawValue)\(column.format.map { " (\($0))" } ?? "")") }
        if column.min != nil || column.max != nil {
            t.range = tally("range", "values within [\(column.min.map(Measurement.format) ?? "−∞"), \(column.max.map(Measurement.format) ?? "∞")]")
        }
        if let values = column.allowed {
            t.allowed = tally("in", "values in {\(values.prefix(8).joined(separator: ", "))\(values.count > 8 ? ", …" : "")}")
        }
        allowed = column.allowed.map(AllowedValues.init)
        matcher = column.pattern.flatMap(RegexMatcher.init)
        if let pattern = column.pattern, matcher != nil { t.pattern = tally("regex", "values match /\(pattern)/") }
        if column.minLength != nil || column.maxLength != nil {
            t.length = tally("length", "lengths within [\(column.minLength ?? 0), \(column.maxLength.map(String.init) ?? "∞")]")
        }
        if column.unique {
            t.unique = tally("unique", "no value twice")
            t.seen = HashSet128()
        }
        tallies = t
        hasRules = !t.all.isEmpty || isFreshness
    }

    deinit { tallies.seen?.deallocate() }

    /// Sizes the uniqueness table for about `rows` values ahead, so it does not grow row by row.
    func expect(rows: Int) { tallies.seen?.reserve(rows) }

    /// Applies the column's rules to every accepted row of `view`; `position` is the
    /// column's field in this file (nil: the file lacks it, every value is null).
    func evaluate(_ view: BatchView, position: Int?, file: String) {
        guard hasRules else { return }
        var t = tallies
        var scratch = self.scratch
        defer { (tallies, self.scratch) = (t, scratch) }
        let keep = self.keep
        let name = column.name
        let type = column.type, format = column.format
        let min = column.min, max = column.max
        let minLength = column.minLength ?? 0, maxLength = column.maxLength ?? .max
        let checksRange = t.range != nil, checksLength = t.length != nil, checksUnique = t.seen != nil
        var hashes = self.hashes, hashedRows = self.hashedRows, inserted = self.inserted
        hashes.removeAll(keepingCapacity: true)
        hashedRows.removeAll(keepingCapacity: true)
        defer { (self.hashes, self.hashedRows, self.inserted) = (hashes, hashedRows, inserted) }
        for r in 0..<view.rowCount where view.accepted[r] {
            // Where the row is, written only for a sample.
            var at: String { "\(file):\(view.rowLine[r]) (row \(view.rowNumber[r]))" }
            func text(_ b: UnsafeBufferPointer<UInt8>) -> String { DataCheck.quoted(String(decoding: b, as: UTF8.self)) }
            let value = position.flatMap { view.value(row: r, position: $0, scratch: &scratch) }
            t.null?.record(value != nil, keep: keep, sample: "\(at): \(name) is empty")
            guard let value else { continue }
            var number: Double?
            if let type, t.type != nil {
                number = DataValues.parse(value, as: type, format: format)
                let ok = type == .string || number != nil
                t.type!.record(ok, keep: keep, sample: "\(at): \(name) = \(text(value)) is not \(type.rawValue)")
                if !ok { continue }
            } else if checksRange {
                number = NumberParser.parse(value)
            }
            if checksRange {
                let ok = number.map { x in (min.map { x >= $0 } ?? true) && (max.map { x <= $0 } ?? true) } ?? false
                t.range!.record(ok, keep: keep, sample: "\(at): \(name) = \(text(value))")
            }
            if let allowed {
                t.allowed!.record(allowed.contains(value), keep: keep, sample: "\(at): \(name) = \(text(value))")
            }
            if let matcher, t.pattern != nil {
                t.pattern!.record(matcher.matches(value), keep: keep, sample: "\(at): \(name) = \(text(value))")
            }
            if checksLength {
                // Characters as Python and pandas count them: Unicode scalars.
                var count = 0
                for byte in value where byte & 0xC0 != 0x80 { count += 1 }
                t.length!.record(count >= minLength && count <= maxLength, keep: keep, sample: "\(at): \(name) has \(count) characters")
            }
            if checksUnique {
                hashes.append(HashSet128.hash(value))
                hashedRows.append(r)
            }
            if isFreshness, let type, let time = number ?? DataValues.parse(value, as: type, format: format) {
                t.newest = Swift.max(t.newest ?? time, time)
            }
        }
        guard checksUnique, !hashes.isEmpty else { return }
        // Uniqueness last, the batch's hashes at once (the table's slots prefetched).
        if inserted.count < hashes.count { inserted = [Bool](repeating: false, count: hashes.count) }
        inserted.withUnsafeMutableBufferPointer { done in
            hashes.withUnsafeBufferPointer { t.seen!.insert($0, inserted: done.baseAddress!) }
        }
        for (k, r) in hashedRows.enumerated() {
            t.unique!.record(inserted[k], keep: keep, sample: {
                let value = view.value(row: r, position: position!, scratch: &scratch)!
                return "\(file):\(view.rowLine[r]) (row \(view.rowNumber[r])): \(name) = \(DataCheck.quoted(String(decoding: value, as: UTF8.self))) again"
            }())
        }
    }
}

/// A compound key (`unique: [[a, b]]`): no two rows with the same values in its columns.
final class DataKeyCheck: @unchecked Sendable {
    /// The key's columns, as indices into the contract's columns.
    let columns: [Int]
    private(set) var tally: DataTally
    private var seen = HashSet128()
    private let keep: Int

    init(names: [String], contract: DataContract, keep: Int) {
        columns = names.compactMap { name in contract.columns.firstIndex { $0.name == name } }
        tally = DataTally(column: names.joined(separator: "+"), rule: "unique", description: "no (\(names.joined(separator: ", "))) twice", severity: .error)
        self.keep = keep
    }

    deinit { seen.deallocate() }

    func expect(rows: Int) { seen.reserve(rows) }

    /// `positions[c]`: contract column c's field in this file.
    func evaluate(_ view: BatchView, positions: [Int?], file: String) {
        var t = tally, set = seen
        defer { (tally, seen) = (t, set) }
        var parts: [UInt8] = [], scratch: [UInt8] = []
        for r in 0..<view.rowCount where view.accepted[r] {
            parts.removeAll(keepingCapacity: true)
            for (n, column) in columns.enumerated() {
                if n > 0 { parts.append(0x1F) }
                if let p = positions[column], let value = view.value(row: r, position: p, scratch: &scratch) { parts.append(contentsOf: value) }
            }
            let inserted = parts.withUnsafeBufferPointer { set.insert(HashSet128.hash($0)) }
            t.record(inserted, keep: keep, sample: "\(file):\(view.rowLine[r]) (row \(view.rowNumber[r])): (\(String(decoding: parts.map { $0 == 0x1F ? 0x2C : $0 }, as: UTF8.self).replacingOccurrences(of: ",", with: ", "))) again")
        }
    }
}

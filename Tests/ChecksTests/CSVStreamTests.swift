@testable import Checks
import Foundation
import Testing

/// The one CSV parser of the checks, read in chunks: every row, field, line and byte offset
/// is the same whatever the chunk size, so no boundary (inside a quoted field, between `\r`
/// and `\n`, in a doubled quote) changes what is read. And the pieces the data check relies
/// on for speed — its hash set, its regular-expression DFA — agree with what they replace.
@Suite("CSV stream and the data check's fast paths")
struct CSVStreamTests {
    struct ExpectedRow: Equatable {
        var fields: [String]
        var line: Int
        var offset: Int
    }

    /// A CSV document written from known rows: quoted fields with commas, doubled quotes and
    /// line ends, empty fields, CRLF and LF, empty lines, and perhaps no final line end.
    static func document(seed: UInt64, rows: Int, width: Int) -> (text: [UInt8], rows: [ExpectedRow]) {
        var random = MetricsParityTests.Random(state: seed)
        func pick(_ n: Int) -> Int { min(n - 1, Int(random.next() * Double(n))) }
        var out = Array((0..<width).map { "c\($0)" }.joined(separator: ",").utf8) + [0x0A]
        var line = 2
        var expected: [ExpectedRow] = []
        for r in 0..<rows {
            if pick(10) == 0 {
                out += pick(2) == 0 ? [0x0A] : [0x0D, 0x0A]
                line += 1
            }
            let offset = out.count
            var fields: [String] = []
            var linesInside = 0
            for k in 0..<width {
                if k > 0 { out.append(0x2C) }
                switch pick(5) {
                case 0:
                    fields.append("")
                case 1, 2:
                    let text = "v\(r)_\(k)é" + String(repeating: "x", count: pick(9))
                    fields.append(text)
                    out += Array(text.utf8)
                default:
                    let pieces = ["a", ",", "\"", "\n", "\r\n", "é", " ", "zz"]
                    let text = (0..<(1 + pick(6))).map { _ in pieces[pick(pieces.count)] }.joined()
                    fields.append(text)
                    linesInside += text.utf8.filter { $0 == 0x0A }.count
                    out.append(0x22)
                    out += Array(text.replacingOccurrences(of: "\"", with: "\"\"").utf8)
                    out.append(0x22)
                }
            }
            // A row of one empty field would be an empty line: give it a value.
            if width == 1, fields[0].isEmpty {
                fields[0] = "w"
                out.append(0x77)
            }
            expected.append(ExpectedRow(fields: fields, line: line, offset: offset))
            line += 1 + linesInside
            if r < rows - 1 || pick(2) == 0 { out += pick(2) == 0 ? [0x0A] : [0x0D, 0x0A] }
        }
        return (out, expected)
    }

    func read(_ path: String, chunk: Int) throws -> [ExpectedRow] {
        var reader = CSVReader(path: path, display: "doc.csv")
        reader.chunk = chunk
        var rows: [ExpectedRow] = []
        var scratch: [UInt8] = []
        try reader.read(header: { _ in }, row: { row in
            let fields = (0..<row.count).map { String(decoding: row.unescapedBytes($0, scratch: &scratch), as: UTF8.self) }
            #expect(fields == (0..<row.count).map { row.string($0) })
            rows.append(ExpectedRow(fields: fields, line: row.line, offset: row.offset))
            #expect(row.number == rows.count + 1)
        })
        return rows
    }

    @Test("every chunk size reads the same rows, fields, lines and offsets as were written")
    func chunkBoundaries() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlgate-csv-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for seed in 1...12 as ClosedRange<UInt64> {
            let (text, expected) = Self.document(seed: seed, rows: 40 + Int(seed) * 7, width: 1 + Int(seed % 4))
            let path = dir + "/doc\(seed).csv"
            try Data(text).write(to: URL(fileURLWithPath: path))
            for chunk in [1, 2, 3, 5, 7, 8, 9, 13, 16, 31, 64, 257, 1 << 22] {
                let rows = try read(path, chunk: chunk)
                #expect(rows == expected, "seed \(seed), chunk \(chunk): \(rows.first { !expected.contains($0) }.map { "\($0)" } ?? "row count \(rows.count) vs \(expected.count)")")
            }
        }
    }

    @Test("an unclosed quote is refused at the same row and byte whatever the chunk size")
    func unclosedQuote() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlgate-csv-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/bad.csv"
        try "a,b\n1,2\r\n3,\"four\n5,6\n".write(toFile: path, atomically: true, encoding: .utf8)
        for chunk in [1, 2, 4, 7, 1 << 22] {
            var reader = CSVReader(path: path, display: "bad.csv")
            reader.chunk = chunk
            #expect(throws: CSVReader.Failure.self) { try reader.read(header: { _ in }, row: { _ in }) }
            do { try reader.read(header: { _ in }, row: { _ in }) } catch let failure as CSVReader.Failure {
                #expect(failure.description == "bad.csv: row 3 (byte 11): a quoted field is not closed", "chunk \(chunk)")
            }
        }
    }

    @Test("the hash set agrees with Swift's Set across growth, with duplicates near and far")
    func hashSet() {
        var random = MetricsParityTests.Random(state: 9)
        var set = HashSet128(expected: 4)
        defer { set.deallocate() }
        var reference = Set<UInt128>()
        var values: [UInt128] = []
        for k in 0..<200_000 {
            let value: UInt128
            if k > 0, random.next() < 0.2 {
                value = values[Int(random.next() * Double(values.count)) % values.count]
            } else {
                value = UInt128(UInt64(random.next() * 1e15)) << 64 | UInt128(UInt64(k))
            }
            values.append(value)
        }
        // One at a time, then in batches (the prefetching path), through several growths.
        for value in values.prefix(50_000) { #expect(set.insert(value) == reference.insert(value).inserted) }
        let rest = Array(values.dropFirst(50_000))
        var inserted = [Bool](repeating: false, count: rest.count)
        for start in stride(from: 0, to: rest.count, by: 7_919) {
            let part = Array(rest[start..<min(rest.count, start + 7_919)])
            part.withUnsafeBufferPointer { p in inserted.withUnsafeMutableBufferPointer { set.insert(p, inserted: $0.baseAddress! + start) } }
        }
        for (k, value) in rest.enumerated() { #expect(inserted[k] == reference.insert(value).inserted) }
        #expect(set.count == reference.count)
        #expect(set.insert(0) == true && set.insert(0) == false, "zero is a value like any other")
    }

    /// Patterns from the subset's grammar, with strings over a small alphabet so they match
    /// often: the DFA gives regexec's answer, or none.
    @Test("the regular-expression DFA gives regexec's answer on 3,000 generated patterns and their strings")
    func regexDFA() throws {
        var random = MetricsParityTests.Random(state: 21)
        func pick(_ n: Int) -> Int { min(n - 1, Int(random.next() * Double(n))) }
        let atoms = ["a", "b", "c", ".", "[ab]", "[^a]", "[a-c]", "[[:digit:]]", "[[:alpha:]_]", "\\.", "0", "1", "_", "é", "[]a]", "[a-]"]
        func expression(_ depth: Int) -> String {
            var parts: [String] = []
            for _ in 0..<(1 + pick(4)) {
                var atom = depth < 2 && pick(4) == 0 ? "(" + (0..<(1 + pick(2))).map { _ in expression(depth + 1) }.joined(separator: "|") + ")" : atoms[pick(atoms.count)]
                atom += ["", "", "*", "+", "?", "{2}", "{1,3}", "{2,}", "{0,1}"][pick(9)]
                parts.append(atom)
            }
            return parts.joined()
        }
        let alphabet: [[UInt8]] = [[0x61], [0x62], [0x63], [0x2E], [0x30], [0x31], [0x5F], [0xC3, 0xA9], [0x0A], [0x00], [0x5D], [0x2D]]
        var compiled = 0
        for _ in 0..<3_000 {
            var pattern = expression(0)
            if pick(2) == 0 { pattern = "^" + pattern }
            if pick(2) == 0 { pattern += "$" }
            guard let matcher = RegexMatcher(pattern) else { continue }
            guard let dfa = RegexDFA(pattern) else { continue }
            compiled += 1
            for _ in 0..<20 {
                let value = (0..<pick(10)).flatMap { _ in alphabet[pick(alphabet.count)] }
                value.withUnsafeBufferPointer { v in
                    if let answer = dfa.matches(v) {
                        #expect(answer == matcher.regexMatches(v), "/\(pattern)/ on \(value)")
                    }
                }
            }
        }
        #expect(compiled > 2_000, "most generated patterns are in the subset: \(compiled)")
        // Common contract patterns run as a DFA; the others keep regexec.
        for pattern in ["^user_[0-9]+$", "^[^@ ]+@[^@ ]+$", "[A-Z]{2}-[0-9]{4}", "^(train|test|valid)$", "^[[:alnum:]_-]{3,32}$"] {
            #expect(RegexDFA(pattern) != nil, "\(pattern)")
        }
        for pattern in ["\\w+", "(a)\\1", "^a|b$", "a**", "[[.a.]]"] {
            #expect(RegexDFA(pattern) == nil, "\(pattern)")
        }
    }

    @Test("ISO 8601 timestamps equal timegm's seconds from 1900 to 2200; impossible dates are not timestamps")
    func timestamps() {
        func parse(_ text: String) -> Double? {
            var copy = text
            return copy.withUTF8 { Timestamps.parse($0, format: nil) }
        }
        var random = MetricsParityTests.Random(state: 4)
        for _ in 0..<20_000 {
            let year = 1900 + Int(random.next() * 300), month = 1 + Int(random.next() * 12)
            let day = 1 + Int(random.next() * Double(Timestamps.daysIn(month: month, year: year)))
            let (hour, minute, second) = (Int(random.next() * 24), Int(random.next() * 60), Int(random.next() * 60))
            var t = tm()
            (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec) = (Int32(year - 1900), Int32(month - 1), Int32(day), Int32(hour), Int32(minute), Int32(second))
            let text = String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", year, month, day, hour, minute, second)
            #expect(parse(text) == Double(timegm(&t)), "\(text)")
        }
        #expect(parse("2024-02-29") != nil)
        #expect(parse("2023-02-29") == nil)
        #expect(parse("2026-04-31") == nil)
        #expect(parse("1900-02-29") == nil)
        #expect(parse("2000-02-29") != nil)
        #expect(parse("2026-11-29T10:00:00.5+01:30") == 1_795_946_400 - 5400 + 0.5)
        #expect(parse("2026-11-29 10:00") == 1_795_946_400)
        #expect(parse("2026-11-29T25:00:00") == nil)
    }
}

@Suite("Timestamps")
struct TimestampTextTests {
    @Test("Timestamp.text writes what ISO8601DateFormatter writes, on 20,000 instants from 1900 to 2200")
    func matchesFoundation() {
        let formatter = ISO8601DateFormatter()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let date = Date(timeIntervalSince1970: Double.random(in: -2_208_988_800...7_258_118_400, using: &generator))
            #expect(Timestamp.text(date) == formatter.string(from: date))
        }
        #expect(Timestamp.text(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.text(Date(timeIntervalSince1970: -0.5)) == formatter.string(from: Date(timeIntervalSince1970: -0.5)))
        // Milliseconds round first; leap days, year ends and the ends of the range.
        for seconds in [1_795_946_399.9996, 1_795_946_399.9994, 951_782_400, 951_868_799.9999, 946_684_799.5, 4_107_542_399,
                        -2_208_988_800, 7_258_118_399, -1, -86_400.25] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(Timestamp.text(date) == formatter.string(from: date), "\(seconds)")
        }
        // Past 9999 the formatter writes it.
        let year10000 = Date(timeIntervalSince1970: 253_402_300_800)
        #expect(Timestamp.bytes(year10000) == nil && Timestamp.bytes(Date(timeIntervalSince1970: .infinity)) == nil)
        #expect(Timestamp.text(year10000) == formatter.string(from: year10000))
        #expect(Timestamp.text(Date(timeIntervalSince1970: 253_402_300_799)) == "9999-12-31T23:59:59Z")
    }
}

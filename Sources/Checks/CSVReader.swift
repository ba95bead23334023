#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Reads a CSV file (RFC 4180: a header row, `,` between fields, `"` quoting with `""`
/// inside, `\n` or `\r\n` line ends) in fixed-size chunks, so memory does not grow with the
/// file. Rows are handed over one at a time as byte ranges.
struct CSVReader {
    /// A malformed file, with the row (1 = the header) and what is wrong.
    struct Failure: Error, CustomStringConvertible {
        let file: String
        let row: Int
        let message: String
        /// The byte offset of the row in the (uncompressed) data, when known.
        var offset: Int? = nil
        var description: String { "\(file): row \(row)\(offset.map { " (byte \($0))" } ?? ""): \(message)" }
    }

    /// One row's fields, valid only during the callback.
    struct Row {
        fileprivate let base: UnsafePointer<UInt8>
        fileprivate let bounds: [(start: Int, end: Int, quoted: Bool)]
        /// The 1-based row number in the file (the header is row 1).
        let number: Int
        /// The byte offset where the row starts in the (uncompressed) data.
        let offset: Int
        /// The 1-based line where the row starts (quoted fields may span lines).
        let line: Int

        /// The field's bytes with quotes removed; a quoted field with `""` inside is unescaped
        /// into `scratch`.
        func unescapedBytes(_ index: Int, scratch: inout [UInt8]) -> UnsafeBufferPointer<UInt8> {
            let field = bytes(index)
            guard bounds[index].quoted, field.contains(0x22) else { return field }
            scratch.removeAll(keepingCapacity: true)
            var k = 0
            while k < field.count {
                scratch.append(field[k])
                k += field[k] == 0x22 ? 2 : 1
            }
            return scratch.withUnsafeBufferPointer { $0 }
        }

        var count: Int { bounds.count }

        /// The bytes of field `index` as written, without its surrounding quotes.
        func bytes(_ index: Int) -> UnsafeBufferPointer<UInt8> {
            let b = bounds[index]
            return UnsafeBufferPointer(start: base + b.start, count: b.end - b.start)
        }

        func string(_ index: Int) -> String {
            let b = bounds[index]
            let text = String(decoding: bytes(index), as: UTF8.self)
            return b.quoted ? text.replacingOccurrences(of: "\"\"", with: "\"") : text
        }

        /// The field as a number (leading and trailing spaces allowed), or nil.
        func number(_ index: Int) -> Double? {
            NumberParser.parse(bytes(index))
        }
    }

    let path: String
    let display: String
    /// The field separator (`,`; `;` or a tab in some exports).
    var delimiter: UInt8 = 0x2C
    /// Hand rows with another number of fields than the header to the caller, instead of
    /// refusing the file.
    var allowRagged = false

    init(path: String, display: String, delimiter: UInt8 = 0x2C, allowRagged: Bool = false) {
        (self.path, self.display, self.delimiter, self.allowRagged) = (path, display, delimiter, allowRagged)
    }

    /// Calls `header` with the header's fields, then `row` for every data row. Empty lines
    /// are skipped. A gzip-compressed file is read as its data.
    func read(header: ([String]) throws -> Void, row handleRow: (Row) throws -> Void) throws {
        let source: ByteReader
        do { source = try ByteReader(path: path, display: display) } catch {
            throw Failure(file: display, row: 0, message: error.description.hasPrefix(display) ? String(error.description.dropFirst(display.count)).trimmingCharacters(in: CharacterSet(charactersIn: ": ")) : error.description)
        }
        let delimiter = self.delimiter
        var base = 0  // the offset of buffer[0] in the data
        var line = 1
        let chunk = 1 << 22
        var buffer = [UInt8](repeating: 0, count: chunk)
        var filled = 0
        var rowNumber = 0
        var sawHeader = false
        var width = 0
        var atEnd = false
        var bounds: [(start: Int, end: Int, quoted: Bool)] = []
        bounds.reserveCapacity(16)
        while true {
            if !atEnd {
                if filled == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }  // a row longer than the buffer
                let got: Int
                do {
                    got = try buffer.withUnsafeMutableBytes { (raw) throws(ByteReader.Failure) -> Int in
                        try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
                    }
                } catch let failure as ByteReader.Failure {
                    var message = failure.description
                    if message.hasPrefix(display) { message = String(message.dropFirst(display.count)).trimmingCharacters(in: CharacterSet(charactersIn: ": ")) }
                    throw Failure(file: display, row: rowNumber + 1, message: message, offset: base + filled)
                } catch {
                    throw Failure(file: display, row: rowNumber + 1, message: "\(error)", offset: base + filled)
                }
                if got == 0 { atEnd = true } else { filled += got }
            }
            // Parse every complete row in buffer[0..<filled].
            var consumed = 0
            try buffer.withUnsafeBufferPointer { whole in
                let b = whole.baseAddress!
                var i = 0
                rows: while i < filled {
                    bounds.removeAll(keepingCapacity: true)
                    var fieldStart = i
                    var j = i
                    var complete = false
                    while j < filled {
                        let c = b[j]
                        if c == 0x22, j == fieldStart {  // a quoted field
                            var k = j + 1
                            var closed = false
                            while k < filled {
                                if b[k] == 0x22 {
                                    if k + 1 < filled, b[k + 1] == 0x22 { k += 2; continue }
                                    if k + 1 >= filled, !atEnd { break }
                                    closed = true
                                    break
                                }
                                k += 1
                            }
                            guard closed else {
                                if atEnd { throw Failure(file: display, row: rowNumber + 1, message: "a quoted field is not closed", offset: base + j) }
                                break rows  // need more bytes
                            }
                            bounds.append((j + 1, k, true))
                            j = k + 1
                            guard j < filled else {
                                if atEnd { complete = true }
                                break
                            }
                            if b[j] == delimiter { j += 1; fieldStart = j; continue }
                            if b[j] == 0x0A || b[j] == 0x0D {
                                complete = true
                                break
                            }
                            throw Failure(file: display, row: rowNumber + 1, message: "text after a closing quote", offset: base + j)
                        }
                        if c == delimiter {
                            bounds.append((fieldStart, j, false))
                            j += 1
                            fieldStart = j
                            continue
                        }
                        if c == 0x0A || c == 0x0D {
                            bounds.append((fieldStart, j, false))
                            complete = true
                            break
                        }
                        j += 1
                    }
                    if !complete {
                        guard atEnd else { break rows }
                        if j > fieldStart || !bounds.isEmpty { bounds.append((fieldStart, j, false)) }
                        if bounds.isEmpty { i = filled; break rows }
                    } else if bounds.count == 1, bounds[0].start == bounds[0].end, !bounds[0].quoted {
                        // An empty line.
                        bounds.removeAll(keepingCapacity: true)
                    }
                    // Past the line end (\r\n counts as one).
                    var next = j
                    if next < filled, b[next] == 0x0D { next += 1 }
                    if next < filled, b[next] == 0x0A { next += 1 }
                    if !complete { next = filled }
                    let rowLine = line
                    if bounds.contains(where: \.quoted) {
                        // A quoted field may hold line ends.
                        for k in i..<next where b[k] == 0x0A { line += 1 }
                    } else {
                        line += 1
                    }
                    if !bounds.isEmpty {
                        rowNumber += 1
                        let row = Row(base: b, bounds: bounds, number: rowNumber, offset: base + i, line: rowLine)
                        if !sawHeader {
                            sawHeader = true
                            width = bounds.count
                            try header((0..<row.count).map { row.string($0).trimmingCharacters(in: .whitespaces) })
                        } else {
                            guard bounds.count == width || allowRagged else {
                                throw Failure(file: display, row: rowNumber, message: "\(bounds.count) fields, but the header has \(width)", offset: base + i)
                            }
                            try handleRow(row)
                        }
                    }
                    i = next
                    consumed = i
                }
            }
            if consumed > 0 {
                buffer.withUnsafeMutableBufferPointer { b in
                    if consumed < filled { memmove(b.baseAddress!, b.baseAddress! + consumed, filled - consumed) }
                }
                filled -= consumed
                base += consumed
            }
            if atEnd, filled == 0 || consumed == 0 { break }
        }
        if !sawHeader { throw Failure(file: display, row: 1, message: "the file is empty; it needs a header row") }
    }
}

/// Decimal numbers as CSV files write them (`0.25`, `-1e-3`, `3`, ` 2.5 `), parsed without
/// allocating; correctly rounded for up to 19 significant digits, and through strtod
/// otherwise. `nan`, `inf` and empty fields are not numbers.
enum NumberParser {
    private static let powers: [Double] = (0...22).map { pow(10, Double($0)) }

    static func parse(_ field: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        var end = field.count
        while i < end, field[i] == 0x20 || field[i] == 0x09 { i += 1 }
        while end > i, field[end - 1] == 0x20 || field[end - 1] == 0x09 { end -= 1 }
        guard i < end else { return nil }
        let start = i
        var negative = false
        if field[i] == 0x2D || field[i] == 0x2B { negative = field[i] == 0x2D; i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var sawDigit = false
        while i < end, field[i] &- 0x30 < 10 {
            sawDigit = true
            if digits < 19 { mantissa = mantissa * 10 + UInt64(field[i] &- 0x30); if mantissa > 0 { digits += 1 } } else { exponent += 1 }
            i += 1
        }
        if i < end, field[i] == 0x2E {
            i += 1
            while i < end, field[i] &- 0x30 < 10 {
                sawDigit = true
                if digits < 19 { mantissa = mantissa * 10 + UInt64(field[i] &- 0x30); if mantissa > 0 { digits += 1 }; exponent -= 1 }
                i += 1
            }
        }
        guard sawDigit else { return nil }
        if i < end, field[i] == 0x65 || field[i] == 0x45 {
            i += 1
            var expNegative = false
            if i < end, field[i] == 0x2D || field[i] == 0x2B { expNegative = field[i] == 0x2D; i += 1 }
            var e = 0
            var sawExp = false
            while i < end, field[i] &- 0x30 < 10 { e = min(e * 10 + Int(field[i] &- 0x30), 100_000); i += 1; sawExp = true }
            guard sawExp else { return nil }
            exponent += expNegative ? -e : e
        }
        guard i == end else { return nil }
        // Exact when the mantissa and the power of ten are both exact doubles.
        if digits <= 15, mantissa < (1 << 53), abs(exponent) <= 22 {
            let m = Double(mantissa)
            let value = exponent >= 0 ? m * powers[exponent] : m / powers[-exponent]
            return negative ? -value : value
        }
        // Otherwise strtod, on a NUL-terminated copy.
        var copy = [CChar](repeating: 0, count: end - start + 1)
        for k in start..<end { copy[k - start] = CChar(bitPattern: field[k]) }
        let value = strtod(copy, nil)
        return value.isFinite ? value : nil
    }
}

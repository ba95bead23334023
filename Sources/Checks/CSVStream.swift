#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A CSV file read chunk by chunk into `RowBatch`es: the one CSV parser of the checks.
/// Each `fill` reads about 4 MB and splits its complete rows into fields; the incomplete
/// tail is carried into the next batch. Filling one batch leaves the previous one intact, so
/// a caller can check a batch while the next is read.
final class CSVStream: @unchecked Sendable {
    let display: String
    let delimiter: UInt8
    let allowRagged: Bool
    private let source: ByteReader
    /// The header's names, once the first row is read.
    private(set) var header: [String]?
    /// The batch filled last: its tail starts the next one.
    private var last: RowBatch?
    private var line = 1
    private var dataRows = 0
    private var atEnd = false
    /// How many bytes a batch is filled with, about (tests make it small).
    let chunk: Int
    /// A row may not need more than this (offsets in a batch are 32-bit).
    static let longestRow = 1 << 30

    init(path: String, display: String, delimiter: UInt8 = 0x2C, allowRagged: Bool = false, chunk: Int = 1 << 22) throws(CSVReader.Failure) {
        (self.display, self.delimiter, self.allowRagged, self.chunk) = (display, delimiter, allowRagged, max(1, chunk))
        do { source = try ByteReader(path: path, display: display) } catch {
            var message = error.description
            if message.hasPrefix(display) { message = String(message.dropFirst(display.count)).trimmingCharacters(in: CharacterSet(charactersIn: ": ")) }
            throw CSVReader.Failure(file: display, row: 0, message: message)
        }
    }

    /// The file's sha256 (of its bytes as stored), once `fill` has returned true.
    var fileDigest: String { source.fileDigest }

    /// Whether the file is gzip-compressed.
    var isGzip: Bool { source.isGzip }

    /// Fills `batch` with the next complete data rows; true when the data has ended (the
    /// batch then holds the last rows, perhaps none).
    func fill(_ batch: RowBatch) throws(CSVReader.Failure) -> Bool {
        batch.removeRows()
        if let last {
            let tail = last.filled - last.consumed
            if last === batch {
                memmove(batch.bytes, batch.bytes + last.consumed, tail)
            } else {
                batch.filled = 0
                batch.reserve(tail)
                batch.bytes.update(from: last.bytes + last.consumed, count: tail)
            }
            batch.base = last.base + last.consumed
            batch.filled = tail
        } else {
            batch.base = 0
            batch.filled = 0
        }
        batch.consumed = 0
        last = batch
        while true {
            if !atEnd {
                if batch.filled == batch.capacity || batch.capacity - batch.filled < chunk / 2 {
                    guard batch.filled < Self.longestRow else {
                        throw CSVReader.Failure(file: display, row: dataRows + 2, message: "a row is longer than 1 GiB", offset: batch.base)
                    }
                    batch.reserve(batch.filled + chunk)
                }
                try read(into: batch)
            }
            try tokenize(batch)
            if batch.rowCount > 0 || atEnd {
                if atEnd, header == nil { throw CSVReader.Failure(file: display, row: 1, message: "the file is empty; it needs a header row") }
                return atEnd && batch.consumed == batch.filled
            }
        }
    }

    /// Reads until the batch's buffer is full or the data ends.
    private func read(into batch: RowBatch) throws(CSVReader.Failure) {
        while batch.filled < batch.capacity {
            let got: Int
            do {
                got = try source.read(into: UnsafeMutableRawBufferPointer(start: batch.bytes + batch.filled, count: batch.capacity - batch.filled))
            } catch {
                var message = error.description
                if message.hasPrefix(display) { message = String(message.dropFirst(display.count)).trimmingCharacters(in: CharacterSet(charactersIn: ": ")) }
                throw CSVReader.Failure(file: display, row: dataRows + (header == nil ? 1 : 2), message: message, offset: batch.base + batch.filled)
            }
            if got == 0 {
                atEnd = true
                return
            }
            batch.filled += got
        }
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let newlines: UInt64 = 0x0A * ones
    private static let returns: UInt64 = 0x0D * ones

    /// The high bit set in the lowest zero byte of `w` (and perhaps in bytes above it: only
    /// the lowest is exact), nothing when no byte is zero.
    @inline(__always)
    private static func zeroBytes(_ w: UInt64) -> UInt64 {
        (w &- ones) & ~w & 0x8080_8080_8080_8080
    }

    /// Splits the complete rows of `batch.bytes[consumed..<filled]` into fields.
    private func tokenize(_ batch: RowBatch) throws(CSVReader.Failure) {
        let b = batch.bytes
        let filled = batch.filled
        let delimiter = self.delimiter
        let delimiters = UInt64(delimiter) &* Self.ones
        let atEnd = self.atEnd
        // The vectors are appended to as locals and stored back before returning.
        var rowStart = batch.rowStart, fieldStart = batch.fieldStart, fieldEnd = batch.fieldEnd, escaped = batch.fieldEscaped
        var rowNumber = batch.rowNumber, rowLine = batch.rowLine, rowOffset = batch.rowOffset
        // So are the counters.
        var line = self.line, dataRows = self.dataRows, consumed = batch.consumed
        var headerWidth = header?.count ?? -1
        defer {
            (batch.rowStart, batch.fieldStart, batch.fieldEnd, batch.fieldEscaped) = (rowStart, fieldStart, fieldEnd, escaped)
            (batch.rowNumber, batch.rowLine, batch.rowOffset) = (rowNumber, rowLine, rowOffset)
            (self.line, self.dataRows, batch.consumed) = (line, dataRows, consumed)
        }
        var i = consumed
        rows: while i < filled {
            let firstField = fieldStart.count
            var j = i
            var complete = false
            var anyQuoted = false
            fields: while true {
                let start = j
                if j < filled, b[j] == 0x22 {  // a quoted field
                    anyQuoted = true
                    var k = j + 1
                    var closed = false
                    var doubled = false
                    while k < filled {
                        if b[k] == 0x22 {
                            if k + 1 < filled {
                                if b[k + 1] == 0x22 { k += 2; doubled = true; continue }
                                closed = true
                            } else if atEnd {
                                closed = true
                            }
                            break
                        }
                        k += 1
                    }
                    guard closed else {
                        if atEnd { throw CSVReader.Failure(file: display, row: dataRows + (headerWidth < 0 ? 1 : 2), message: "a quoted field is not closed", offset: batch.base + j) }
                        break fields
                    }
                    fieldStart.append(Int32(j + 1))
                    fieldEnd.append(Int32(k))
                    escaped.append(doubled)
                    j = k + 1
                    guard j < filled else {
                        if atEnd { complete = true }
                        break fields
                    }
                    let c = b[j]
                    if c == delimiter { j += 1; continue fields }
                    if c == 0x0A || c == 0x0D { complete = true; break fields }
                    throw CSVReader.Failure(file: display, row: dataRows + (headerWidth < 0 ? 1 : 2), message: "text after a closing quote", offset: batch.base + j)
                }
                // To the field's end, 8 bytes at a time: a byte equal to the delimiter, \n or
                // \r shows as a zero byte of the word xor'ed with it.
                let raw = UnsafeRawPointer(b)
                while j + 8 <= filled {
                    let w = raw.loadUnaligned(fromByteOffset: j, as: UInt64.self)
                    let hits = Self.zeroBytes(w ^ delimiters) | Self.zeroBytes(w ^ Self.newlines) | Self.zeroBytes(w ^ Self.returns)
                    if hits != 0 {
                        j += hits.trailingZeroBitCount >> 3
                        break
                    }
                    j += 8
                }
                while j < filled {
                    let c = b[j]
                    if c == delimiter || c == 0x0A || c == 0x0D { break }
                    j += 1
                }
                if j == filled {
                    guard atEnd else { break fields }
                    // The last row, without a line end.
                    if j > start || fieldStart.count > firstField {
                        fieldStart.append(Int32(start)); fieldEnd.append(Int32(j)); escaped.append(false)
                    }
                    complete = true
                    break fields
                }
                fieldStart.append(Int32(start)); fieldEnd.append(Int32(j)); escaped.append(false)
                if b[j] == delimiter { j += 1; continue fields }
                complete = true
                break fields
            }
            // A `\r` at the end of the bytes read may be half of `\r\n`: wait for the next byte.
            if complete, !atEnd, j < filled, b[j] == 0x0D, j + 1 == filled { complete = false }
            guard complete else {
                fieldStart.count = firstField; fieldEnd.count = firstField; escaped.count = firstField
                break rows
            }
            var next = j
            if next < filled, b[next] == 0x0D { next += 1 }
            if next < filled, b[next] == 0x0A { next += 1 }
            let startLine = line
            if anyQuoted {
                // A quoted field may hold line ends.
                for k in i..<next where b[k] == 0x0A { line += 1 }
                if next > i, b[next - 1] != 0x0A { line += 1 }
            } else {
                line += 1
            }
            let width = fieldStart.count - firstField
            if width == 0 || (width == 1 && !anyQuoted && fieldStart[firstField] == fieldEnd[firstField]) {
                // An empty line.
                fieldStart.count = firstField; fieldEnd.count = firstField; escaped.count = firstField
            } else if headerWidth < 0 {
                header = (firstField..<fieldStart.count).map { f in
                    let text = String(decoding: UnsafeBufferPointer(start: b + Int(fieldStart[f]), count: Int(fieldEnd[f] - fieldStart[f])), as: UTF8.self)
                    return (escaped[f] ? text.replacingOccurrences(of: "\"\"", with: "\"") : text).trimmingCharacters(in: .whitespaces)
                }
                headerWidth = width
                fieldStart.count = firstField; fieldEnd.count = firstField; escaped.count = firstField
            } else {
                dataRows += 1
                guard width == headerWidth || allowRagged else {
                    throw CSVReader.Failure(file: display, row: dataRows + 1, message: "\(width) fields, but the header has \(headerWidth)", offset: batch.base + i)
                }
                rowStart.append(Int32(fieldStart.count))
                rowNumber.append(dataRows)
                rowLine.append(startLine)
                rowOffset.append(batch.base + i)
            }
            i = next
            consumed = i
        }
    }
}

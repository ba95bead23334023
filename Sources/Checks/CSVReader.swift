import Foundation

/// Reads a CSV file (RFC 4180: a header row, `,` between fields, `"` quoting with `""`
/// inside, `\n` or `\r\n` line ends) row by row, through a `CSVStream`, so memory does not
/// grow with the file.
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
        fileprivate let batch: RowBatch
        fileprivate let index: Int
        private var first: Int { Int(batch.rowStart[index]) }

        /// The 1-based row number in the file (the header is row 1).
        var number: Int { batch.rowNumber[index] + 1 }
        /// The byte offset where the row starts in the (uncompressed) data.
        var offset: Int { batch.rowOffset[index] }
        /// The 1-based line where the row starts (quoted fields may span lines).
        var line: Int { batch.rowLine[index] }
        var count: Int { batch.width(index) }

        /// The bytes of field `index` as written, without its surrounding quotes.
        func bytes(_ k: Int) -> UnsafeBufferPointer<UInt8> { batch.field(first + k) }

        /// The field's bytes with `""` unescaped (into `scratch` when needed).
        func unescapedBytes(_ k: Int, scratch: inout [UInt8]) -> UnsafeBufferPointer<UInt8> { batch.value(first + k, scratch: &scratch) }

        func string(_ k: Int) -> String {
            let text = String(decoding: bytes(k), as: UTF8.self)
            return batch.fieldEscaped[first + k] ? text.replacingOccurrences(of: "\"\"", with: "\"") : text
        }

        /// The field as a number (leading and trailing spaces allowed), or nil.
        func number(_ k: Int) -> Double? { NumberParser.parse(bytes(k)) }
    }

    let path: String
    let display: String
    /// The field separator (`,`; `;` or a tab in some exports).
    var delimiter: UInt8 = 0x2C
    /// Hand rows with another number of fields than the header to the caller, instead of
    /// refusing the file.
    var allowRagged = false
    /// Bytes read at a time (tests make it small, to cross every boundary).
    var chunk = 1 << 22

    init(path: String, display: String, delimiter: UInt8 = 0x2C, allowRagged: Bool = false) {
        (self.path, self.display, self.delimiter, self.allowRagged) = (path, display, delimiter, allowRagged)
    }

    /// Calls `header` with the header's fields, then `row` for every data row. Empty lines
    /// are skipped. A gzip-compressed file is read as its data. Returns the file's sha256 (of
    /// its bytes as stored), taken as it was read.
    @discardableResult
    func read(header: ([String]) throws -> Void, row handleRow: (Row) throws -> Void) throws -> String {
        let stream = try CSVStream(path: path, display: display, delimiter: delimiter, allowRagged: allowRagged, chunk: chunk)
        let batch = RowBatch(capacity: chunk)
        var sawHeader = false
        var ended = false
        while !ended {
            ended = try stream.fill(batch)
            if !sawHeader, let names = stream.header {
                sawHeader = true
                try header(names)
            }
            for r in 0..<batch.rowCount { try handleRow(Row(batch: batch, index: r)) }
        }
        return stream.fileDigest
    }
}

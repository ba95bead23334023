#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation

/// The data check's one pass over its files. Rows are read in batches of about 4 MB; the
/// columns of one batch are checked in parallel (each column by one thread at a time, in row
/// order) while the next batch is read and split into fields.
final class DataScan: @unchecked Sendable {
    let contract: DataContract
    let keep: Int
    let columns: [DataColumnCheck]
    let keys: [DataKeyCheck]
    /// The file-level rules: the header against the contract, and readable rows.
    private(set) var schema: DataTally
    private(set) var malformed: DataTally
    /// Rows read and checked (malformed ones are not).
    private(set) var rowCount = 0
    /// Two batches: one checked while the other is filled.
    private let batches = (RowBatch(), RowBatch())
    /// The reading of the next batch, done alongside the checks of the current one.
    private final class Reading: @unchecked Sendable {
        var ended = false
        var failure: CSVReader.Failure?
    }

    /// Rows in a JSON Lines batch.
    static let jsonBatch = 4096

    init(contract: DataContract, keep: Int) {
        (self.contract, self.keep) = (contract, keep)
        schema = DataTally(column: "(file)", rule: "columns",
                           description: "the contract's columns\(contract.ordered ? ", in order" : "")\(contract.strict ? ", and no others" : "")", severity: .error)
        malformed = DataTally(column: "(file)", rule: "rows-readable", description: "every row has the header's fields and valid UTF-8", severity: .error)
        let freshness = contract.freshnessColumn.flatMap { name in contract.columns.firstIndex { $0.name == name } }
        columns = contract.columns.enumerated().map { index, column in DataColumnCheck(column, isFreshness: index == freshness, keep: keep) }
        keys = contract.uniqueKeys.map { DataKeyCheck(names: $0, contract: contract, keep: keep) }
    }

    /// Every tally, in the order the result lists them.
    var tallies: [DataTally] { [schema, malformed] + columns.flatMap(\.tallies.all) + keys.map(\.tally) }

    /// The newest value of the freshness column.
    var newest: Double? { columns.first(where: \.isFreshness)?.tallies.newest }

    /// Checks a CSV file; returns its sha256.
    func scanCSV(path: String, file: String, delimiter: UInt8) throws(CheckFailure) -> String {
        do throws(CSVReader.Failure) {
            let stream = try CSVStream(path: path, display: file, delimiter: delimiter, allowRagged: true)
            var (current, next) = batches
            let reading = Reading()
            reading.ended = try stream.fill(current)
            let names = stream.header ?? []
            let positions = checkHeader(names, file: file)
            if !stream.isGzip, current.rowCount > 0, let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int {
                // Size the uniqueness tables for the whole file, from the first batch's row length.
                let perRow = max(1.0, Double(current.consumed) / Double(current.rowCount))
                let expected = Int(min(Double(size) / perRow * 1.05, Double(1 << 32))) + 16
                for column in columns { column.expect(rows: rowCount + expected) }
                for key in keys { key.expect(rows: rowCount + expected) }
            }
            accept(current, width: names.count, file: file)
            while true {
                let fetch = !reading.ended
                let filling = next
                evaluate(BatchView(current), positions: positions, file: file) {
                    guard fetch else { return }
                    do throws(CSVReader.Failure) {
                        reading.ended = try stream.fill(filling)
                        self.accept(filling, width: names.count, file: file)
                    } catch { reading.failure = error }
                }
                if let failure = reading.failure { throw failure }
                guard fetch else { break }
                swap(&current, &next)
            }
            return stream.fileDigest
        } catch {
            throw CheckFailure(error.description)
        }
    }

    /// Checks a JSON Lines file (its objects' keys are the columns); returns its sha256.
    func scanJSONLines(path: String, file: String) throws(CheckFailure) -> String {
        let names = contract.columns.map(\.name)
        let positions = checkHeader(names, file: file)
        let batch = batches.0
        func flush() {
            evaluate(BatchView(batch), positions: positions, file: file, alongside: nil)
            batch.removeRows()
            batch.filled = 0
        }
        flush()
        let digest = try JSONLines.read(path: path, display: file) { object, line, offset in
            guard let object else {
                malformed.record(false, keep: keep, sample: "\(file):\(line) (byte \(offset)): not a JSON object")
                return
            }
            malformed.record(true, keep: keep, sample: "")
            rowCount += 1
            batch.appendRow(names.map { JSONLines.text(object[$0]).map { Array($0.utf8) } }, number: line, line: line, offset: offset)
            batch.rowAccepted.append(true)
            if batch.rowCount >= Self.jsonBatch { flush() }
        }
        flush()
        return digest
    }

    /// Records whether the file's columns are the contract's; returns each contract
    /// column's field in the file (nil: missing).
    private func checkHeader(_ names: [String], file: String) -> [Int?] {
        let positions = contract.columns.map { column in names.firstIndex(of: column.name) }
        let missing = contract.columns.enumerated().filter { positions[$0.offset] == nil }.map(\.element.name)
        let extra = names.filter { name in !contract.columns.contains { $0.name == name } }
        var problems: [String] = []
        if !missing.isEmpty { problems.append("missing \(missing.joined(separator: ", "))") }
        if contract.strict, !extra.isEmpty { problems.append("not in the contract: \(extra.joined(separator: ", "))") }
        if contract.ordered, missing.isEmpty {
            let order = contract.columns.compactMap { c in names.firstIndex(of: c.name) }
            if order != order.sorted() { problems.append("out of order: \(names.filter { n in contract.columns.contains { $0.name == n } }.joined(separator: ", "))") }
        }
        schema.record(problems.isEmpty, keep: keep, sample: "\(file): " + problems.joined(separator: "; "))
        return positions
    }

    /// Marks which rows of a CSV batch are checked: those with the header's number of fields
    /// and valid UTF-8 in every field. The others are counted against `rows-readable`.
    private func accept(_ batch: RowBatch, width: Int, file: String) {
        var accepted = batch.rowAccepted
        var tally = malformed
        var rows = rowCount
        defer { (batch.rowAccepted, malformed, rowCount) = (accepted, tally, rows) }
        accepted.removeAll()
        let view = BatchView(batch)
        let ascii = DataValues.isASCII(batch.bytes, count: batch.consumed)
        for r in 0..<view.rowCount {
            var at: String { "\(file):\(view.rowLine[r]) (row \(view.rowNumber[r]), byte \(batch.rowOffset[r]))" }
            let fields = Int(view.rowStart[r])..<Int(view.rowStart[r + 1])
            var ok = true
            if fields.count != width {
                tally.record(false, keep: keep, sample: "\(at): \(fields.count) fields, but the header has \(width)")
                ok = false
            } else if !ascii, fields.contains(where: { !DataValues.isValidUTF8(batch.field($0)) }) {
                tally.record(false, keep: keep, sample: "\(at): invalid UTF-8")
                ok = false
            } else {
                tally.record(true, keep: keep, sample: "")
                rows += 1
            }
            accepted.append(ok)
        }
    }

    /// Checks every column and key of a batch in parallel, with `alongside` (reading the
    /// next batch) as one more task.
    private func evaluate(_ view: BatchView, positions: [Int?], file: String, alongside: (@Sendable () -> Void)?) {
        let active = columns.indices.filter { columns[$0].hasRules }
        let tasks = 1 + active.count + keys.count
        DispatchQueue.concurrentPerform(iterations: tasks) { task in
            if task == 0 {
                alongside?()
            } else if task <= active.count {
                let index = active[task - 1]
                columns[index].evaluate(view, position: positions[index], file: file)
            } else {
                keys[task - 1 - active.count].evaluate(view, positions: positions, file: file)
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
import Foundation

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

    public func run(in directory: String, commit: String) throws(CheckFailure) -> CheckResult {
        let started = Date()
        let clock = ContinuousClock.now
        let contract = options.contract
        var inputs: [CheckResult.Input] = []
        if let file = options.contractFile {
            inputs.append(.init(path: file, sha256: CheckResult.sha256(ofFile: Self.absolute(file, in: directory)) ?? ""))
        }
        guard !options.files.isEmpty else { throw CheckFailure("give the data files to check, e.g. mlgate check data \(options.name) --contract contract.yml data/train.csv") }

        let scan = DataScan(contract: contract, keep: options.samples)
        for file in options.files {
            let path = Self.absolute(file, in: directory)
            let digest = switch options.format ?? (Self.isJSONLines(file) ? .jsonl : .csv) {
            case .csv: try scan.scanCSV(path: path, file: file, delimiter: options.delimiter)
            case .jsonl: try scan.scanJSONLines(path: path, file: file)
            }
            inputs.append(.init(path: file, sha256: digest))
        }
        let rowCount = scan.rowCount
        let newest = scan.newest

        // Dataset rules.
        let tallies = scan.tallies
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

    static func describe(age seconds: Double) -> String {
        if seconds < 120 { return "\(Int(seconds))s" }
        if seconds < 7200 { return "\(Int(seconds / 60))m" }
        if seconds < 172_800 { return "\(Int(seconds / 3600))h" }
        return "\(Int(seconds / 86_400))d"
    }
}

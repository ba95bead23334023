import Foundation

/// `mlgate check drift`: has the current data moved away from the reference? Per column,
/// Evidently's default test (DataDriftPreset) and threshold, or the ones asked for; dataset
/// drift when the share of drifted columns reaches `driftShare`.
public struct DriftCheck: Sendable {
    public enum StatTest: String, Sendable, CaseIterable { case ks, chisquare, z, wasserstein, jensenshannon, psi }

    public struct Options: Sendable {
        public var name: String
        public var model: String?
        public var reference: String
        /// How the reference is shown (a `REV:PATH` read from git).
        public var referenceDisplay: String?
        public var current: String
        /// The columns to compare (default: every column both files have).
        public var columns: [String] = []
        public var stattest: StatTest?
        public var stattestFor: [String: StatTest] = [:]
        public var threshold: Double?
        public var thresholdFor: [String: Double] = [:]
        public var driftShare = 0.5
        public var delimiter: UInt8 = 0x2C

        public init(name: String, reference: String, current: String) {
            (self.name, self.reference, self.current) = (name, reference, current)
        }
    }

    public let options: Options

    public init(_ options: Options) { self.options = options }

    /// One column of a file: its numbers while every value is one, and the counts of its
    /// values while there are few of them (all that the tests need). Values are counted by a
    /// hash of their bytes; a value's text is made once, when it is first seen.
    struct ColumnSample {
        var numbers: [Double] = []
        var numeric = true
        private var byHash: [UInt128: (text: String, count: Int)] = [:]
        var manyValues = false
        var total = 0

        mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
            total += 1
            if numeric {
                if let x = NumberParser.parse(bytes), x.isFinite { numbers.append(x) } else { numeric = false; numbers = [] }
            }
            guard !manyValues else { return }
            let key = HashSet128.hash(bytes)
            if let entry = byHash[key] {
                byHash[key] = (entry.text, entry.count + 1)
            } else {
                byHash[key] = (String(decoding: bytes, as: UTF8.self), 1)
                if byHash.count > 1000 { manyValues = true; byHash = [:] }
            }
        }

        /// Each value's count: numbers by their value (`1` and `1.0` are one value), as pandas
        /// counts a numeric column.
        var counts: [String: Int] {
            var out: [String: Int] = [:]
            for (_, entry) in byHash {
                let key = numeric ? String(NumberParser.parse(entry.text) ?? 0) : entry.text
                out[key, default: 0] += entry.count
            }
            return out
        }
    }

    static func read(_ path: String, display: String, delimiter: UInt8) throws(CheckFailure) -> (names: [String], columns: [ColumnSample], sha256: String) {
        var names: [String] = []
        var columns: [ColumnSample] = []
        var digest = ""
        do {
            digest = try CSVReader(path: path, display: display, delimiter: delimiter).read(header: { header in
                names = header
                columns = Array(repeating: ColumnSample(), count: header.count)
            }, row: { row in
                for k in 0..<row.count {
                    // Nulls (empty fields, NaN) are left out, as Evidently drops them.
                    var field = row.bytes(k)
                    while let first = field.first, first == 0x20 { field = UnsafeBufferPointer(rebasing: field[1...]) }
                    while let last = field.last, last == 0x20 { field = UnsafeBufferPointer(rebasing: field[..<(field.count - 1)]) }
                    if field.isEmpty || (field.count == 3 && (field[0] | 0x20) == 0x6E && (field[1] | 0x20) == 0x61 && (field[2] | 0x20) == 0x6E) { continue }
                    columns[k].add(field)
                }
            })
        } catch let failure as CSVReader.Failure {
            throw CheckFailure(failure.description)
        } catch {
            throw CheckFailure("\(display): \(error)")
        }
        return (names, columns, digest)
    }

    public func run(in directory: String, commit: String) throws(CheckFailure) -> CheckResult {
        let started = Date()
        let clock = ContinuousClock.now
        func absolute(_ p: String) -> String { p.hasPrefix("/") ? p : directory + "/" + p }
        let referenceName = options.referenceDisplay ?? options.reference
        let reference = try Self.read(absolute(options.reference), display: referenceName, delimiter: options.delimiter)
        let current = try Self.read(absolute(options.current), display: options.current, delimiter: options.delimiter)
        var names = options.columns.isEmpty ? reference.names.filter(current.names.contains) : options.columns
        for name in names where !reference.names.contains(name) || !current.names.contains(name) {
            throw CheckFailure("column '\(name)' is not in both files (\(referenceName): \(reference.names.joined(separator: ", ")); \(options.current): \(current.names.joined(separator: ", ")))")
        }
        names = names.filter { _ in true }
        guard !names.isEmpty else { throw CheckFailure("\(referenceName) and \(options.current) have no column in common") }

        var outcomes: [CheckResult.Rule] = []
        var measurements: [String: Double] = [:]
        var drifted = 0
        var series: [CheckResult.Series] = []
        for name in names {
            let r = reference.columns[reference.names.firstIndex(of: name)!]
            let c = current.columns[current.names.firstIndex(of: name)!]
            guard r.total > 0, c.total > 0 else {
                outcomes.append(.init(rule: "\(name): drift", metric: "\(name).drift", value: nil, comparison: "", threshold: nil,
                                      verdict: .pass, message: "\(name): no values to compare"))
                continue
            }
            let numeric = r.numeric && c.numeric
            let referenceCounts = r.counts, currentCounts = c.counts
            var union = referenceCounts
            for (k, v) in currentCounts { union[k, default: 0] += v }
            let fewValues = !r.manyValues && !c.manyValues && union.count <= 5
            // Evidently's choice (DataDriftPreset), unless one is asked for.
            let test: StatTest = options.stattestFor[name] ?? options.stattest ?? {
                if r.total <= 1000 {
                    if numeric, !fewValues { return .ks }
                    return union.count > 2 || !fewValues ? .chisquare : .z
                }
                return numeric && !fewValues ? .wasserstein : .jensenshannon
            }()
            let pValueTest = [StatTest.ks, .chisquare, .z].contains(test)
            let threshold = options.thresholdFor[name] ?? options.threshold ?? (pValueTest ? 0.05 : 0.1)
            if (test == .ks || test == .wasserstein), !numeric {
                throw CheckFailure("column '\(name)' is not numeric; \(test.rawValue) needs numbers (use chisquare, z, jensenshannon or psi)")
            }
            if (test == .chisquare || test == .z), r.manyValues || c.manyValues {
                throw CheckFailure("column '\(name)' has more than 1000 distinct values; \(test.rawValue) compares categories")
            }
            let keys = Array(union.keys)
            var statistic: Double
            switch test {
            case .ks: statistic = DriftTests.kolmogorovSmirnov(r.numbers, c.numbers).pValue
            case .chisquare: statistic = DriftTests.chiSquare(reference: referenceCounts, current: currentCounts, keys: keys).pValue
            case .z: statistic = DriftTests.proportionsZ(reference: referenceCounts, current: currentCounts, keys: keys).pValue
            case .wasserstein: statistic = DriftTests.wassersteinNormed(r.numbers, c.numbers)
            case .jensenshannon, .psi:
                let useNumbers = numeric && (r.manyValues || referenceCounts.count > 20)
                let binned = useNumbers
                    ? DriftTests.binned(reference: r.numbers, current: c.numbers, fillZeros: test == .psi)
                    : DriftTests.binned(referenceCounts: referenceCounts, currentCounts: currentCounts, fillZeros: test == .psi)
                statistic = test == .psi ? DriftTests.psi(binned.reference, binned.current)
                                         : DriftTests.jensenShannon(binned.reference, binned.current)
            }
            // KS drifts at p ≤ threshold, the other p-value tests at p < threshold, distances at ≥.
            let drift = test == .ks ? statistic <= threshold : (pValueTest ? statistic < threshold : statistic >= threshold)
            if drift { drifted += 1 }
            measurements["\(name).\(test.rawValue)"] = statistic
            series += numeric && !fewValues
                ? ColumnHistograms.numeric(column: name, reference: r.numbers, current: c.numbers)
                : (r.manyValues || c.manyValues ? [] : ColumnHistograms.categorical(column: name, reference: referenceCounts, current: currentCounts))
            let what = pValueTest ? "p-value" : "distance"
            let op = pValueTest ? (test == .ks ? "≤" : "<") : "≥"
            outcomes.append(.init(rule: "\(name): \(test.rawValue) \(pValueTest ? "p" : "distance") \(op) \(Measurement.format(threshold))", metric: "\(name).\(test.rawValue)", value: statistic,
                                  comparison: pValueTest ? (test == .ks ? "<=" : "<") : ">=", threshold: threshold,
                                  verdict: drift ? .fail : .pass,
                                  message: "\(name): \(test.rawValue) \(what) \(String(format: "%.4g", statistic)) \(drift ? "" : "not ")\(pValueTest ? (test == .ks ? "≤" : "<") : "≥") \(Measurement.format(threshold))\(drift ? ": drifted" : "")"))
        }
        let share = Double(drifted) / Double(names.count)
        measurements["drifted_columns"] = Double(drifted)
        measurements["drift_share"] = share
        let datasetDrift = share >= options.driftShare
        outcomes.append(.init(rule: "dataset drift", metric: "drift_share", value: share, comparison: "<", threshold: options.driftShare,
                              verdict: datasetDrift ? .fail : .pass,
                              message: "\(drifted) of \(names.count) columns drifted (share \(Measurement.format(share)); dataset drift at ≥ \(Measurement.format(options.driftShare)))"))
        let status: CheckResult.Status = datasetDrift ? .fail : (drifted > 0 ? .warn : .pass)
        let drift = outcomes.filter { $0.verdict == .fail && $0.rule != "dataset drift" }.map { String($0.rule.split(separator: ":").first ?? "") }
        let summary = "\(drifted) of \(names.count) columns drifted" + (drift.isEmpty ? "" : " (\(drift.joined(separator: ", ")))")
            + (datasetDrift ? "; dataset drift" : "")
        let elapsed = ContinuousClock.now - clock
        return CheckResult(check: options.name, kind: .data, status: status, summary: summary, measurements: measurements,
                           findings: [], inputs: [.init(path: referenceName, sha256: reference.sha256),
                                                  .init(path: options.current, sha256: current.sha256)],
                           commit: commit, model: options.model, startedAt: Timestamp.text(started),
                           durationMs: Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000),
                           rules: outcomes, series: series)
    }
}

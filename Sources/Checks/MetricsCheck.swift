import Foundation
import YAMLSource

/// `mlgate check metrics`: a model's metrics, read from a metrics file or computed from its
/// predictions, against rules — absolute, against the champion (the version the target
/// stage holds), and statistical on the same rows (paired bootstrap, McNemar).
public struct MetricsCheck: Sendable {
    public struct Options: Sendable {
        public var name: String
        public var model: String?
        /// A JSON or YAML file of metrics (nested keys read as `a.b.c`).
        public var metricsFile: String?
        /// A predictions CSV, and its columns.
        public var predictions: String?
        public var label: String?
        public var score: String?
        public var prediction: String?
        public var threshold = 0.5
        /// binary, multiclass or regression (inferred when nil).
        public var task: String?
        public var id: String?
        public var slice: String?
        public var rules: [String] = []
        public var resamples = 1000
        public var confidence = 0.95
        public var seed: UInt64 = 1
        public var allowNoBaseline = false

        public init(name: String) { self.name = name }
    }

    /// The version the target stage holds, as far as it is known.
    public struct Champion: Sendable {
        /// Its version (for messages), nil when the stage holds none.
        public var version: String?
        /// Its recorded metrics (its evidence for this check), if any.
        public var measurements: [String: Double]?
        /// Its predictions on the evaluation rows (a file, and how to show it).
        public var predictions: String?
        public var predictionsDisplay: String?

        public init(version: String?, measurements: [String: Double]? = nil, predictions: String? = nil, predictionsDisplay: String? = nil) {
            (self.version, self.measurements, self.predictions, self.predictionsDisplay) = (version, measurements, predictions, predictionsDisplay)
        }
    }

    public let options: Options

    public init(_ options: Options) { self.options = options }

    /// Computes the metrics and applies the rules. Bad input (a missing file, a row that
    /// cannot be read, a rule that does not parse or names no metric) throws.
    public func run(in directory: String, commit: String, champion: Champion?) throws(CheckFailure) -> CheckResult {
        let started = Date()
        let clock = ContinuousClock.now
        let rules = try options.rules.map { (text) throws(CheckFailure) in try MetricRule(text) }
        guard options.metricsFile != nil || options.predictions != nil else {
            throw CheckFailure("give --metrics FILE (JSON or YAML) or --predictions FILE with --label COL")
        }
        var inputs: [CheckResult.Input] = []
        var values: [String: Double] = [:]
        if let file = options.metricsFile {
            let path = Self.absolute(file, in: directory)
            guard let data = FileManager.default.contents(atPath: path) else { throw CheckFailure("cannot read the metrics file \(file)") }
            values = try MetricsFile.read(data, file: file)
            inputs.append(.init(path: file, sha256: CheckResult.sha256(of: data)))
        }
        var candidate: Predictions?
        if let file = options.predictions {
            guard let label = options.label else { throw CheckFailure("--predictions needs --label COL, the column of true labels") }
            let task: Predictions.Task?
            if let text = options.task {
                guard let t = Predictions.Task(rawValue: text) else { throw CheckFailure("--task is binary, multiclass or regression, not '\(text)'") }
                task = t
            } else {
                task = nil
            }
            let columns = Predictions.Columns(label: label, score: options.score, prediction: options.prediction, threshold: options.threshold,
                                              task: task, id: options.id, slice: options.slice)
            let path = Self.absolute(file, in: directory)
            let read = try Predictions.read(path, display: file, columns: columns)
            candidate = read
            for (k, v) in read.metrics() { values[k] = v }
            // With --slice, every metric per value of the column too (`recall[region=eu]`).
            if let slices = read.sliceOf, let column = options.slice {
                for (code, sliceName) in read.sliceNames.enumerated() {
                    let weights = slices.map { $0 == Int32(code) ? 1.0 : 0.0 }
                    for (k, v) in read.metrics(weights: weights) { values["\(k)[\(column)=\(sliceName)]"] = v }
                }
            }
            inputs.append(.init(path: file, sha256: read.sha256))
        }
        for rule in rules where values[rule.metric] == nil {
            throw CheckFailure("rule '\(rule.text)': no metric '\(rule.metric)'; the metrics are \(values.keys.sorted().joined(separator: ", "))")
        }
        if rules.contains(where: \.perSlice), candidate?.sliceOf == nil {
            throw CheckFailure("per_slice rules need --predictions and --slice COL")
        }
        if rules.contains(where: \.isPaired), candidate == nil {
            throw CheckFailure("non_inferior and superior compare predictions on the same rows: give --predictions, and the champion's with --baseline")
        }

        // The champion: its predictions (on the same rows, joined), else its recorded metrics.
        var findings: [CheckResult.Finding] = []
        var championValues = champion?.measurements
        var paired: (candidate: Predictions, champion: Predictions)?
        if let candidate, let file = champion?.predictions {
            let display = champion?.predictionsDisplay ?? file
            let columns = Predictions.Columns(label: options.label!, score: options.score, prediction: options.prediction,
                                              threshold: options.threshold, task: candidate.task, id: options.id, slice: nil)
            let baseline = try Predictions.read(file, display: display, columns: columns)
            inputs.append(.init(path: display, sha256: baseline.sha256))
            championValues = baseline.metrics()
            let (a, b, unjoined) = try Self.join(candidate, baseline, baselineName: display)
            if unjoined.candidate + unjoined.champion > 0 {
                findings.append(.init(severity: "warning", rule: "unjoined-rows",
                                      message: "\(unjoined.candidate) candidate row(s) and \(unjoined.champion) champion row(s) have no partner on --id \(options.id ?? ""); they are left out of the paired rules\(unjoined.examples.isEmpty ? "" : " (e.g. \(unjoined.examples.joined(separator: ", ")))")"))
            }
            paired = (a, b)
        }

        var outcomes: [CheckResult.Rule] = []
        let championName = champion?.version.map { "champion \($0)" } ?? "champion"
        for rule in rules {
            switch rule.kind {
            case .compare(let op, let bound):
                if rule.perSlice, let candidate, let slices = candidate.sliceOf {
                    for (code, sliceName) in candidate.sliceNames.enumerated() {
                        let weights = slices.map { $0 == Int32(code) ? 1.0 : 0.0 }
                        let value = candidate.metrics(weights: weights)[rule.metric]
                        outcomes.append(compare(rule, op: op, bound: bound, value: value, champion: nil,
                                                slice: "\(options.slice!)=\(sliceName)", championName: championName))
                    }
                } else {
                    outcomes.append(compare(rule, op: op, bound: bound, value: values[rule.metric],
                                            champion: championValues?[rule.metric], slice: nil, championName: championName))
                }
            case .nonInferior, .superior:
                outcomes.append(pairedRule(rule, paired: paired, championName: championName))
            }
        }

        let failed = outcomes.filter { $0.verdict != .pass }
        let status: CheckResult.Status = failed.isEmpty ? .pass : .fail
        var summary: String
        if rules.isEmpty {
            summary = "\(values.count) metrics, no rules"
        } else if failed.isEmpty {
            summary = outcomes.count == 1 ? "1 rule holds" : "all \(outcomes.count) rules hold"
        } else {
            summary = failed.map(\.message).joined(separator: "; ")
        }
        if let rows = values["rows"] { summary += " (\(Measurement.format(rows)) rows)" }
        // The curves of both, when they are binary classifiers with scores.
        var series: [CheckResult.Series] = []
        if let candidate, candidate.task == .binary, let scores = candidate.scores {
            series += ClassifierCurves.series(labels: candidate.labels, scores: scores, name: "candidate")
            if let champion = paired?.champion, let championScores = champion.scores {
                series += ClassifierCurves.series(labels: champion.labels, scores: championScores, name: "champion")
            }
        }
        let elapsed = ContinuousClock.now - clock
        return CheckResult(check: options.name, kind: .metrics, status: status, summary: summary, measurements: values,
                           findings: findings, inputs: inputs, commit: commit, model: options.model,
                           startedAt: Timestamp.text(started),
                           durationMs: Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000),
                           rules: outcomes, series: series)
    }

    private func compare(_ rule: MetricRule, op: MetricRule.Comparison, bound: MetricRule.Bound, value: Double?, champion: Double?,
                         slice: String?, championName: String) -> CheckResult.Rule {
        let threshold: Double
        var championValue: Double?
        var boundText: String
        switch bound {
        case .number(let n):
            threshold = n
            boundText = Measurement.format(n)
        case .champion(let offset, let factor):
            guard let champion else {
                let allowed = options.allowNoBaseline
                return .init(rule: rule.text, metric: rule.metric, slice: slice, value: value, comparison: op.rawValue, threshold: nil,
                             verdict: allowed ? .pass : .fail,
                             message: allowed ? "\(rule.metric): no champion to compare with (first release), allowed by --allow-no-baseline"
                                              : "\(rule.metric): no champion to compare with; promote a first version with --allow-no-baseline, or record this check on the champion")
            }
            championValue = champion
            threshold = champion * factor + offset
            boundText = "\(championName) \(Measurement.format(champion))"
            if offset != 0 { boundText += (offset < 0 ? " − " : " + ") + Measurement.format(abs(offset)) }
            if factor != 1 { boundText += " × " + Measurement.format(factor) }
        }
        guard let value else {
            return .init(rule: rule.text, metric: rule.metric, slice: slice, value: nil, comparison: op.rawValue, threshold: threshold,
                         champion: championValue, verdict: .fail, message: "\(rule.metric)\(slice.map { " [\($0)]" } ?? ""): not defined on these rows")
        }
        let holds: Bool
        switch op {
        case .ge: holds = value >= threshold
        case .le: holds = value <= threshold
        case .gt: holds = value > threshold
        case .lt: holds = value < threshold
        case .eq: holds = value == threshold
        case .ne: holds = value != threshold
        }
        let negated: [MetricRule.Comparison: String] = [.ge: "<", .le: ">", .gt: "≤", .lt: "≥", .eq: "≠", .ne: "="]
        let shown = "\(rule.metric)\(slice.map { " [\($0)]" } ?? "") \(Measurement.format(value))"
        return .init(rule: rule.text, metric: rule.metric, slice: slice, value: value, comparison: op.rawValue, threshold: threshold,
                     champion: championValue, delta: championValue.map { value - $0 }, verdict: holds ? .pass : .fail,
                     message: holds ? "\(shown) \(op.rawValue) \(boundText)" : "\(shown) \(negated[op]!) \(boundText)")
    }

    private func pairedRule(_ rule: MetricRule, paired: (candidate: Predictions, champion: Predictions)?, championName: String) -> CheckResult.Rule {
        let comparison = rule.kind == .superior ? "superior" : "non_inferior"
        guard let (candidate, champion) = paired, candidate.count > 0 else {
            let allowed = options.allowNoBaseline
            return .init(rule: rule.text, metric: rule.metric, value: nil, comparison: comparison, threshold: nil,
                         verdict: allowed ? .pass : .fail,
                         message: allowed ? "\(rule.metric): no champion predictions (first release), allowed by --allow-no-baseline"
                                          : "\(rule.metric): no champion predictions on the same rows; give --baseline FILE or REV:PATH (and --id COL), or --allow-no-baseline for a first release")
        }
        let a = PairedComparison.metric(rule.metric, of: candidate, weights: [Double](repeating: 1, count: candidate.count), rank: nil)
            ?? candidate.metrics()[rule.metric]
        let b = PairedComparison.metric(rule.metric, of: champion, weights: [Double](repeating: 1, count: champion.count), rank: nil)
            ?? champion.metrics()[rule.metric]
        guard let a, let b, let ci = PairedComparison.bootstrap(candidate: candidate, champion: champion, metric: rule.metric,
                                                                  resamples: options.resamples, confidence: options.confidence, seed: options.seed) else {
            return .init(rule: rule.text, metric: rule.metric, value: a, comparison: comparison, threshold: nil, champion: b,
                         verdict: .fail, message: "\(rule.metric): not defined on the joined rows")
        }
        let higher = Predictions.higherIsBetter(rule.metric)
        let level = "\(Measurement.format(options.confidence * 100))% CI of the difference [\(Self.signed(ci.low)), \(Self.signed(ci.high))]"
        var pValue: Double?
        var mcnemarText = ""
        if rule.metric == "accuracy", candidate.task != .regression {
            let test = PairedComparison.mcnemar(candidate: candidate, champion: champion)
            pValue = test.pValue
            mcnemarText = "; McNemar p = \(String(format: "%.4g", test.pValue)) (\(test.candidateOnly) rows only the candidate gets right, \(test.championOnly) only the champion)"
        }
        var holds: Bool
        var threshold: Double
        var message: String
        switch rule.kind {
        case .nonInferior(let margin):
            threshold = higher ? -margin : margin
            holds = higher ? ci.low > -margin : ci.high < margin
            message = "\(rule.metric) \(Measurement.format(a)) vs \(championName) \(Measurement.format(b)) (\(Self.signed(a - b))): \(level) "
                + (holds ? "is within the margin \(Measurement.format(margin))" : "reaches past the margin \(higher ? "−" : "+")\(Measurement.format(margin)): not shown non-inferior")
        default:
            threshold = 0
            holds = higher ? ci.low > 0 : ci.high < 0
            if let p = pValue { holds = holds && p < 1 - options.confidence }
            message = "\(rule.metric) \(Measurement.format(a)) vs \(championName) \(Measurement.format(b)) (\(Self.signed(a - b))): \(level) "
                + (holds ? "shows it better" : "does not show it better")
        }
        message += mcnemarText
        return .init(rule: rule.text, metric: rule.metric, value: a, comparison: comparison, threshold: threshold, champion: b,
                     delta: a - b, ciLow: ci.low, ciHigh: ci.high, pValue: pValue, verdict: holds ? .pass : .fail, message: message)
    }

    static func signed(_ x: Double) -> String { (x >= 0 ? "+" : "−") + Measurement.format(abs(x)) }

    /// The rows both models have, aligned: on `--id` when given, else by position (then the
    /// files must have the same number of rows).
    static func join(_ candidate: Predictions, _ champion: Predictions, baselineName: String) throws(CheckFailure)
        -> (Predictions, Predictions, (candidate: Int, champion: Int, examples: [String])) {
        guard let ids = candidate.ids, let championIDs = champion.ids else {
            guard candidate.count == champion.count else {
                throw CheckFailure("the candidate has \(candidate.count) rows and \(baselineName) \(champion.count): give --id COL to join them")
            }
            return (candidate, champion, (0, 0, []))
        }
        var championRow: [String: Int] = [:]
        championRow.reserveCapacity(championIDs.count)
        for (k, id) in championIDs.enumerated() where championRow[id] == nil { championRow[id] = k }
        var left: [Int] = [], right: [Int] = []
        var unmatched: [String] = []
        var used = Set<Int>()
        for (k, id) in ids.enumerated() {
            if let j = championRow[id], !used.contains(j) {
                left.append(k); right.append(j); used.insert(j)
            } else {
                unmatched.append(id)
            }
        }
        let championOnly = championIDs.count - used.count
        return (candidate.selecting(left), champion.selecting(right), (unmatched.count, championOnly, Array(unmatched.prefix(3))))
    }

    static func absolute(_ path: String, in directory: String) -> String {
        path.hasPrefix("/") ? path : directory + "/" + path
    }
}

/// A metrics file: JSON or YAML, numbers at any depth, read as dotted names (`a.b.c`), as
/// DVC's `metrics.json` writes them. Booleans and strings are not metrics.
enum MetricsFile {
    static func read(_ data: Data, file: String) throws(CheckFailure) -> [String: Double] {
        var out: [String: Double] = [:]
        if let json = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) {
            flatten(json, prefix: "", into: &out)
            guard !out.isEmpty else { throw CheckFailure("\(file) holds no numbers") }
            return out
        }
        let text = String(decoding: data, as: UTF8.self)
        let root: YAMLNode?
        do { root = try YAMLNode.parse(text, file: file) } catch {
            throw CheckFailure("\(file) is neither JSON nor YAML: \(error.description)")
        }
        if let root { flattenYAML(root, prefix: "", into: &out) }
        guard !out.isEmpty else { throw CheckFailure("\(file) holds no numbers") }
        return out
    }

    private static func flatten(_ value: Any, prefix: String, into out: inout [String: Double]) {
        if let dictionary = value as? [String: Any] {
            for (k, v) in dictionary { flatten(v, prefix: prefix.isEmpty ? k : prefix + "." + k, into: &out) }
        } else if let array = value as? [Any] {
            for (k, v) in array.enumerated() { flatten(v, prefix: prefix + "." + String(k), into: &out) }
        } else if let number = value as? NSNumber, !prefix.isEmpty {
            // JSON booleans arrive as NSNumber too; they are not metrics.
            if String(cString: number.objCType) == "c" || value is Bool { return }
            if number.doubleValue.isFinite { out[prefix] = number.doubleValue }
        }
    }

    private static func flattenYAML(_ node: YAMLNode, prefix: String, into out: inout [String: Double]) {
        switch node.content {
        case .mapping(let pairs):
            for (k, v) in pairs { flattenYAML(v, prefix: prefix.isEmpty ? (k.scalar ?? "") : prefix + "." + (k.scalar ?? ""), into: &out) }
        case .sequence(let items):
            for (k, v) in items.enumerated() { flattenYAML(v, prefix: prefix + "." + String(k), into: &out) }
        case .scalar(let text, let quoted):
            if !quoted, !prefix.isEmpty, let value = Double(text), value.isFinite { out[prefix] = value }
        }
    }
}

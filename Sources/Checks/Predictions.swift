import Foundation

/// A model's predictions on evaluation rows, read from a CSV file: the label, and a score
/// (binary), a predicted class, or an estimate (regression); optionally an id per row (to
/// join with the champion's) and a slice column.
struct Predictions: Sendable {
    enum Task: String, Sendable, CaseIterable { case binary, multiclass, regression }

    /// Which columns hold what.
    struct Columns: Sendable {
        var label: String
        var score: String?
        var prediction: String?
        var threshold = 0.5
        var task: Task?
        var id: String?
        var slice: String?
    }

    let task: Task
    let count: Int
    /// The file's sha256.
    var sha256 = ""
    var ids: [String]?
    /// Slice index per row, and the slices' values.
    var sliceOf: [Int32]?
    var sliceNames: [String] = []
    // Binary.
    var labels: [UInt8] = []
    var scores: [Double]?
    var predicted: [UInt8] = []
    // Multiclass: codes into `classes`.
    var labelCodes: [Int32] = []
    var predictedCodes: [Int32] = []
    var classes: [String] = []
    // Regression.
    var truth: [Double] = []
    var estimates: [Double] = []

    /// Reads `path` (shown as `display`); a bad value is a `CheckFailure` naming its row.
    static func read(_ path: String, display: String, columns: Columns) throws(CheckFailure) -> Predictions {
        var labelIndex = -1, scoreIndex = -1, predictionIndex = -1, idIndex = -1, sliceIndex = -1
        var task = columns.task ?? (columns.score != nil ? .binary : nil)
        var labels: [UInt8] = [], predicted: [UInt8] = [], scores: [Double] = []
        var labelTexts: [String] = [], predictionTexts: [String] = []
        var truth: [Double] = [], estimates: [Double] = []
        var ids: [String] = []
        var sliceOf: [Int32] = [], sliceCodes: [String: Int32] = [:], sliceNames: [String] = []
        func binary(_ row: CSVReader.Row, _ index: Int, _ what: String) throws(CSVReader.Failure) -> UInt8 {
            let bytes = row.bytes(index)
            if bytes.count == 1, bytes[0] == 0x30 || bytes[0] == 0x31 { return bytes[0] - 0x30 }
            switch row.string(index).trimmingCharacters(in: .whitespaces).lowercased() {
            case "0", "0.0", "false": return 0
            case "1", "1.0", "true": return 1
            case let other:
                throw CSVReader.Failure(file: display, row: row.number, message: "\(what) '\(other)' is not 0 or 1 (a binary label); use --task multiclass for other classes")
            }
        }
        var digest = ""
        do {
            digest = try CSVReader(path: path, display: display).read(header: { names in
                func find(_ name: String?, _ option: String) throws -> Int {
                    guard let name else { return -1 }
                    guard let index = names.firstIndex(of: name) else {
                        throw CSVReader.Failure(file: display, row: 1, message: "no column '\(name)' (\(option)); the columns are \(names.joined(separator: ", "))")
                    }
                    return index
                }
                labelIndex = try find(columns.label, "--label")
                scoreIndex = try find(columns.score, "--score")
                predictionIndex = try find(columns.prediction, "--prediction")
                idIndex = try find(columns.id, "--id")
                sliceIndex = try find(columns.slice, "--slice")
            }, row: { row in
                if idIndex >= 0 { ids.append(row.string(idIndex)) }
                if sliceIndex >= 0 {
                    let value = row.string(sliceIndex)
                    if let code = sliceCodes[value] { sliceOf.append(code) } else {
                        let code = Int32(sliceNames.count)
                        sliceCodes[value] = code
                        sliceNames.append(value)
                        sliceOf.append(code)
                    }
                }
                if scoreIndex >= 0 {
                    guard let score = row.number(scoreIndex) else {
                        throw CSVReader.Failure(file: display, row: row.number, message: "score '\(row.string(scoreIndex))' is not a number")
                    }
                    if task == .binary {
                        guard (0...1).contains(score) else {
                            throw CSVReader.Failure(file: display, row: row.number, message: "score \(score) is not a probability (0 to 1)")
                        }
                        scores.append(score)
                        labels.append(try binary(row, labelIndex, "label"))
                        predicted.append(predictionIndex >= 0 ? try binary(row, predictionIndex, "prediction") : (score >= columns.threshold ? 1 : 0))
                    } else {
                        // A regression estimate in the score column.
                        estimates.append(score)
                        guard let y = row.number(labelIndex) else {
                            throw CSVReader.Failure(file: display, row: row.number, message: "label '\(row.string(labelIndex))' is not a number")
                        }
                        truth.append(y)
                    }
                    return
                }
                labelTexts.append(row.string(labelIndex).trimmingCharacters(in: .whitespaces))
                predictionTexts.append(row.string(predictionIndex).trimmingCharacters(in: .whitespaces))
            })
        } catch let failure as CSVReader.Failure {
            throw CheckFailure(failure.description)
        } catch {
            throw CheckFailure("\(display): \(error)")
        }
        if labelIndex < 0 { throw CheckFailure("give --label COL, the column of true labels") }
        var result: Predictions
        if scoreIndex >= 0 {
            result = Predictions(task: task ?? .binary, count: task == .regression ? truth.count : labels.count)
            if task == .regression { (result.truth, result.estimates) = (truth, estimates) } else {
                (result.labels, result.scores, result.predicted) = (labels, scores, predicted)
            }
        } else {
            guard predictionIndex >= 0 else { throw CheckFailure("give --score COL (a probability) or --prediction COL (a class or an estimate)") }
            // The task from the values, unless given: numbers that are not all 0/1 integers are a
            // regression only when asked; 0/1 is binary; anything else is multiclass.
            if task == nil {
                let values = Set(labelTexts).union(predictionTexts)
                task = values.isSubset(of: ["0", "1"]) ? .binary : .multiclass
            }
            switch task! {
            case .regression:
                var t: [Double] = [], e: [Double] = []
                for (k, (y, p)) in zip(labelTexts, predictionTexts).enumerated() {
                    guard let yv = Double(y), let pv = Double(p), yv.isFinite, pv.isFinite else {
                        throw CheckFailure("\(display): row \(k + 2): label '\(y)' or prediction '\(p)' is not a number")
                    }
                    t.append(yv); e.append(pv)
                }
                result = Predictions(task: .regression, count: t.count)
                (result.truth, result.estimates) = (t, e)
            case .binary:
                var l: [UInt8] = [], p: [UInt8] = []
                for (k, (y, q)) in zip(labelTexts, predictionTexts).enumerated() {
                    guard let yv = Self.binaryValue(y), let qv = Self.binaryValue(q) else {
                        throw CheckFailure("\(display): row \(k + 2): '\(Self.binaryValue(y) == nil ? y : q)' is not 0 or 1 (a binary label); use --task multiclass for other classes")
                    }
                    l.append(yv); p.append(qv)
                }
                result = Predictions(task: .binary, count: l.count)
                (result.labels, result.predicted) = (l, p)
            case .multiclass:
                var codes: [String: Int32] = [:], classes: [String] = []
                func code(_ s: String) -> Int32 {
                    if let c = codes[s] { return c }
                    let c = Int32(classes.count)
                    codes[s] = c
                    classes.append(s)
                    return c
                }
                result = Predictions(task: .multiclass, count: labelTexts.count)
                result.labelCodes = labelTexts.map(code)
                result.predictedCodes = predictionTexts.map(code)
                result.classes = classes
            }
        }
        if idIndex >= 0 { result.ids = ids }
        if sliceIndex >= 0 { (result.sliceOf, result.sliceNames) = (sliceOf, sliceNames) }
        guard result.count > 0 else { throw CheckFailure("\(display) has no rows") }
        result.sha256 = digest
        return result
    }

    static func binaryValue(_ text: String) -> UInt8? {
        switch text.lowercased() {
        case "0", "0.0", "false": 0
        case "1", "1.0", "true": 1
        default: nil
        }
    }

    private init(task: Task, count: Int) {
        self.task = task
        self.count = count
    }

    /// The rows at `rows`, in that order (to align with another model's rows).
    func selecting(_ rows: [Int]) -> Predictions {
        var copy = Predictions(task: task, count: rows.count)
        copy.ids = ids.map { all in rows.map { all[$0] } }
        copy.sliceOf = sliceOf.map { all in rows.map { all[$0] } }
        copy.sliceNames = sliceNames
        switch task {
        case .binary:
            copy.labels = rows.map { labels[$0] }
            copy.predicted = rows.map { predicted[$0] }
            copy.scores = scores.map { all in rows.map { all[$0] } }
        case .multiclass:
            copy.labelCodes = rows.map { labelCodes[$0] }
            copy.predictedCodes = rows.map { predictedCodes[$0] }
            copy.classes = classes
        case .regression:
            copy.truth = rows.map { truth[$0] }
            copy.estimates = rows.map { estimates[$0] }
        }
        return copy
    }

    /// Whether row `i`'s prediction is right (classifiers).
    func correct(_ i: Int) -> Bool {
        switch task {
        case .binary: labels[i] == predicted[i]
        case .multiclass: labelCodes[i] == predictedCodes[i]
        case .regression: false
        }
    }

    // MARK: Metrics

    /// Every metric this task has, over all rows or with a weight per row.
    func metrics(weights: [Double]? = nil, rank: RankOrder? = nil) -> [String: Double] {
        typealias M = ClassificationMetrics
        var out: [String: Double] = [:]
        switch task {
        case .binary:
            let c = M.confusion(labels: labels, predicted: predicted, weights: weights)
            out["accuracy"] = c.accuracy
            out["precision"] = c.precision
            out["recall"] = c.recall
            out["f1"] = c.f1
            // Macro and weighted over the classes present in labels or predictions.
            let negative = c.negative
            var perClass: [(Double, Double, Double, Double)] = []
            if c.tn + c.fp > 0 || c.tn + c.fn > 0 {
                perClass.append((negative.precision, negative.recall, negative.f1, c.tn + c.fp))
            }
            if c.tp + c.fn > 0 || c.tp + c.fp > 0 { perClass.append((c.precision, c.recall, c.f1, c.tp + c.fn)) }
            let averaged = M.averaged(perClass.map { (precision: $0.0, recall: $0.1, f1: $0.2, support: $0.3) })
            (out["precision_macro"], out["recall_macro"], out["f1_macro"]) = averaged.macro
            (out["precision_weighted"], out["recall_weighted"], out["f1_weighted"]) = averaged.weighted
            if let scores {
                var logLoss = M.Sum(), brier = M.Sum(), total = M.Sum()
                for i in 0..<count {
                    let w = weights?[i] ?? 1
                    guard w != 0 else { continue }
                    logLoss.add(w * M.logLoss(label: labels[i], score: scores[i]))
                    brier.add(w * M.brier(label: labels[i], score: scores[i]))
                    total.add(w)
                }
                out["log_loss"] = logLoss.total / total.total
                out["brier"] = brier.total / total.total
                let ranked: (rocAUC: Double, averagePrecision: Double)
                if let weights {
                    let order = rank ?? RankOrder(scores)
                    ranked = M.rankMetrics(order: order.order, groupEnds: order.groupEnds, labels: labels, weights: weights)
                } else {
                    var positives: [UInt64] = [], negatives: [UInt64] = []
                    positives.reserveCapacity(Int(c.tp + c.fn))
                    negatives.reserveCapacity(Int(c.tn + c.fp))
                    for i in 0..<count {
                        if labels[i] == 1 { positives.append(M.sortKey(scores[i])) } else { negatives.append(M.sortKey(scores[i])) }
                    }
                    RadixSort.sort(&positives)
                    RadixSort.sort(&negatives)
                    ranked = M.rankMetrics(positives: positives, negatives: negatives)
                }
                if ranked.rocAUC.isFinite { out["roc_auc"] = ranked.rocAUC }
                if ranked.averagePrecision.isFinite { out["pr_auc"] = ranked.averagePrecision }
            }
        case .multiclass:
            let k = classes.count
            var tp = [Double](repeating: 0, count: k), predictedCount = tp, support = tp
            var right = 0.0, total = 0.0
            for i in 0..<count {
                let w = weights?[i] ?? 1
                guard w != 0 else { continue }
                let y = Int(labelCodes[i]), p = Int(predictedCodes[i])
                support[y] += w
                predictedCount[p] += w
                if y == p { tp[y] += w; right += w }
                total += w
            }
            out["accuracy"] = total > 0 ? right / total : .nan
            var perClass: [(precision: Double, recall: Double, f1: Double, support: Double)] = []
            for c in 0..<k where support[c] > 0 || predictedCount[c] > 0 {
                let precision = predictedCount[c] > 0 ? tp[c] / predictedCount[c] : 0
                let recall = support[c] > 0 ? tp[c] / support[c] : 0
                let f1 = support[c] + predictedCount[c] > 0 ? 2 * tp[c] / (support[c] + predictedCount[c]) : 0
                perClass.append((precision, recall, f1, support[c]))
            }
            let averaged = M.averaged(perClass)
            (out["precision_macro"], out["recall_macro"], out["f1_macro"]) = averaged.macro
            (out["precision_weighted"], out["recall_weighted"], out["f1_weighted"]) = averaged.weighted
        case .regression:
            var totalW = M.Sum(), sumY = M.Sum(), squared = M.Sum(), absolute = M.Sum(), percentage = M.Sum()
            for i in 0..<count {
                let w = weights?[i] ?? 1
                guard w != 0 else { continue }
                let y = truth[i], e = y - estimates[i]
                totalW.add(w)
                sumY.add(w * y)
                squared.add(w * e * e)
                absolute.add(w * abs(e))
                percentage.add(w * abs(e) / max(abs(y), M.epsilon))
            }
            let n = totalW.total
            out["rmse"] = (squared.total / n).squareRoot()
            out["mae"] = absolute.total / n
            out["mape"] = percentage.total / n
            let mean = sumY.total / n
            var total = M.Sum()
            for i in 0..<count {
                let w = weights?[i] ?? 1
                guard w != 0 else { continue }
                let d = truth[i] - mean
                total.add(w * d * d)
            }
            // scikit-learn's force_finite: a constant label gives 1 (perfect) or 0.
            out["r2"] = total.total == 0 ? (squared.total == 0 ? 1 : 0) : 1 - squared.total / total.total
        }
        out["rows"] = weights.map { $0.reduce(0, +) } ?? Double(count)
        return out.filter { $0.value.isFinite }
    }

    /// Whether a higher value of `metric` is better.
    static func higherIsBetter(_ metric: String) -> Bool {
        let lower = ["log_loss", "brier", "rmse", "mae", "mape", "loss", "error", "latency"]
        return !lower.contains { metric == $0 || metric.hasSuffix("_" + $0) || metric.hasPrefix($0 + "_") || metric.hasSuffix($0) }
    }
}

/// Rows sorted once by score (ascending), with the end of each run of equal scores: what
/// weighted rank metrics walk on every bootstrap resample.
struct RankOrder: Sendable {
    let order: [Int32]
    let groupEnds: [Int32]

    init(_ scores: [Double]) {
        let sorted = scores.indices.sorted { scores[$0] < scores[$1] }
        order = sorted.map { Int32($0) }
        var ends: [Int32] = []
        for k in 1..<max(sorted.count, 1) where scores[sorted[k]] != scores[sorted[k - 1]] { ends.append(Int32(k)) }
        if !sorted.isEmpty { ends.append(Int32(sorted.count)) }
        groupEnds = ends
    }
}

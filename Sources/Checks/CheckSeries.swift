import Foundation

extension CheckResult {
    /// Numbers behind a picture of the result — a ROC curve, a calibration plot, a histogram
    /// of a column — recorded with the evidence, so a report of any past decision can be
    /// drawn from git alone.
    public struct Series: Codable, Sendable, Equatable {
        /// What the points are: `roc` (x false-positive rate, y true-positive rate), `pr`
        /// (x recall, y precision), `calibration` (x mean score of a bin, y share of
        /// positives in it, `counts` its rows), `histogram` (y the share of rows per bin;
        /// x the bins' lower edges, or `labels` the categories).
        public var kind: String
        /// Whose: `candidate`, `champion`, `reference` or `current`.
        public var name: String
        /// The column a per-column series is of (drift histograms).
        public var column: String?
        public var x: [Double]
        public var y: [Double]
        /// Category names, one per point (categorical histograms).
        public var labels: [String]?
        /// Rows behind each point (calibration bins).
        public var counts: [Double]?

        public init(kind: String, name: String, column: String? = nil, x: [Double], y: [Double],
                    labels: [String]? = nil, counts: [Double]? = nil) {
            (self.kind, self.name, self.column, self.x, self.y, self.labels, self.counts) = (kind, name, column, x, y, labels, counts)
        }
    }
}

/// The curves of a binary classifier's scores: ROC, precision–recall and calibration, at
/// most `maxPoints` points each (thinned evenly along the curve, ends kept), rounded to
/// 5 significant digits so the evidence stays small.
enum ClassifierCurves {
    static let maxPoints = 101

    static func series(labels: [UInt8], scores: [Double], name: String) -> [CheckResult.Series] {
        let positives = labels.reduce(0) { $0 + Int($1) }, negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return [] }
        // Distinct thresholds from the highest score down.
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var rocX: [Double] = [0], rocY: [Double] = [0], prX: [Double] = [], prY: [Double] = []
        var tp = 0, fp = 0, k = 0
        while k < order.count {
            let s = scores[order[k]]
            while k < order.count, scores[order[k]] == s {
                if labels[order[k]] == 1 { tp += 1 } else { fp += 1 }
                k += 1
            }
            rocX.append(Double(fp) / Double(negatives))
            rocY.append(Double(tp) / Double(positives))
            prX.append(Double(tp) / Double(positives))
            prY.append(Double(tp) / Double(tp + fp))
        }
        // Calibration: ten equal-width bins of the score, as scikit-learn's calibration_curve
        // makes them: bin k holds the scores above its lower edge k × 0.1 (numpy's linspace
        // edges) up to its upper edge, bin 0 also 0 itself.
        var sums = [Double](repeating: 0, count: 10), hits = [Double](repeating: 0, count: 10), rows = [Double](repeating: 0, count: 10)
        let edges = (1...9).map { Double($0) * 0.1 }
        for (i, s) in scores.enumerated() where s.isFinite {
            let bin = edges.reduce(0) { $0 + ($1 < s ? 1 : 0) }
            sums[bin] += s
            hits[bin] += Double(labels[i])
            rows[bin] += 1
        }
        let filled = rows.indices.filter { rows[$0] > 0 }
        return [
            .init(kind: "roc", name: name, x: thin(rocX).map(round5), y: thin(rocY).map(round5)),
            .init(kind: "pr", name: name, x: thin(prX).map(round5), y: thin(prY).map(round5)),
            .init(kind: "calibration", name: name, x: filled.map { round5(sums[$0] / rows[$0]) },
                  y: filled.map { round5(hits[$0] / rows[$0]) }, counts: filled.map { rows[$0] }),
        ]
    }

    /// At most `maxPoints` of `values`, evenly spaced by index, first and last kept.
    static func thin(_ values: [Double]) -> [Double] {
        guard values.count > maxPoints else { return values }
        let step = Double(values.count - 1) / Double(maxPoints - 1)
        return (0..<maxPoints).map { values[Int((Double($0) * step).rounded())] }
    }

    static func round5(_ x: Double) -> Double {
        guard x.isFinite, x != 0 else { return x.isFinite ? 0 : 0 }
        let digits = 5 - Int(floor(log10(abs(x)))) - 1
        let scale = pow(10, Double(max(0, min(15, digits))))
        return (x * scale).rounded() / scale
    }
}

/// Histograms of one column in two samples, over the same bins: up to 20 equal-width bins
/// of the numbers' common range, else the 20 most frequent categories (the rest as
/// "other"). Each point is the share of the sample's rows.
enum ColumnHistograms {
    static let bins = 20

    static func numeric(column: String, reference: [Double], current: [Double]) -> [CheckResult.Series] {
        let all = reference + current
        guard let low = all.min(), let high = all.max() else { return [] }
        let width = high > low ? (high - low) / Double(bins) : 1
        func shares(_ values: [Double]) -> [Double] {
            var counts = [Double](repeating: 0, count: bins)
            for v in values { counts[min(bins - 1, max(0, Int((v - low) / width)))] += 1 }
            return counts.map { ClassifierCurves.round5($0 / Double(max(1, values.count))) }
        }
        let edges = (0..<bins).map { ClassifierCurves.round5(low + Double($0) * width) }
        return [.init(kind: "histogram", name: "reference", column: column, x: edges, y: shares(reference)),
                .init(kind: "histogram", name: "current", column: column, x: edges, y: shares(current))]
    }

    static func categorical(column: String, reference: [String: Int], current: [String: Int]) -> [CheckResult.Series] {
        var union = reference
        for (k, v) in current { union[k, default: 0] += v }
        let ranked = union.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map(\.key)
        let shown = Array(ranked.prefix(bins)), rest = Set(ranked.dropFirst(bins))
        let labels = shown + (rest.isEmpty ? [] : ["other"])
        func shares(_ counts: [String: Int]) -> [Double] {
            let total = Double(max(1, counts.values.reduce(0, +)))
            var out = shown.map { Double(counts[$0] ?? 0) / total }
            if !rest.isEmpty { out.append(Double(rest.reduce(0) { $0 + (counts[$1] ?? 0) }) / total) }
            return out.map(ClassifierCurves.round5)
        }
        let x = labels.indices.map(Double.init)
        return [.init(kind: "histogram", name: "reference", column: column, x: x, y: shares(reference), labels: labels),
                .init(kind: "histogram", name: "current", column: column, x: x, y: shares(current), labels: labels)]
    }
}

import Foundation

/// Metrics of classifiers, computed as scikit-learn computes them (its definitions, ties and
/// zero-division conventions), with optional per-row weights: a bootstrap resample is a
/// weight per row (how many times the row was drawn).
enum ClassificationMetrics {
    /// Sums in a way whose error does not grow with the number of terms (Neumaier), as
    /// numpy's pairwise sums nearly do: 10 million terms agree with scikit-learn to 1e-12.
    struct Sum {
        private(set) var value = 0.0
        private var compensation = 0.0

        @inline(__always) mutating func add(_ x: Double) {
            let t = value + x
            if abs(value) >= abs(x) { compensation += (value - t) + x } else { compensation += (x - t) + value }
            value = t
        }

        var total: Double { value + compensation }
    }

    /// Counts of a binary confusion matrix (weighted).
    struct Confusion {
        var tp = 0.0, fp = 0.0, tn = 0.0, fn = 0.0

        var total: Double { tp + fp + tn + fn }
        var accuracy: Double { total > 0 ? (tp + tn) / total : .nan }
        /// scikit-learn's zero_division default: 0 when there is no predicted positive.
        var precision: Double { tp + fp > 0 ? tp / (tp + fp) : 0 }
        var recall: Double { tp + fn > 0 ? tp / (tp + fn) : 0 }
        var f1: Double { 2 * tp + fp + fn > 0 ? 2 * tp / (2 * tp + fp + fn) : 0 }
        /// The same for class 0 as the positive class.
        var negative: Confusion { Confusion(tp: tn, fp: fn, tn: tp, fn: fp) }
    }

    static func confusion(labels: [UInt8], predicted: [UInt8], weights: [Double]? = nil) -> Confusion {
        var c = Confusion()
        if let weights {
            for i in labels.indices where weights[i] != 0 {
                let w = weights[i]
                switch (labels[i], predicted[i]) {
                case (1, 1): c.tp += w
                case (0, 1): c.fp += w
                case (1, 0): c.fn += w
                default: c.tn += w
                }
            }
        } else {
            var counts = (0, 0, 0, 0)
            for i in labels.indices {
                switch (labels[i] &* 2) &+ predicted[i] {
                case 3: counts.0 += 1
                case 1: counts.1 += 1
                case 2: counts.3 += 1
                default: counts.2 += 1
                }
            }
            c = Confusion(tp: Double(counts.0), fp: Double(counts.1), tn: Double(counts.2), fn: Double(counts.3))
        }
        return c
    }

    /// Precision, recall and F1 averaged over the classes present in the labels or the
    /// predictions: `macro` (unweighted) and `weighted` (by each class's count in the labels).
    static func averaged(_ perClass: [(precision: Double, recall: Double, f1: Double, support: Double)])
        -> (macro: (Double, Double, Double), weighted: (Double, Double, Double)) {
        let n = Double(perClass.count)
        let support = perClass.reduce(0) { $0 + $1.support }
        var macro = (0.0, 0.0, 0.0), weighted = (0.0, 0.0, 0.0)
        for c in perClass {
            macro.0 += c.precision / n; macro.1 += c.recall / n; macro.2 += c.f1 / n
            if support > 0 {
                let w = c.support / support
                weighted.0 += c.precision * w; weighted.1 += c.recall * w; weighted.2 += c.f1 * w
            }
        }
        return (macro, weighted)
    }

    // MARK: Scores (binary)

    /// A double's bits turned into an unsigned key in the same order as the numbers.
    @inline(__always) static func sortKey(_ x: Double) -> UInt64 {
        let bits = (x == 0 ? 0.0 : x).bitPattern  // -0 sorts as 0
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    @inline(__always) static func value(ofKey key: UInt64) -> Double {
        Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
    }

    /// ROC-AUC and average precision from the scores of the positive and of the negative
    /// rows, each sorted ascending by `sortKey`. Ties count half, as scikit-learn's
    /// trapezoids over distinct thresholds do; average precision is its step sum
    /// Σ (Rₙ − Rₙ₋₁) Pₙ over distinct thresholds, highest first.
    static func rankMetrics(positives: [UInt64], negatives: [UInt64]) -> (rocAUC: Double, averagePrecision: Double) {
        let p = positives.count, n = negatives.count
        guard p > 0 else { return (.nan, .nan) }
        // Walk distinct scores from the highest down.
        var i = p - 1, j = n - 1
        var tp = 0, fp = 0
        var aucNumerator = Sum()
        var ap = Sum()
        var previousRecall = 0.0
        while i >= 0 || j >= 0 {
            let key = max(i >= 0 ? positives[i] : 0, j >= 0 ? negatives[j] : 0)
            var groupP = 0, groupN = 0
            while i >= 0, positives[i] == key { groupP += 1; i -= 1 }
            while j >= 0, negatives[j] == key { groupN += 1; j -= 1 }
            // Positives in this group beat the negatives below it, and tie with this group's.
            aucNumerator.add(Double(groupP) * (Double(j + 1) + 0.5 * Double(groupN)))
            tp += groupP
            fp += groupN
            let recall = Double(tp) / Double(p)
            if groupP > 0 { ap.add((recall - previousRecall) * Double(tp) / Double(tp + fp)) }
            previousRecall = recall
        }
        let auc = n > 0 ? aucNumerator.total / (Double(p) * Double(n)) : .nan
        return (auc, ap.total)
    }

    /// The same with a weight per row, over rows sorted once by score: `order` holds row
    /// indices ascending, `groupEnds` the end of each run of equal scores in it.
    static func rankMetrics(order: [Int32], groupEnds: [Int32], labels: [UInt8], weights: [Double]) -> (rocAUC: Double, averagePrecision: Double) {
        var totalP = 0.0, totalN = 0.0
        for k in labels.indices where weights[k] != 0 {
            if labels[k] == 1 { totalP += weights[k] } else { totalN += weights[k] }
        }
        guard totalP > 0 else { return (.nan, .nan) }
        // AUC: ascending, negatives below each group.
        var negativesBelow = 0.0
        var auc = Sum()
        var start = 0
        for end in groupEnds {
            var gp = 0.0, gn = 0.0
            for k in start..<Int(end) {
                let row = Int(order[k])
                let w = weights[row]
                if labels[row] == 1 { gp += w } else { gn += w }
            }
            auc.add(gp * (negativesBelow + 0.5 * gn))
            negativesBelow += gn
            start = Int(end)
        }
        // Average precision: descending.
        var tp = 0.0, fp = 0.0, previousRecall = 0.0
        var ap = Sum()
        var groupIndex = groupEnds.count - 1
        while groupIndex >= 0 {
            let end = Int(groupEnds[groupIndex])
            let begin = groupIndex > 0 ? Int(groupEnds[groupIndex - 1]) : 0
            var gp = 0.0, gn = 0.0
            for k in begin..<end {
                let row = Int(order[k])
                if labels[row] == 1 { gp += weights[row] } else { gn += weights[row] }
            }
            tp += gp
            fp += gn
            let recall = tp / totalP
            if gp > 0 { ap.add((recall - previousRecall) * tp / (tp + fp)) }
            previousRecall = recall
            groupIndex -= 1
        }
        return (totalN > 0 ? auc.total / (totalP * totalN) : .nan, ap.total)
    }

    /// scikit-learn's clipping of probabilities for log-loss: [ε, 1 − ε], ε the double's.
    static let epsilon = Double.ulpOfOne

    /// The log-loss of one row: −log of the probability given to its label.
    @inline(__always) static func logLoss(label: UInt8, score: Double) -> Double {
        let p = label == 1 ? score : 1 - score
        return -log(min(max(p, epsilon), 1 - epsilon))
    }

    /// (score − label)².
    @inline(__always) static func brier(label: UInt8, score: Double) -> Double {
        let d = score - Double(label)
        return d * d
    }
}

/// Sorts unsigned keys in place, least significant byte first, skipping bytes every key
/// shares (probabilities share their top bytes). Linear time: 10 million keys in a fraction
/// of a second.
enum RadixSort {
    static func sort(_ keys: inout [UInt64]) {
        guard keys.count > 64 else { keys.sort(); return }
        var buffer = [UInt64](repeating: 0, count: keys.count)
        var counts = [Int](repeating: 0, count: 256 * 8)
        keys.withUnsafeBufferPointer { k in
            counts.withUnsafeMutableBufferPointer { c in
                for key in k {
                    var x = key
                    for byte in 0..<8 {
                        c[byte * 256 + Int(x & 0xFF)] += 1
                        x >>= 8
                    }
                }
            }
        }
        var sourceIsKeys = true
        for byte in 0..<8 {
            let base = byte * 256
            // A byte every key shares moves nothing.
            if counts[base..<(base + 256)].contains(keys.count) { continue }
            var offsets = [Int](repeating: 0, count: 256)
            var running = 0
            for v in 0..<256 {
                offsets[v] = running
                running += counts[base + v]
            }
            let shift = UInt64(byte * 8)
            if sourceIsKeys {
                keys.withUnsafeBufferPointer { src in
                    buffer.withUnsafeMutableBufferPointer { dst in
                        for key in src {
                            let v = Int((key >> shift) & 0xFF)
                            dst[offsets[v]] = key
                            offsets[v] += 1
                        }
                    }
                }
            } else {
                buffer.withUnsafeBufferPointer { src in
                    keys.withUnsafeMutableBufferPointer { dst in
                        for key in src {
                            let v = Int((key >> shift) & 0xFF)
                            dst[offsets[v]] = key
                            offsets[v] += 1
                        }
                    }
                }
            }
            sourceIsKeys.toggle()
        }
        if !sourceIsKeys { keys = buffer }
    }
}

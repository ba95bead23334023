import Foundation

/// Statistics that compare two models on the same rows, so a gate does not promote on noise.
enum PairedComparison {
    /// A seeded generator (xoshiro256**), so a bootstrap gives the same interval every run.
    struct Generator {
        private var s: (UInt64, UInt64, UInt64, UInt64)

        init(seed: UInt64) {
            // SplitMix64 spreads the seed over the state.
            var x = seed
            func next() -> UInt64 {
                x &+= 0x9E37_79B9_7F4A_7C15
                var z = x
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                return z ^ (z >> 31)
            }
            s = (next(), next(), next(), next())
        }

        @inline(__always) mutating func next() -> UInt64 {
            let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
            let t = s.1 << 17
            s.2 ^= s.0
            s.3 ^= s.1
            s.1 ^= s.2
            s.0 ^= s.3
            s.2 ^= t
            s.3 = s.3 << 45 | s.3 >> 19
            return result
        }

        /// Uniform in 0..<bound (Lemire's multiply-shift; the bias is below 2⁻³² for any
        /// table this size).
        @inline(__always) mutating func below(_ bound: Int) -> Int {
            Int((UInt128(next()) &* UInt128(bound)) >> 64)
        }
    }

    /// The paired bootstrap: `resamples` times, draw the rows with replacement, compute the
    /// metric for both models on the draw, and keep candidate − champion. Returns the
    /// percentile interval at `confidence`. Each resample draws from its own generator,
    /// seeded from `seed` and its index, so the interval is the same however the resamples
    /// are shared between the machine's cores.
    static func bootstrap(candidate: Predictions, champion: Predictions, metric: String,
                          resamples: Int, confidence: Double, seed: UInt64) -> (low: Double, high: Double)? {
        let n = candidate.count
        guard n > 0, resamples > 0 else { return nil }
        // ROC-AUC walks the rows sorted once by score, with integer counts; other metrics
        // take the draw as a weight per row.
        let fastAUC = metric == "roc_auc" && candidate.task == .binary
        let aucCandidate = fastAUC ? candidate.scores.map { WeightedAUC(scores: $0, labels: candidate.labels) } : nil
        let aucChampion = fastAUC ? champion.scores.map { WeightedAUC(scores: $0, labels: champion.labels) } : nil
        let rankCandidate = fastAUC ? nil : candidate.scores.map(RankOrder.init)
        let rankChampion = fastAUC ? nil : champion.scores.map(RankOrder.init)
        /// One slot per resample, each written by one worker only.
        final class Slots: @unchecked Sendable {
            let values: UnsafeMutableBufferPointer<Double>
            init(_ count: Int) {
                values = .allocate(capacity: count)
                values.initialize(repeating: .nan)
            }
            deinit { values.deallocate() }
        }
        let slots = Slots(resamples)
        let differences = slots.values
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8, resamples))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let differences = slots.values
            var counts = [Int32](repeating: 0, count: n)
            var weights = fastAUC ? [] : [Double](repeating: 0, count: n)
            var r = worker
            while r < resamples {
                var generator = Generator(seed: seed &+ UInt64(r) &* 0x9E37_79B9_7F4A_7C15)
                counts.withUnsafeMutableBufferPointer { c in
                    for k in 0..<n { c[k] = 0 }
                    for _ in 0..<n { c[generator.below(n)] += 1 }
                }
                if let aucCandidate, let aucChampion {
                    let a = counts.withUnsafeBufferPointer { aucCandidate.auc(counts: $0) }
                    let b = counts.withUnsafeBufferPointer { aucChampion.auc(counts: $0) }
                    if a.isFinite, b.isFinite { differences[r] = a - b }
                } else {
                    for k in 0..<n { weights[k] = Double(counts[k]) }
                    let a = Self.metric(metric, of: candidate, weights: weights, rank: rankCandidate)
                    let b = Self.metric(metric, of: champion, weights: weights, rank: rankChampion)
                    if let a, let b, a.isFinite, b.isFinite { differences[r] = a - b }
                }
                r += workers
            }
        }
        let kept = differences.filter { !$0.isNaN }.sorted()
        guard !kept.isEmpty else { return nil }
        let alpha = (1 - confidence) / 2
        return (percentile(kept, alpha), percentile(kept, 1 - alpha))
    }

    /// ROC-AUC with an integer weight per row, over rows sorted once by score: one pass per
    /// resample, exact in integers (ties count half).
    struct WeightedAUC: Sendable {
        let order: [Int32]
        let positive: [Bool]
        /// Whether the next sorted row has the same score.
        let tiedWithNext: [Bool]

        init(scores: [Double], labels: [UInt8]) {
            let keys = scores.map(ClassificationMetrics.sortKey)
            let sorted = keys.indices.sorted { keys[$0] < keys[$1] }
            order = sorted.map { Int32($0) }
            positive = sorted.map { labels[$0] == 1 }
            tiedWithNext = sorted.indices.map { $0 + 1 < sorted.count && keys[sorted[$0]] == keys[sorted[$0 + 1]] }
        }

        func auc(counts: UnsafeBufferPointer<Int32>) -> Double {
            var negativesBelow: Int64 = 0, positives: Int64 = 0
            var twiceNumerator: Int64 = 0
            var groupP: Int64 = 0, groupN: Int64 = 0
            order.withUnsafeBufferPointer { order in
                positive.withUnsafeBufferPointer { positive in
                    tiedWithNext.withUnsafeBufferPointer { tied in
                        for k in 0..<order.count {
                            let w = Int64(counts[Int(order[k])])
                            if positive[k] { groupP += w } else { groupN += w }
                            if !tied[k] {
                                twiceNumerator += groupP * (2 * negativesBelow + groupN)
                                negativesBelow += groupN
                                positives += groupP
                                groupP = 0
                                groupN = 0
                            }
                        }
                    }
                }
            }
            guard positives > 0, negativesBelow > 0 else { return .nan }
            return Double(twiceNumerator) / (2 * Double(positives) * Double(negativesBelow))
        }
    }

    /// One metric only (the bootstrap's inner loop computes no others when it can).
    static func metric(_ name: String, of predictions: Predictions, weights: [Double], rank: RankOrder?) -> Double? {
        if predictions.task == .binary, ["accuracy", "precision", "recall", "f1"].contains(name) {
            let c = ClassificationMetrics.confusion(labels: predictions.labels, predicted: predictions.predicted, weights: weights)
            switch name {
            case "accuracy": return c.accuracy
            case "precision": return c.precision
            case "recall": return c.recall
            default: return c.f1
            }
        }
        if predictions.task == .binary, name == "roc_auc" || name == "pr_auc", let rank {
            let r = ClassificationMetrics.rankMetrics(order: rank.order, groupEnds: rank.groupEnds, labels: predictions.labels, weights: weights)
            let value = name == "roc_auc" ? r.rocAUC : r.averagePrecision
            return value.isFinite ? value : nil
        }
        return predictions.metrics(weights: weights, rank: rank)[name]
    }

    /// numpy's default (linear) percentile of sorted values.
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down)), upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
    }

    /// McNemar's test on the rows one model gets right and the other wrong: the exact
    /// binomial test when there are fewer than 25 such rows, else the χ² test with
    /// continuity correction. Returns the two-sided p-value and the counts.
    static func mcnemar(candidate: Predictions, champion: Predictions) -> (pValue: Double, candidateOnly: Int, championOnly: Int) {
        var b = 0, c = 0
        for i in 0..<candidate.count {
            let x = candidate.correct(i), y = champion.correct(i)
            if x, !y { b += 1 } else if y, !x { c += 1 }
        }
        let n = b + c
        guard n > 0 else { return (1, b, c) }
        if n < 25 {
            // Two-sided exact: 2 × P(X ≤ min(b, c)), X ~ Binomial(n, ½), at most 1.
            var tail = 0.0
            var coefficient = 1.0  // C(n, 0)
            for k in 0...min(b, c) {
                if k > 0 { coefficient *= Double(n - k + 1) / Double(k) }
                tail += coefficient
            }
            return (min(1, 2 * tail / pow(2, Double(n))), b, c)
        }
        let statistic = pow(Double(abs(b - c)) - 1, 2) / Double(n)
        return (erfc((statistic / 2).squareRoot()), b, c)
    }
}

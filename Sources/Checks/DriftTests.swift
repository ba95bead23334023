#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The statistical tests of `mlgate check drift`, computed as scipy computes them (and as
/// Evidently calls them): two-sample Kolmogorov–Smirnov, chi-square, the two-proportion
/// Z-test, the Wasserstein distance normed by the reference's standard deviation,
/// Jensen–Shannon distance and PSI over Evidently's bins.
enum DriftTests {
    /// `values` in ascending order, by a radix sort of their bits (linear time).
    static func sorted(_ values: [Double]) -> [Double] {
        var keys = values.map(ClassificationMetrics.sortKey)
        RadixSort.sort(&keys)
        return keys.map(ClassificationMetrics.value(ofKey:))
    }

    // MARK: Kolmogorov–Smirnov (scipy.stats.ks_2samp, two-sided, method "auto")

    /// D = sup |F₁ − F₂| and its p-value: exact when both samples have at most 10,000 values,
    /// else the asymptotic distribution of D for n = round(n₁n₂ / (n₁ + n₂)).
    static func kolmogorovSmirnov(_ a: [Double], _ b: [Double]) -> (statistic: Double, pValue: Double) {
        let x = sorted(a), y = sorted(b)
        let n1 = x.count, n2 = y.count
        guard n1 > 0, n2 > 0 else { return (.nan, .nan) }
        // The largest gap between the two empirical distribution functions.
        var i = 0, j = 0
        var d = 0.0
        while i < n1 || j < n2 {
            let v = i < n1 && (j >= n2 || x[i] <= y[j]) ? x[i] : y[j]
            while i < n1, x[i] <= v { i += 1 }
            while j < n2, y[j] <= v { j += 1 }
            d = max(d, abs(Double(i) / Double(n1) - Double(j) / Double(n2)))
        }
        if max(n1, n2) <= 10_000, let exact = exactKS(n1, n2, d) { return (d, exact) }
        let m = Double(max(n1, n2)), n = Double(min(n1, n2))
        let en = (m * n / (m + n)).rounded()
        return (d, min(max(kolmogorovSurvival(d, n: Int(en)), 0), 1))
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    /// scipy's exact two-sided probability, or nil when it cannot be had.
    static func exactKS(_ n1: Int, _ n2: Int, _ dIn: Double) -> Double? {
        let g = gcd(n1, n2)
        let lcm = (n1 / g) * n2
        let h = Int((dIn * Double(lcm)).rounded(.toNearestOrEven))
        if h == 0 { return 1 }
        let p: Double
        if n1 == n2 {
            // Paths outside the two diagonal lines (Horner-like, without cancellation).
            var P = 0.0
            var k = n1 / h
            while k >= 0 {
                var p1 = 1.0
                for j in 0..<h { p1 = Double(n1 - k * h - j) * p1 / Double(n1 + k * h + j + 1) }
                P = p1 * (1 - P)
                k -= 1
            }
            p = 2 * P
        } else {
            p = outsideProbability(n1, n2, g, h)
        }
        guard p.isFinite, (0...1).contains(p) else { return nil }
        return p
    }

    /// The proportion of lattice paths from (0, 0) to (m, n) that leave the band
    /// |x/m − y/n| < h / lcm(m, n): the two-sided p-value (Hodges' recursion, scaled per
    /// column, as scipy computes it).
    private static func outsideProbability(_ mIn: Int, _ nIn: Int, _ g: Int, _ h: Int) -> Double {
        let (m, n) = mIn >= nIn ? (mIn, nIn) : (nIn, mIn)
        let mg = m / g, ng = n / g
        var minj = 0
        var maxj = min(Int((Double(h) / Double(mg)).rounded(.up)), n + 1)
        var curlen = maxj - minj
        let lenA = min(2 * maxj + 2, n + 1)
        var A = [Double](repeating: 1, count: lenA)
        for k in minj..<min(maxj, lenA) { A[k] = 0 }
        for i in 1...m {
            let lastminj = minj, lastlen = curlen
            minj = max(Int((Double(ng * i - h) / Double(mg)).rounded(.down)) + 1, 0)
            minj = min(minj, n)
            maxj = min(Int((Double(ng * i + h) / Double(mg)).rounded(.up)), n + 1)
            if maxj <= minj { return 0 }
            var val = minj == 0 ? 0.0 : 1.0
            for jj in 0..<(maxj - minj) {
                let j = jj + minj
                val = (A[jj + minj - lastminj] * Double(i) + val * Double(j)) / Double(i + j)
                A[jj] = val
            }
            curlen = maxj - minj
            if lastlen > curlen {
                for k in (maxj - minj)..<min(maxj - minj + (lastlen - curlen), lenA) { A[k] = 1 }
            }
        }
        return A[maxj - minj - 1]
    }

    /// P(Dₙ ≥ d) for the one-sample Kolmogorov statistic (scipy's `kstwo.sf`), by Marsaglia,
    /// Tsang and Wang's exact matrix method, with Kolmogorov's limit for large n·d².
    static func kolmogorovSurvival(_ d: Double, n: Int) -> Double {
        guard n > 0 else { return .nan }
        if d <= 0 { return 1 }
        if d >= 1 { return 0 }
        let nd = Double(n) * d
        // Far in the tail (or huge n) the limiting series is exact to double precision.
        if Double(n) * d * d > 18 || n > 100_000 {
            var sum = 0.0
            let t = d * Double(n).squareRoot()
            for k in 1...100 {
                let term = exp(-2 * Double(k * k) * t * t) * (k % 2 == 1 ? 1 : -1)
                sum += term
                if abs(term) < 1e-18 { break }
            }
            return 2 * sum
        }
        let k = Int(nd) + 1
        let m = 2 * k - 1
        let h = Double(k) - nd
        // H[i][j], as in the paper.
        var H = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            for j in 0..<m { H[i * m + j] = i - j + 1 < 0 ? 0 : 1 }
        }
        for i in 0..<m {
            H[i * m] -= pow(h, Double(i + 1))
            H[(m - 1) * m + i] -= pow(h, Double(m - i))
        }
        H[(m - 1) * m] += 2 * h - 1 > 0 ? pow(2 * h - 1, Double(m)) : 0
        for i in 0..<m {
            for j in 0..<m where i - j + 1 > 0 {
                for g in 1...(i - j + 1) { H[i * m + j] /= Double(g) }
            }
        }
        // Hⁿ with a separate power-of-ten exponent against overflow.
        func multiply(_ a: [Double], _ b: [Double]) -> [Double] {
            var c = [Double](repeating: 0, count: m * m)
            for i in 0..<m {
                for l in 0..<m where a[i * m + l] != 0 {
                    let x = a[i * m + l]
                    for j in 0..<m { c[i * m + j] += x * b[l * m + j] }
                }
            }
            return c
        }
        func power(_ a: [Double], _ e: Int) -> ([Double], Int) {
            if e == 1 { return (a, 0) }
            let (half, halfExponent) = power(a, e / 2)
            var result = multiply(half, half)
            var exponent = 2 * halfExponent
            if e % 2 == 1 { result = multiply(a, result) }
            if result[(k - 1) * m + (k - 1)] > 1e140 {
                for index in result.indices { result[index] *= 1e-140 }
                exponent += 140
            }
            return (result, exponent)
        }
        var (Q, exponent) = power(H, n)
        var s = Q[(k - 1) * m + (k - 1)]
        Q = []
        for i in 1...n {
            s = s * Double(i) / Double(n)
            if s < 1e-140 {
                s *= 1e140
                exponent -= 140
            }
        }
        let cdf = s * pow(10, Double(exponent))
        return 1 - cdf
    }

    // MARK: Categorical tests

    /// scipy.stats.chisquare of the current counts against the reference's proportions
    /// scaled to the current size (Evidently's `chisquare`): the p-value.
    static func chiSquare(reference: [String: Int], current: [String: Int], keys: [String]) -> (statistic: Double, pValue: Double) {
        let nRef = Double(reference.values.reduce(0, +)), nCur = Double(current.values.reduce(0, +))
        guard nRef > 0, nCur > 0, keys.count > 1 else { return (0, 1) }
        var statistic = 0.0
        for key in keys {
            let expected = Double(reference[key] ?? 0) * nCur / nRef
            let observed = Double(current[key] ?? 0)
            statistic += expected == 0 ? (observed == 0 ? 0 : .infinity) : (observed - expected) * (observed - expected) / expected
        }
        guard statistic.isFinite else { return (statistic, 0) }
        return (statistic, regularizedGammaQ(Double(keys.count - 1) / 2, statistic / 2))
    }

    /// Evidently's two-proportion Z-test (the share of the first category, sorted), two-sided.
    static func proportionsZ(reference: [String: Int], current: [String: Int], keys: [String]) -> (statistic: Double, pValue: Double) {
        let nRef = Double(reference.values.reduce(0, +)), nCur = Double(current.values.reduce(0, +))
        if reference.count == 1, current.count == 1, reference.keys.first == current.keys.first { return (0, 1) }
        guard let first = keys.sorted().first, nRef > 0, nCur > 0 else { return (0, 1) }
        // Evidently maps the first key to 0 and the others to 1.
        let p1 = (nRef - Double(reference[first] ?? 0)) / nRef, p2 = (nCur - Double(current[first] ?? 0)) / nCur
        let pooled = (p1 * nRef + p2 * nCur) / (nRef + nCur)
        let z = (p1 - p2) / (pooled * (1 - pooled) * (1 / nRef + 1 / nCur)).squareRoot()
        guard z.isFinite else { return (z, z.isNaN ? .nan : 0) }
        return (z, erfc(abs(z) / 2.0.squareRoot()))
    }

    // MARK: Distances

    /// scipy.stats.wasserstein_distance divided by the reference's standard deviation
    /// (population, at least 0.001), as Evidently's `wasserstein`.
    static func wassersteinNormed(_ a: [Double], _ b: [Double]) -> Double {
        let u = sorted(a), v = sorted(b)
        guard !u.isEmpty, !v.isEmpty else { return .nan }
        // The distinct values of both, merged in order.
        var all: [Double] = []
        all.reserveCapacity(u.count + v.count)
        var p = 0, q = 0
        while p < u.count || q < v.count {
            let next: Double
            if q >= v.count || (p < u.count && u[p] <= v[q]) {
                next = u[p]
                p += 1
            } else {
                next = v[q]
                q += 1
            }
            if all.last != next { all.append(next) }
        }
        var i = 0, j = 0
        var distance = 0.0
        for k in 0..<(all.count - 1) {
            while i < u.count, u[i] <= all[k] { i += 1 }
            while j < v.count, v[j] <= all[k] { j += 1 }
            distance += abs(Double(i) / Double(u.count) - Double(j) / Double(v.count)) * (all[k + 1] - all[k])
        }
        let mean = u.reduce(0, +) / Double(u.count)
        let variance = u.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(u.count)
        return distance / max(variance.squareRoot(), 0.001)
    }

    /// Evidently's `get_binned_data` for a numeric column whose reference has more than 20
    /// distinct values: numpy's Sturges bins over both samples, each sample's share per bin.
    /// With `fillZeros` (PSI), empty bins get a small share instead of 0.
    static func binned(reference: [Double], current: [Double], fillZeros: Bool) -> (reference: [Double], current: [Double]) {
        let combined = reference + current
        guard let lo = combined.min(), let hi = combined.max() else { return ([], []) }
        let bins = Int((log2(Double(combined.count)) + 1).rounded(.up))
        let edges = (0...bins).map { lo + (hi - lo) * Double($0) / Double(bins) }
        func histogram(_ values: [Double]) -> [Double] {
            var counts = [Double](repeating: 0, count: bins)
            for x in values {
                guard x >= lo, x <= hi else { continue }
                // numpy: half-open bins, the last one closed.
                var k = hi > lo ? Int((x - lo) / (hi - lo) * Double(bins)) : 0
                k = min(max(k, 0), bins - 1)
                if x < edges[k] { k -= 1 } else if k + 1 < bins, x >= edges[k + 1] { k += 1 }
                counts[k] += 1
            }
            return counts.map { $0 / Double(values.count) }
        }
        return filled(histogram(reference), histogram(current), fillZeros)
    }

    /// The same for any other column: the share of each value in each sample.
    static func binned(referenceCounts: [String: Int], currentCounts: [String: Int], fillZeros: Bool) -> (reference: [Double], current: [Double]) {
        let keys = Array(Set(referenceCounts.keys).union(currentCounts.keys)).sorted()
        let nr = Double(referenceCounts.values.reduce(0, +)), nc = Double(currentCounts.values.reduce(0, +))
        return filled(keys.map { Double(referenceCounts[$0] ?? 0) / nr }, keys.map { Double(currentCounts[$0] ?? 0) / nc }, fillZeros)
    }

    /// Evidently's filling of empty bins for PSI: a millionth of the smallest share when that is
    /// at most 0.0001, else 0.0001.
    private static func filled(_ r: [Double], _ c: [Double], _ fillZeros: Bool) -> (reference: [Double], current: [Double]) {
        guard fillZeros else { return (r, c) }
        func fill(_ p: [Double]) -> [Double] {
            guard let smallest = p.filter({ $0 != 0 }).min() else { return p }
            let filler = smallest <= 0.0001 ? smallest / 1e6 : 0.0001
            return p.map { $0 == 0 ? filler : $0 }
        }
        return (fill(r), fill(c))
    }

    /// scipy.spatial.distance.jensenshannon (natural logarithm) of two distributions.
    static func jensenShannon(_ pIn: [Double], _ qIn: [Double]) -> Double {
        let ps = pIn.reduce(0, +), qs = qIn.reduce(0, +)
        let p = pIn.map { $0 / ps }, q = qIn.map { $0 / qs }
        var total = 0.0
        for k in p.indices {
            let m = (p[k] + q[k]) / 2
            if p[k] > 0 { total += p[k] * log(p[k] / m) }
            if q[k] > 0 { total += q[k] * log(q[k] / m) }
        }
        return (max(total, 0) / 2).squareRoot()
    }

    /// The population stability index: Σ (r − c) ln(r / c).
    static func psi(_ r: [Double], _ c: [Double]) -> Double {
        zip(r, c).reduce(0) { $0 + ($1.0 - $1.1) * log($1.0 / $1.1) }
    }

    // MARK: Special functions

    /// Q(a, x), the regularized upper incomplete gamma function (the χ² survival function is
    /// Q(k/2, x/2)): a series below a + 1, a continued fraction above (Numerical Recipes).
    static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        guard x > 0 else { return 1 }
        let lnGammaA = Double.logGamma(a)
        if x < a + 1 {
            var sum = 1 / a, term = sum, ap = a
            for _ in 0..<10_000 {
                ap += 1
                term *= x / ap
                sum += term
                if abs(term) < abs(sum) * 1e-16 { break }
            }
            return max(0, 1 - sum * exp(-x + a * log(x) - lnGammaA))
        }
        var b = x + 1 - a, c = 1 / Double.leastNormalMagnitude, d = 1 / b, h = d
        for i in 1...10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < Double.leastNormalMagnitude { d = Double.leastNormalMagnitude }
            c = b + an / c
            if abs(c) < Double.leastNormalMagnitude { c = Double.leastNormalMagnitude }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return exp(-x + a * log(x) - lnGammaA) * h
    }
}

extension Double {
    /// ln Γ(x) for x > 0 (glibc's lgamma, unambiguous).
    static func logGamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }
}

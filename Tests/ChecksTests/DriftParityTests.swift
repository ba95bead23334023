@testable import Checks
import Foundation
import Testing
import TestSupport

/// The drift statistics equal scipy's (and numpy's binning, as Evidently calls them) to 1e-6,
/// on generated samples with and without a shift: Kolmogorov–Smirnov exact (equal and
/// unequal sizes) and asymptotic, chi-square, the Z-test, normed Wasserstein, Jensen–Shannon
/// and PSI.
@Suite("Drift statistics equal scipy's")
struct DriftParityTests {
    func sample(_ n: Int, shift: Double, seed: UInt64, rounding: Double = 1000) -> [Double] {
        var random = MetricsParityTests.Random(state: seed)
        return (0..<n).map { _ in
            // A rough normal from 12 uniforms, rounded: ties, as real data has.
            let x = (0..<12).reduce(0.0) { acc, _ in acc + random.next() } - 6 + shift
            return (x * rounding).rounded() / rounding
        }
    }

    func reference(_ script: String, _ samples: [String: [Double]]) throws -> [String: Double] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlgate-drift-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, values) in samples {
            try values.map { String($0) }.joined(separator: "\n").write(toFile: dir + "/\(name).txt", atomically: true, encoding: .utf8)
        }
        let result = try ProcessRunner.run(MetricsParityTests.python, ["-c", "import numpy as np\nload = lambda n: np.loadtxt(n + '.txt')\n" + script], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Double])
    }

    @Test("Kolmogorov–Smirnov: exact for equal and unequal sizes, asymptotic past 10,000 values")
    func kolmogorovSmirnov() throws {
        let cases: [(String, [Double], [Double])] = [
            ("equal", sample(500, shift: 0, seed: 1), sample(500, shift: 0.15, seed: 2)),
            ("unequal", sample(800, shift: 0, seed: 3), sample(1300, shift: 0.1, seed: 4)),
            ("same", sample(300, shift: 0, seed: 5), sample(450, shift: 0, seed: 6)),
            ("asymptotic", sample(900, shift: 0, seed: 7), sample(12_000, shift: 0.08, seed: 8)),
        ]
        for (name, a, b) in cases {
            let ours = DriftTests.kolmogorovSmirnov(a, b)
            let theirs = try reference("""
                from scipy.stats import ks_2samp
                import json
                r = ks_2samp(load("a"), load("b"))
                print(json.dumps({"d": float(r.statistic), "p": float(r.pvalue)}))
                """, ["a": a, "b": b])
            #expect(abs(ours.statistic - theirs["d"]!) < 1e-9, "\(name): D \(ours.statistic) vs \(theirs["d"]!)")
            #expect(abs(ours.pValue - theirs["p"]!) < 1e-6, "\(name): p \(ours.pValue) vs \(theirs["p"]!)")
        }
    }

    @Test("normed Wasserstein, Jensen–Shannon and PSI over Evidently's bins, chi-square and the Z-test")
    func distancesAndCategoricalTests() throws {
        let a = sample(3000, shift: 0, seed: 11, rounding: 100), b = sample(2500, shift: 0.3, seed: 12, rounding: 100)
        let binned = DriftTests.binned(reference: a, current: b, fillZeros: false)
        let filled = DriftTests.binned(reference: a, current: b, fillZeros: true)
        let ours = ["wasserstein": DriftTests.wassersteinNormed(a, b), "js": DriftTests.jensenShannon(binned.reference, binned.current),
                    "psi": DriftTests.psi(filled.reference, filled.current)]
        let theirs = try reference("""
            from scipy.stats import wasserstein_distance
            from scipy.spatial.distance import jensenshannon
            import json
            a, b = load("a"), load("b")
            edges = np.histogram_bin_edges(np.concatenate([a, b]), bins="sturges")
            r = np.histogram(a, edges)[0] / len(a); c = np.histogram(b, edges)[0] / len(b)
            rf, cf = r.copy(), c.copy()
            for p in (rf, cf):
                m = min(p[p != 0]); np.place(p, p == 0, m / 10**6 if m <= 0.0001 else 0.0001)
            print(json.dumps({"wasserstein": wasserstein_distance(a, b) / max(float(np.std(a)), 0.001),
                              "js": float(jensenshannon(r, c)), "psi": float(np.sum((rf - cf) * np.log(rf / cf)))}))
            """, ["a": a, "b": b])
        for (name, value) in theirs {
            #expect(abs(ours[name]! - value) < 1e-6, "\(name): mlgate \(ours[name]!), reference \(value)")
        }

        // Categories: counts of three classes, and of two (the Z-test).
        let reference3 = ["cat": 500, "dog": 300, "eel": 200], current3 = ["cat": 380, "dog": 420, "eel": 200]
        let chi = DriftTests.chiSquare(reference: reference3, current: current3, keys: ["cat", "dog", "eel"])
        let reference2 = ["no": 700, "yes": 300], current2 = ["no": 640, "yes": 360]
        let z = DriftTests.proportionsZ(reference: reference2, current: current2, keys: ["no", "yes"])
        let expected = try reference("""
            from scipy.stats import chisquare, norm
            import json
            f_exp = np.array([500, 300, 200]) * (1000 / 1000); f_obs = np.array([380, 420, 200])
            chi = chisquare(f_obs, f_exp)
            n1, n2 = 1000, 1000; p1 = 300 / n1; p2 = 360 / n2; P = (p1 * n1 + p2 * n2) / (n1 + n2)
            zs = (p1 - p2) / np.sqrt(P * (1 - P) * (1 / n1 + 1 / n2))
            print(json.dumps({"chi": float(chi.statistic), "chip": float(chi.pvalue), "z": float(zs), "zp": float(2 * (1 - norm.cdf(abs(zs))))}))
            """, [:])
        #expect(abs(chi.statistic - expected["chi"]!) < 1e-9)
        #expect(abs(chi.pValue - expected["chip"]!) < 1e-6, "\(chi.pValue) vs \(expected["chip"]!)")
        #expect(abs(z.statistic - expected["z"]!) < 1e-9)
        #expect(abs(z.pValue - expected["zp"]!) < 1e-6, "\(z.pValue) vs \(expected["zp"]!)")
    }
}

/// `mlgate check drift` chooses Evidently's test per column by the reference's size and the
/// column's kind, and decides column and dataset drift as Evidently does.
@Suite("Drift check")
struct DriftCheckTests {
    func files(_ reference: [[String]], _ current: [[String]], header: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlgate-driftcheck-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try ([header] + reference.map { $0.joined(separator: ",") }).joined(separator: "\n").write(toFile: dir + "/ref.csv", atomically: true, encoding: .utf8)
        try ([header] + current.map { $0.joined(separator: ",") }).joined(separator: "\n").write(toFile: dir + "/cur.csv", atomically: true, encoding: .utf8)
        return dir
    }

    func rows(_ n: Int, shift: Double, seed: UInt64, catShare: Double) -> [[String]] {
        var random = MetricsParityTests.Random(state: seed)
        return (0..<n).map { _ in
            let x = (0..<12).reduce(0.0) { acc, _ in acc + random.next() } - 6 + shift
            let category = random.next() < catShare ? "web" : (random.next() < 0.5 ? "app" : "shop")
            return [String(format: "%.3f", x), category, random.next() < catShare ? "1" : "0"]
        }
    }

    @Test("a reference of at most 1,000 rows: KS, chi-square and the Z-test; a shifted feature drifts, the others do not")
    func smallReference() throws {
        let dir = try files(rows(800, shift: 0, seed: 9, catShare: 0.3), rows(900, shift: 0.5, seed: 10, catShare: 0.3), header: "amount,channel,foreign")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try DriftCheck(.init(name: "drift", reference: "ref.csv", current: "cur.csv")).run(in: dir, commit: String(repeating: "e", count: 40))
        let verdicts = Dictionary(uniqueKeysWithValues: result.rules.map { (String($0.rule.split(separator: " ").prefix(2).joined(separator: " ")), $0.verdict) })
        #expect(verdicts["amount: ks"] == .fail, "\(result.rules.map(\.rule))")
        #expect(verdicts["channel: chisquare"] == .pass)
        #expect(verdicts["foreign: z"] == .pass)
        #expect(result.status == .warn, "1 of 3 drifted: below the dataset share")
        #expect(result.summary == "1 of 3 columns drifted (amount)")
    }

    @Test("a larger reference: normed Wasserstein and Jensen–Shannon; dataset drift at the share; tests and thresholds chosen per column")
    func largeReference() throws {
        let dir = try files(rows(3000, shift: 0, seed: 3, catShare: 0.3), rows(2000, shift: 0.5, seed: 4, catShare: 0.7), header: "amount,channel,foreign")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try DriftCheck(.init(name: "drift", reference: "ref.csv", current: "cur.csv")).run(in: dir, commit: String(repeating: "e", count: 40))
        #expect(result.rules.map { $0.rule.split(separator: " ").prefix(2).joined(separator: " ") }
                == ["amount: wasserstein", "channel: jensenshannon", "foreign: jensenshannon", "dataset drift"], "\(result.rules.map(\.rule))")
        #expect(result.status == .fail)
        #expect(result.summary.hasSuffix("; dataset drift"))
        var options = DriftCheck.Options(name: "drift", reference: "ref.csv", current: "cur.csv")
        options.stattestFor = ["amount": .psi]
        options.thresholdFor = ["channel": 0.9]
        options.columns = ["amount", "channel"]
        let tuned = try DriftCheck(options).run(in: dir, commit: String(repeating: "e", count: 40))
        #expect(tuned.rules.first?.rule.hasPrefix("amount: psi distance ≥ 0.1") == true, "\(tuned.rules.map(\.rule))")
        #expect(tuned.rules.first { $0.metric == "channel.jensenshannon" }?.verdict == .pass)
    }
}

/// The same columns, tests, scores and verdicts as Evidently's DataDriftPreset (its legacy
/// Report API, in `.build/drift-venv`, which `make test` installs) on generated data with
/// known shifts, for a small and a large reference.
@Suite("Drift equals Evidently's")
struct DriftEvidentlyTests {
    static let python = ProjectPaths.root + "/.build/drift-venv/bin/python"

    @Test("DataDriftPreset's test, score and verdict for every column", arguments: [800, 3000])
    func evidently(referenceRows: Int) throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.python), "Evidently's venv is missing: run make test")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlgate-evidently-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = """
            import json, numpy as np, pandas as pd
            from evidently.legacy.report import Report
            from evidently.legacy.metric_preset import DataDriftPreset
            rng = np.random.default_rng(\(referenceRows))
            n, m = \(referenceRows), 1200
            ref = pd.DataFrame({"amount": rng.normal(0, 1, n).round(3), "hour": rng.integers(0, 24, n),
                                "channel": rng.choice(["web", "app", "shop"], n, p=[0.5, 0.3, 0.2]), "foreign": rng.choice([0, 1], n),
                                "tier": rng.choice(["a", "b"], n)})
            cur = pd.DataFrame({"amount": rng.normal(0.3, 1, m).round(3), "hour": rng.integers(0, 24, m),
                                "channel": rng.choice(["web", "app", "shop"], m, p=[0.3, 0.4, 0.3]), "foreign": rng.choice([0, 1], m),
                                "tier": rng.choice(["a", "b"], m)})
            ref.to_csv("ref.csv", index=False); cur.to_csv("cur.csv", index=False)
            report = Report(metrics=[DataDriftPreset()])
            report.run(reference_data=ref, current_data=cur)
            out = {}
            for metric in report.as_dict()["metrics"]:
                for name, column in metric["result"].get("drift_by_columns", {}).items():
                    out[name] = {"test": column["stattest_name"], "score": column["drift_score"], "drift": column["drift_detected"]}
            print(json.dumps(out))
            """
        let result = try ProcessRunner.run(Self.python, ["-c", script], in: dir)
        #expect(result.status == 0, "\(result.stderr.suffix(2000))")
        let theirs = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [String: Any]])
        let ours = try DriftCheck(.init(name: "drift", reference: "ref.csv", current: "cur.csv")).run(in: dir, commit: String(repeating: "f", count: 40))
        let names = ["K-S p_value": "ks", "chi-square p_value": "chisquare", "Z-test p_value": "z",
                     "Wasserstein distance (normed)": "wasserstein", "Jensen-Shannon distance": "jensenshannon"]
        #expect(theirs.count == 5)
        for (column, expected) in theirs {
            let test = try #require(names[expected["test"] as? String ?? ""], "unknown test \(expected)")
            let rule = try #require(ours.rules.first { $0.metric == "\(column).\(test)" }, "\(column): mlgate chose \(ours.rules.map(\.metric)), Evidently \(test)")
            let score = try #require(expected["score"] as? Double)
            #expect(abs((rule.value ?? .nan) - score) < 1e-6, "\(column) \(test): mlgate \(rule.value ?? .nan), Evidently \(score)")
            #expect((rule.verdict == .fail) == (expected["drift"] as? Bool), "\(column): verdicts differ")
        }
    }
}

import Checks
import Foundation
import Testing
import TestSupport

/// Every metric `mlgate check metrics` computes equals scikit-learn's on the same file, to
/// 1e-9: scikit-learn (and pandas, to read the CSV) run from `.build/peers-venv`, which
/// `make test` installs. The files have ties in the scores, classes only predicted, and a
/// zero label (MAPE's epsilon).
@Suite("Metrics equal scikit-learn's")
struct MetricsParityTests {
    static let python = ProjectPaths.root + "/.build/peers-venv/bin/python"

    /// A deterministic generator for the test data.
    struct Random {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mlgate-parity-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// scikit-learn's values, from a script given the folder.
    func reference(_ script: String, in folder: String) throws -> [String: Double] {
        #expect(FileManager.default.isExecutableFile(atPath: Self.python), "scikit-learn's venv is missing: run make test (it installs .build/peers-venv)")
        let result = try ProcessRunner.run(Self.python, ["-c", script], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Double]
        return try #require(object)
    }

    func compare(_ ours: [String: Double], _ theirs: [String: Double]) {
        #expect(!theirs.isEmpty)
        for (name, expected) in theirs {
            guard let value = ours[name] else {
                Issue.record("mlgate has no \(name)")
                continue
            }
            let tolerance = 1e-9 * max(1, abs(expected))
            #expect(abs(value - expected) <= tolerance, "\(name): mlgate \(value), scikit-learn \(expected)")
        }
    }

    @Test("binary: accuracy, precision, recall, F1 (binary, macro, weighted), ROC-AUC, PR-AUC, log-loss and Brier, with tied and extreme scores")
    func binary() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var random = Random(state: 42)
        var csv = "id,label,score\n"
        for i in 0..<4000 {
            let label = random.next() < 0.3 ? 1 : 0
            var score = min(1, max(0, 0.3 + 0.35 * Double(label) + (random.next() - 0.5) * 0.6))
            // Two decimals: many ties. Some exact 0s and 1s: log-loss clipping.
            score = (score * 100).rounded() / 100
            if i % 97 == 0 { score = Double(label == 1 ? 0 : 1) }
            csv += "\(i),\(label),\(score)\n"
        }
        try csv.write(toFile: dir + "/p.csv", atomically: true, encoding: .utf8)
        var options = MetricsCheck.Options(name: "parity")
        options.predictions = "p.csv"
        options.label = "label"
        options.score = "score"
        options.threshold = 0.45
        let ours = try MetricsCheck(options).run(in: dir, commit: String(repeating: "0", count: 40), champion: nil).measurements
        let theirs = try reference("""
            import json, pandas as pd
            from sklearn import metrics as m
            d = pd.read_csv("p.csv"); y = d.label; s = d.score; p = (s >= 0.45).astype(int)
            print(json.dumps({"accuracy": m.accuracy_score(y, p), "precision": m.precision_score(y, p), "recall": m.recall_score(y, p),
              "f1": m.f1_score(y, p), "f1_macro": m.f1_score(y, p, average="macro"), "f1_weighted": m.f1_score(y, p, average="weighted"),
              "precision_macro": m.precision_score(y, p, average="macro"), "precision_weighted": m.precision_score(y, p, average="weighted"),
              "recall_macro": m.recall_score(y, p, average="macro"), "recall_weighted": m.recall_score(y, p, average="weighted"),
              "roc_auc": m.roc_auc_score(y, s), "pr_auc": m.average_precision_score(y, s),
              "log_loss": m.log_loss(y, s), "brier": m.brier_score_loss(y, s)}))
            """, in: dir)
        compare(ours, theirs)
    }

    @Test("multiclass: accuracy and macro/weighted precision, recall, F1, with a class that is only predicted")
    func multiclass() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var random = Random(state: 7)
        let classes = ["cat", "dog", "eel"]
        var csv = "label,predicted\n"
        for _ in 0..<3000 {
            let label = classes[Int(random.next() * 3)]
            let predicted = random.next() < 0.7 ? label : (classes + ["fox"])[Int(random.next() * 4)]
            csv += "\(label),\(predicted)\n"
        }
        try csv.write(toFile: dir + "/m.csv", atomically: true, encoding: .utf8)
        var options = MetricsCheck.Options(name: "parity")
        options.predictions = "m.csv"
        options.label = "label"
        options.prediction = "predicted"
        let ours = try MetricsCheck(options).run(in: dir, commit: String(repeating: "0", count: 40), champion: nil).measurements
        let theirs = try reference("""
            import json, pandas as pd
            from sklearn import metrics as m
            d = pd.read_csv("m.csv"); y = d.label; p = d.predicted
            r = {"accuracy": m.accuracy_score(y, p)}
            for avg in ("macro", "weighted"):
                r["precision_" + avg] = m.precision_score(y, p, average=avg, zero_division=0)
                r["recall_" + avg] = m.recall_score(y, p, average=avg, zero_division=0)
                r["f1_" + avg] = m.f1_score(y, p, average=avg, zero_division=0)
            print(json.dumps(r))
            """, in: dir)
        compare(ours, theirs)
    }

    @Test("regression: RMSE, MAE, MAPE (with a zero label) and R²")
    func regression() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var random = Random(state: 99)
        var csv = "y,estimate\n"
        for i in 0..<3000 {
            let y = i == 0 ? 0 : 10 + (random.next() - 0.5) * 8
            csv += "\(y),\(y + (random.next() - 0.5) * 2)\n"
        }
        try csv.write(toFile: dir + "/r.csv", atomically: true, encoding: .utf8)
        var options = MetricsCheck.Options(name: "parity")
        options.predictions = "r.csv"
        options.label = "y"
        options.prediction = "estimate"
        options.task = "regression"
        let ours = try MetricsCheck(options).run(in: dir, commit: String(repeating: "0", count: 40), champion: nil).measurements
        let theirs = try reference("""
            import json, pandas as pd
            from sklearn import metrics as m
            d = pd.read_csv("r.csv"); y = d.y; e = d.estimate
            print(json.dumps({"rmse": m.root_mean_squared_error(y, e), "mae": m.mean_absolute_error(y, e),
              "mape": m.mean_absolute_percentage_error(y, e), "r2": m.r2_score(y, e)}))
            """, in: dir)
        compare(ours, theirs)
    }
}

extension MetricsParityTests {
    @Test("the curves recorded for reports are scikit-learn's: roc_curve, precision_recall_curve and calibration_curve, point for point")
    func curves() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var random = Random(state: 11)
        var csv = "id,label,score\n"
        for i in 0..<300 {
            let label = random.next() < 0.35 ? 1 : 0
            // Two decimals (ties, and scores on the calibration bins' edges such as 0.3).
            let score = (min(1, max(0, 0.25 + 0.4 * Double(label) + (random.next() - 0.5) * 0.7)) * 100).rounded() / 100
            csv += "\(i),\(label),\(score)\n"
        }
        try csv.write(toFile: dir + "/p.csv", atomically: true, encoding: .utf8)
        var options = MetricsCheck.Options(name: "curves")
        options.predictions = "p.csv"
        options.label = "label"
        options.score = "score"
        let result = try MetricsCheck(options).run(in: dir, commit: String(repeating: "0", count: 40), champion: nil)
        func series(_ kind: String) throws -> CheckResult.Series { try #require(result.series.first { $0.kind == kind && $0.name == "candidate" }) }
        let theirs = try reference("""
            import json, pandas as pd
            from sklearn.metrics import roc_curve, precision_recall_curve
            from sklearn.calibration import calibration_curve
            d = pd.read_csv("p.csv")
            fpr, tpr, _ = roc_curve(d.label, d.score, drop_intermediate=False)
            p, r, _ = precision_recall_curve(d.label, d.score, drop_intermediate=False)
            true, pred = calibration_curve(d.label, d.score, n_bins=10)
            out = {}
            for name, values in [("fpr", fpr), ("tpr", tpr), ("p", p[:-1][::-1]), ("r", r[:-1][::-1]), ("true", true), ("pred", pred)]:
                out[name + ".n"] = float(len(values))
                for i, v in enumerate(values): out[f"{name}.{i}"] = float(v)
            print(json.dumps(out))
            """, in: dir)
        func expectSame(_ ours: [Double], _ name: String, prefixOnly: Bool = false) {
            let count = Int(theirs[name + ".n"] ?? -1)
            if prefixOnly { #expect(count <= ours.count, "\(name): scikit-learn \(count) points, mlgate \(ours.count)") } else {
                #expect(ours.count == count, "\(name): scikit-learn \(count) points, mlgate \(ours.count)")
            }
            for i in 0..<min(count, ours.count) {
                let expected = theirs["\(name).\(i)"]!
                #expect(abs(ours[i] - expected) <= 1e-4 * max(1, abs(expected)), "\(name)[\(i)]: mlgate \(ours[i]), scikit-learn \(expected)")
            }
        }
        let roc = try series("roc"), pr = try series("pr"), calibration = try series("calibration")
        #expect(roc.x.count <= 101)
        expectSame(roc.x, "fpr")
        expectSame(roc.y, "tpr")
        // scikit-learn stops the precision–recall curve once recall reaches 1 in some versions.
        expectSame(pr.y, "p", prefixOnly: true)
        expectSame(pr.x, "r", prefixOnly: true)
        expectSame(calibration.y, "true")
        expectSame(calibration.x, "pred")
        #expect(calibration.counts?.reduce(0, +) == 300)
    }
}

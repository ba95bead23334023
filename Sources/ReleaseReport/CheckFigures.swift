import Charts
import Checks
import Foundation
import Reports

/// The pictures and detail tables of each check result, drawn from the numbers recorded in
/// its evidence: metric deltas as a forest plot, classifier curves, drift per column with
/// histograms, data-contract failures with their sample rows, security findings by severity.
enum CheckFigures {
    static func sections(for results: [CheckResult]) -> [ReportDocument.Section] {
        results.compactMap(section)
    }

    static func anchor(_ name: String) -> String {
        "check-" + String(name.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" })
    }

    static func section(_ result: CheckResult) -> ReportDocument.Section? {
        var blocks: [ReportDocument.Block] = []
        let id = anchor(result.check)
        switch result.kind {
        case .metrics: blocks = metrics(result, id: id)
        case .security: blocks = security(result, id: id)
        default:
            if result.series.contains(where: { $0.kind == "histogram" }) || result.rules.contains(where: { $0.rule == "dataset drift" }) {
                blocks = drift(result, id: id)
            } else {
                blocks = rules(result) + findings(result, title: result.kind == .data ? "Failing rows (samples)" : "Findings")
            }
        }
        guard !blocks.isEmpty else { return nil }
        return .init(id: id, title: "\(result.check) (\(result.kind.rawValue)): \(result.status.rawValue)",
                     blocks: [.paragraph(result.summary)] + blocks)
    }

    // MARK: Metrics

    static func metrics(_ result: CheckResult, id: String) -> [ReportDocument.Block] {
        var blocks: [ReportDocument.Block] = []
        if !result.rules.isEmpty {
            let rows: [[ReportDocument.Cell]] = result.rules.map { r in
                [.init(r.rule + (r.slice.map { " [\($0)]" } ?? "")), .init(r.verdict.rawValue, tone: PromotionReport.tone(status: r.verdict.rawValue)),
                 .init(r.value.map(chartNumber) ?? "–"), .init(r.threshold.map(chartNumber) ?? "–"), .init(r.champion.map(chartNumber) ?? "–"),
                 .init(r.delta.map(chartNumber) ?? "–"),
                 .init(r.ciLow.flatMap { low in r.ciHigh.map { "[\(chartNumber(low)), \(chartNumber($0))]" } } ?? "–"),
                 .init(r.pValue.map(chartNumber) ?? "–")]
            }
            blocks.append(.table(.init(caption: "Rules", headers: ["Rule", "Verdict", "Value", "Bound", "Champion", "Δ", "CI of Δ", "p"], rows: rows)))
        }
        // Deltas over the champion, with their intervals where the bootstrap gave one.
        let deltas = result.rules.filter { $0.delta != nil || $0.ciLow != nil }
        if !deltas.isEmpty {
            var references = [ForestPlot.Reference(value: 0, label: "no change")]
            for r in deltas where r.comparison == "non_inferior" {
                if let t = r.threshold, !references.contains(where: { $0.value == t }) { references.append(.init(value: t, label: "margin \(chartNumber(t))")) }
            }
            let rows = deltas.map { r in
                ForestPlot.Row(label: r.metric + (r.slice.map { " [\($0)]" } ?? ""), estimate: r.delta ?? ((r.ciLow ?? 0) + (r.ciHigh ?? 0)) / 2,
                               low: r.ciLow, high: r.ciHigh, holds: r.verdict == .pass)
            }
            blocks.append(.chart(.forest(ForestPlot(id: "\(id)-forest", title: "\(result.check): candidate − champion",
                                                    xLabel: "difference (candidate − champion)", rows: rows, references: references))))
        }
        // ROC, precision–recall and calibration of candidate and champion.
        let names = ["candidate", "champion"]
        func series(_ kind: String) -> [LineChart.Series] {
            names.compactMap { name in result.series.first { $0.kind == kind && $0.name == name }.map { LineChart.Series(name: name, x: $0.x, y: $0.y) } }
        }
        let auc = names.compactMap { name -> String? in
            let key = name == "candidate" ? result.measurements["roc_auc"] : result.rules.first { $0.metric == "roc_auc" && $0.champion != nil && $0.slice == nil }?.champion
            return key.map { "\(name) ROC-AUC \(chartNumber($0))" }
        }.joined(separator: ", ")
        let roc = series("roc"), pr = series("pr"), calibration = series("calibration")
        if !roc.isEmpty {
            blocks.append(.chart(.line(LineChart(id: "\(id)-roc", kind: "roc", title: "\(result.check): ROC curve",
                                                 summary: "ROC curve" + (auc.isEmpty ? "." : ": \(auc)."), xLabel: "false positive rate",
                                                 yLabel: "true positive rate", series: roc, diagonal: true))))
        }
        if !pr.isEmpty {
            let ap = result.measurements["average_precision"].map { "candidate average precision \(chartNumber($0))." } ?? ""
            blocks.append(.chart(.line(LineChart(id: "\(id)-pr", kind: "pr", title: "\(result.check): precision–recall",
                                                 summary: "Precision against recall. " + ap, xLabel: "recall", yLabel: "precision", series: pr))))
        }
        if !calibration.isEmpty {
            let brier = result.measurements["brier"].map { "candidate Brier score \(chartNumber($0))." } ?? ""
            blocks.append(.chart(.line(LineChart(id: "\(id)-calibration", kind: "calibration", title: "\(result.check): calibration",
                                                 summary: "Share of positives against mean score, in ten score bins. " + brier,
                                                 xLabel: "mean predicted score", yLabel: "share of positives", series: calibration,
                                                 diagonal: true, markers: true))))
        }
        return blocks + findings(result, title: "Findings")
    }

    // MARK: Drift

    static func drift(_ result: CheckResult, id: String) -> [ReportDocument.Block] {
        var blocks: [ReportDocument.Block] = []
        let columns = result.rules.filter { $0.rule != "dataset drift" }
        let rows: [[ReportDocument.Cell]] = columns.map { r in
            let column = String(r.metric.split(separator: ".").first ?? "")
            let test = r.metric.split(separator: ".").dropFirst().joined(separator: ".")
            return [.init(column), .init(test), .init(r.value.map(chartNumber) ?? "–"), .init(r.comparison.isEmpty ? "–" : "\(r.comparison) \(r.threshold.map(chartNumber) ?? "–")"),
                    .init(r.verdict == .fail ? "drifted" : "stable", tone: r.verdict == .fail ? .bad : .good)]
        }
        if !rows.isEmpty {
            blocks.append(.table(.init(caption: "Each column's statistic against its threshold (drift when the comparison holds)",
                                       headers: ["Column", "Test", "Statistic", "Drift when", "Verdict"], rows: rows)))
        }
        if let share = result.rules.first(where: { $0.rule == "dataset drift" }) { blocks.append(.paragraph(share.message)) }
        var seen: [String] = []
        for s in result.series where s.kind == "histogram" { if let c = s.column, !seen.contains(c) { seen.append(c) } }
        for column in seen {
            let pair = result.series.filter { $0.kind == "histogram" && $0.column == column }
            guard let first = pair.first else { continue }
            let bins = first.labels ?? first.x.map(chartNumber)
            let verdict = columns.first { $0.metric.hasPrefix(column + ".") }
            blocks.append(.chart(.histogram(Histogram(
                id: "\(id)-hist-\(anchor(column))", title: "\(column): reference and current",
                summary: "Distribution of \(column)" + (verdict.map { ": \($0.message)." } ?? "."),
                xLabel: first.labels == nil ? "\(column) (bin from)" : column, bins: bins,
                series: pair.map { Histogram.Series(name: $0.name, values: $0.y) }))))
        }
        return blocks
    }

    // MARK: Security

    static let severities = ["critical", "high", "medium", "low", "info"]

    static func security(_ result: CheckResult, id: String) -> [ReportDocument.Block] {
        var counts: [String: Int] = [:]
        for f in result.findings { counts[f.severity.lowercased(), default: 0] += 1 }
        guard !result.findings.isEmpty else { return [.paragraph("No security finding.")] }
        let order = severities + counts.keys.filter { !severities.contains($0) }.sorted()
        let bars = order.filter { counts[$0] != nil || ["critical", "high", "medium", "low"].contains($0) }
            .map { BarChart.Bar(label: $0, value: Double(counts[$0] ?? 0), tone: $0) }
        var blocks: [ReportDocument.Block] = [.chart(.bars(BarChart(id: "\(id)-severity", title: "\(result.check): findings by severity", bars: bars)))]
        let sorted = result.findings.sorted { (order.firstIndex(of: $0.severity.lowercased()) ?? 99, $0.rule) < (order.firstIndex(of: $1.severity.lowercased()) ?? 99, $1.rule) }
        let shown = sorted.prefix(100)
        blocks.append(.table(.init(caption: "Findings, most severe first" + (sorted.count > shown.count ? " (first \(shown.count) of \(sorted.count))" : ""),
                                   headers: ["Severity", "Confidence", "Rule", "Location", "Finding"],
                                   rows: shown.map { f in
                                       [.init(f.severity, tone: ["critical", "high"].contains(f.severity.lowercased()) ? .bad : .warn), .init(f.confidence ?? "–"),
                                        .init(f.rule), .init(f.location ?? "–", code: true), .init(f.message)]
                                   })))
        return blocks
    }

    // MARK: Generic

    static func rules(_ result: CheckResult) -> [ReportDocument.Block] {
        let failing = result.rules.filter { $0.verdict != .pass }
        guard !failing.isEmpty else { return [] }
        return [.table(.init(caption: "Rules that did not hold", headers: ["Rule", "Verdict", "Value", "Bound", "Why"],
                             rows: failing.map { r in
                                 [.init(r.rule), .init(r.verdict.rawValue, tone: PromotionReport.tone(status: r.verdict.rawValue)),
                                  .init(r.value.map(chartNumber) ?? "–"), .init(r.threshold.map(chartNumber) ?? "–"), .init(r.message)]
                             }))]
    }

    static func findings(_ result: CheckResult, title: String) -> [ReportDocument.Block] {
        guard !result.findings.isEmpty else { return [] }
        let shown = result.findings.prefix(50)
        return [.table(.init(caption: title + (result.findings.count > shown.count ? " (first \(shown.count) of \(result.findings.count))" : ""),
                             headers: ["Severity", "Rule", "Where", "What"],
                             rows: shown.map { f in
                                 [.init(f.severity, tone: f.severity == "error" ? .bad : .warn), .init(f.rule), .init(f.location ?? "–", code: true), .init(f.message)]
                             }))]
    }
}

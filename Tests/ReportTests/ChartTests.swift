import Charts
import Foundation
import Reports
import Testing

/// The charts and the two renderings of a document, as a reader (or their screen reader)
/// meets them.
@Suite("Charts and documents")
struct ChartTests {
    let roc = LineChart(id: "t-roc", kind: "roc", title: "ROC", summary: "AUC 0.75.", xLabel: "false positive rate", yLabel: "true positive rate",
                        series: [.init(name: "candidate", x: [0, 0.5, 1], y: [0, 1, 1]), .init(name: "champion", x: [0, 1], y: [0, 1])],
                        diagonal: true)

    @Test("a line chart is an accessible picture carrying its numbers, one line per series, told apart by more than colour")
    func lineChart() {
        let svg = roc.svg()
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
        #expect(svg.contains("role=\"img\"") && svg.contains("<title id=\"t-roc-t\">ROC</title>"))
        #expect(svg.contains("<desc id=\"t-roc-d\">AUC 0.75. candidate: 3 points. champion: 2 points.</desc>"))
        #expect(svg.contains("data-series=\"candidate\" data-values=\"0,0 0.5,1 1,1\""))
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
        // The second series is dashed by class (the stylesheet), not only another colour.
        #expect(svg.contains("class=\"series s1\"") && HTMLPage.stylesheet.contains(".series.s1 { stroke: var(--s1); stroke-dasharray"))
        #expect(roc.table.rows.count == 5 && roc.table.rows[1] == ["candidate", "0.5", "1"])
    }

    @Test("mermaid reads each series at 11 evenly spaced x values, linear between points")
    func mermaidLine() throws {
        let text = try #require(roc.mermaid())
        #expect(text.hasPrefix("xychart-beta\n"))
        #expect(text.contains("line [0, 0.2, 0.4, 0.6, 0.8, 1, 1, 1, 1, 1, 1]"))
        #expect(text.contains("line [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]"))
    }

    @Test("a forest plot marks a failing row by shape, and states every interval in its alt text")
    func forest() {
        let plot = ForestPlot(id: "f", title: "Δ", xLabel: "difference", rows: [
            .init(label: "roc_auc", estimate: 0.0093, low: -0.038, high: 0.0668, holds: false),
            .init(label: "f1", estimate: 0.02, low: 0.01, high: 0.03, holds: true),
        ], references: [.init(value: 0, label: "no change"), .init(value: -0.01, label: "margin -0.01")])
        let svg = plot.svg()
        #expect(svg.contains("class=\"estimate fails\""))    // a hollow diamond
        #expect(svg.contains("<circle class=\"estimate\""))   // a filled circle
        #expect(plot.description.contains("roc_auc: 0.0093 [-0.038, 0.0668], fails"))
        #expect(plot.description.contains("margin -0.01 at -0.01"))
        #expect(svg.contains("data-series=\"roc_auc\" data-values=\"0.0093,-0.038,0.0668\""))
    }

    @Test("histograms and bars state their numbers; percentages in the table")
    func histogramAndBars() throws {
        let h = Histogram(id: "h", title: "amount", summary: "drifted.", xLabel: "amount", bins: ["0", "10"],
                          series: [.init(name: "reference", values: [0.75, 0.25]), .init(name: "current", values: [0.5, 0.5])])
        #expect(h.description.contains("reference: 0 75%, 10 25%."))
        #expect(h.table.rows == [["0", "75", "50"], ["10", "25", "50"]])
        #expect(try #require(h.mermaid()).contains("bar [75, 25]"))
        let bars = BarChart(id: "b", title: "findings", bars: [.init(label: "critical", value: 2, tone: "critical"), .init(label: "high", value: 0, tone: "high")])
        #expect(bars.svg().contains(">2</text>"))
        #expect(bars.description == "critical: 2, high: 0.")
    }

    @Test("text from the repository cannot become markup: names and messages are escaped in HTML and Markdown")
    func escaping() {
        var document = ReportDocument(title: "<script>alert(1)</script>", subtitle: "a & b")
        document.sections = [.init(id: "s", title: "x\"y", blocks: [
            .table(.init(headers: ["a|b"], rows: [[.init("1 | 2 <img src=x>")]])),
            .chart(.line(LineChart(id: "c", kind: "roc", title: "</svg><script>", summary: "s", xLabel: "x", yLabel: "y", series: []))),
        ])]
        let html = HTMLPage.render(document)
        #expect(!html.contains("<script>") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<img src=x>"))
        let markdown = MarkdownPage.render(document)
        #expect(markdown.contains("| a\\|b |") && markdown.contains("1 \\| 2 &lt;img src=x&gt;"))
        #expect(!markdown.contains("<script>"))
    }

    @Test("an HTML page loads nothing but itself: no script, no remote font or image, style inline or one relative file")
    func selfContained() {
        let document = ReportDocument(title: "t", sections: [.init(id: "a", title: "A", blocks: [.chart(.line(roc))])])
        let inline = HTMLPage.render(document)
        #expect(!inline.contains("<script") && !inline.contains("@import") && !inline.contains("url("))
        #expect(inline.firstMatch(of: /(?:src|href)="[a-z]+:/) == nil)
        #expect(inline.contains("<style>") && inline.contains("prefers-color-scheme: dark") && inline.contains("@media print"))
        let linked = HTMLPage.render(document, style: .linked("../style.css"))
        #expect(linked.contains("<link rel=\"stylesheet\" href=\"../style.css\">") && !linked.contains("<style>"))
        // The chart's numbers are also a table, with column headers.
        #expect(inline.contains("<details><summary>The numbers</summary>") && inline.contains("<th scope=\"col\">false positive rate</th>"))
    }

    @Test("Markdown for the step summary: a chart becomes fenced mermaid with its numbers folded beneath; a forest plot its table")
    func markdown() {
        let forest = ForestPlot(id: "f", title: "deltas", xLabel: "d", rows: [.init(label: "auc", estimate: 0.01, low: -0.02, high: 0.04, holds: true)], references: [])
        let document = ReportDocument(title: "fraud v1 → production", sections: [.init(id: "c", title: "Charts", blocks: [
            .verdict(tone: .bad, label: "reject", text: "because"), .chart(.line(roc)), .chart(.forest(forest)), .command("mlgate approve fraud"),
        ])])
        let text = MarkdownPage.render(document, headingLevel: 2)
        #expect(text.hasPrefix("## fraud v1 → production\n"))
        #expect(text.contains("> **✗ reject** because"))
        #expect(text.contains("```mermaid\nxychart-beta\n"))
        #expect(text.contains("<details><summary>ROC: the numbers</summary>"))
        #expect(text.contains("**deltas**") && text.contains("| auc | 0.01 | -0.02 | 0.04 | holds |"))
        #expect(text.contains("```sh\nmlgate approve fraud\n```"))
    }
}

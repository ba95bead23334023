import Foundation

/// Counts by category as horizontal bars, each labelled with its count: security findings
/// by severity. `tone` names a class (`critical`, `high`…) for the bar's colour; the label
/// and count say the same in words.
public struct BarChart: Sendable {
    public struct Bar: Sendable {
        public var label: String
        public var value: Double
        public var tone: String
        public init(label: String, value: Double, tone: String) { (self.label, self.value, self.tone) = (label, value, tone) }
    }

    public var id: String
    public var title: String
    public var bars: [Bar]

    public init(id: String, title: String, bars: [Bar]) { (self.id, self.title, self.bars) = (id, title, bars) }

    public var description: String {
        bars.map { "\($0.label): \(chartNumber($0.value))" }.joined(separator: ", ") + "."
    }

    public func svg() -> String {
        let rowHeight = 26.0
        let high = max(1, bars.map(\.value).max() ?? 1)
        let frame = Frame(xRange: 0...high * 1.15, yRange: 0...Double(max(1, bars.count)), left: 100,
                          height: 48 + 46 + 8 + rowHeight * Double(max(1, bars.count)))
        var out = frame.open(id: id, kind: "bars", title: title, description: description)
        out += frame.axes(xLabel: "count", yLabel: "", yTicks: [])
        out += "<g data-series=\"counts\" data-values=\"\(bars.map { chartNumber($0.value) }.joined(separator: ","))\">"
        for (i, bar) in bars.enumerated() {
            let cy = frame.y(Double(bars.count) - Double(i) - 0.5)
            out += "<text class=\"tick\" x=\"\(fmt(frame.left - 8))\" y=\"\(fmt(cy))\" text-anchor=\"end\" dominant-baseline=\"middle\">\(xmlEscaped(bar.label))</text>"
            let w = frame.x(bar.value) - frame.left
            out += "<rect class=\"bar tone-\(xmlEscaped(bar.tone))\" x=\"\(fmt(frame.left))\" y=\"\(fmt(cy - 8))\" width=\"\(fmt(w))\" height=\"16\"/>"
            out += "<text class=\"value\" x=\"\(fmt(frame.left + w + 5))\" y=\"\(fmt(cy))\" dominant-baseline=\"middle\">\(chartNumber(bar.value))</text>"
        }
        return out + "</g></svg>"
    }

    public var table: (headers: [String], rows: [[String]]) {
        (["category", "count"], bars.map { [$0.label, chartNumber($0.value)] })
    }

    public func mermaid() -> String? {
        guard !bars.isEmpty else { return nil }
        return "xychart-beta\n    title \(mermaidText(title))\n    x-axis [" + bars.map { mermaidText($0.label) }.joined(separator: ", ")
            + "]\n    y-axis \"count\"\n    bar \(mermaidList(bars.map(\.value)))\n"
    }
}

import Foundation

/// Estimates with confidence intervals, one row each, against reference lines: the metric
/// deltas of a candidate over its champion (0: no change; −margin: the non-inferiority bound).
public struct ForestPlot: Sendable {
    public struct Row: Sendable {
        public var label: String
        public var estimate: Double
        public var low: Double?
        public var high: Double?
        /// Whether the row's rule held: drawn as a filled circle (held) or a hollow diamond.
        public var holds: Bool
        public init(label: String, estimate: Double, low: Double?, high: Double?, holds: Bool) {
            (self.label, self.estimate, self.low, self.high, self.holds) = (label, estimate, low, high, holds)
        }
    }

    public struct Reference: Sendable {
        public var value: Double
        public var label: String
        public init(value: Double, label: String) { (self.value, self.label) = (value, label) }
    }

    public var id: String
    public var title: String
    public var xLabel: String
    public var rows: [Row]
    public var references: [Reference]

    public init(id: String, title: String, xLabel: String, rows: [Row], references: [Reference]) {
        (self.id, self.title, self.xLabel, self.rows, self.references) = (id, title, xLabel, rows, references)
    }

    public var description: String {
        rows.map { row in
            "\(row.label): \(chartNumber(row.estimate))"
                + (row.low.flatMap { l in row.high.map { "[\(chartNumber(l)), \(chartNumber($0))]" } }.map { " " + $0 } ?? "")
                + (row.holds ? ", holds" : ", fails")
        }.joined(separator: "; ") + (references.isEmpty ? "" : ". Reference lines: " + references.map { "\($0.label) at \(chartNumber($0.value))" }.joined(separator: ", "))
    }

    var xRange: ClosedRange<Double> {
        let values = rows.flatMap { [$0.estimate, $0.low, $0.high].compactMap { $0 } } + references.map(\.value)
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return -1...1 }
        let pad = max((high - low) * 0.12, 1e-3)
        return (low - pad)...(high + pad)
    }

    public func svg() -> String {
        let rowHeight = 26.0
        let frame = Frame(xRange: xRange, yRange: 0...Double(max(1, rows.count)), left: 170,
                          height: 48 + 46 + 16 + rowHeight * Double(max(1, rows.count)))
        var out = frame.open(id: id, kind: "forest", title: title, description: description)
        out += frame.axes(xLabel: xLabel, yLabel: "", yTicks: [])
        for (n, reference) in references.enumerated() {
            let px = fmt(frame.x(reference.value))
            out += "<line class=\"reference\" x1=\"\(px)\" x2=\"\(px)\" y1=\"\(fmt(frame.top))\" y2=\"\(fmt(frame.top + frame.plotHeight))\"/>"
            out += "<text class=\"reference-label\" x=\"\(px)\" y=\"\(fmt(frame.top - 4 - Double(n % 2) * 13))\" text-anchor=\"middle\">\(xmlEscaped(reference.label))</text>"
        }
        for (i, row) in rows.enumerated() {
            let cy = frame.y(Double(rows.count) - Double(i) - 0.5)
            out += "<g class=\"row \(row.holds ? "holds" : "fails")\" data-series=\"\(xmlEscaped(row.label))\" data-values=\"\(chartNumber(row.estimate))"
                + (row.low.map { ",\(chartNumber($0))" } ?? "") + (row.high.map { ",\(chartNumber($0))" } ?? "") + "\">"
            out += "<text class=\"tick\" x=\"\(fmt(frame.left - 8))\" y=\"\(fmt(cy))\" text-anchor=\"end\" dominant-baseline=\"middle\">\(xmlEscaped(String(row.label.prefix(28))))</text>"
            if let low = row.low, let high = row.high {
                out += "<line class=\"interval\" x1=\"\(fmt(frame.x(low)))\" x2=\"\(fmt(frame.x(high)))\" y1=\"\(fmt(cy))\" y2=\"\(fmt(cy))\"/>"
                for end in [low, high] {
                    out += "<line class=\"interval\" x1=\"\(fmt(frame.x(end)))\" x2=\"\(fmt(frame.x(end)))\" y1=\"\(fmt(cy - 5))\" y2=\"\(fmt(cy + 5))\"/>"
                }
            }
            let cx = frame.x(row.estimate)
            out += row.holds
                ? "<circle class=\"estimate\" cx=\"\(fmt(cx))\" cy=\"\(fmt(cy))\" r=\"5\"/>"
                : "<path class=\"estimate fails\" d=\"M\(fmt(cx)) \(fmt(cy - 6)) L\(fmt(cx + 6)) \(fmt(cy)) L\(fmt(cx)) \(fmt(cy + 6)) L\(fmt(cx - 6)) \(fmt(cy)) Z\"/>"
            out += "</g>"
        }
        return out + "</svg>"
    }

    public var table: (headers: [String], rows: [[String]]) {
        (["metric", "estimate", "interval low", "interval high", "rule"],
         rows.map { [$0.label, chartNumber($0.estimate), $0.low.map(chartNumber) ?? "–", $0.high.map(chartNumber) ?? "–", $0.holds ? "holds" : "fails"] })
    }
}

import Foundation

/// Two or more samples over the same bins, side by side per bin: the reference and the
/// current data of a column. Each value is a share of the sample's rows.
public struct Histogram: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var values: [Double]
        public init(name: String, values: [Double]) { (self.name, self.values) = (name, values) }
    }

    public var id: String
    public var title: String
    public var summary: String
    public var xLabel: String
    /// One label per bin (a lower edge, or a category).
    public var bins: [String]
    public var series: [Series]

    public init(id: String, title: String, summary: String, xLabel: String, bins: [String], series: [Series]) {
        (self.id, self.title, self.summary, self.xLabel, self.bins, self.series) = (id, title, summary, xLabel, bins, series)
    }

    public var description: String {
        summary + " " + series.map { s in
            "\(s.name): " + zip(bins, s.values).map { "\($0) \(chartNumber($1 * 100))%" }.joined(separator: ", ") + "."
        }.joined(separator: " ")
    }

    public func svg() -> String {
        let top = max(0.01, series.flatMap(\.values).filter(\.isFinite).max() ?? 0.01) * 1.1
        let frame = Frame(xRange: 0...Double(max(1, bins.count)), yRange: 0...top)
        var out = frame.open(id: id, kind: "histogram", title: title, description: description)
        out += "<defs><pattern id=\"\(id)-hatch\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
            + "<line class=\"hatch\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"5\"/></pattern></defs>"
        let every = max(1, Int((Double(bins.count) / 6).rounded(.up)))
        out += frame.axes(xLabel: xLabel, yLabel: "share of rows", xTicks: [])
        for (b, label) in bins.enumerated() where b % every == 0 {
            out += "<text class=\"tick\" x=\"\(fmt(frame.x(Double(b) + 0.5)))\" y=\"\(fmt(frame.top + frame.plotHeight + 16))\" text-anchor=\"middle\">\(xmlEscaped(String(label.prefix(10))))</text>"
        }
        let slot = frame.plotWidth / Double(max(1, bins.count)), barWidth = slot * 0.8 / Double(max(1, series.count))
        for (i, s) in series.enumerated() {
            out += "<g class=\"bars s\(i)\" data-series=\"\(xmlEscaped(s.name))\" data-values=\"\(s.values.map(chartNumber).joined(separator: ","))\">"
            for (b, v) in s.values.enumerated() where v.isFinite && v > 0 {
                let x0 = frame.x(Double(b)) + slot * 0.1 + barWidth * Double(i), y0 = frame.y(v)
                let rect = "x=\"\(fmt(x0))\" y=\"\(fmt(y0))\" width=\"\(fmt(barWidth))\" height=\"\(fmt(frame.y(0) - y0))\""
                out += "<rect class=\"bar s\(i)\" \(rect)><title>\(xmlEscaped(s.name)) \(xmlEscaped(bins[min(b, bins.count - 1)])): \(chartNumber(v * 100))%</title></rect>"
                if i % 2 == 1 { out += "<rect \(rect) fill=\"url(#\(id)-hatch)\"/>" }
            }
            out += "</g>"
        }
        out += frame.legend(series.map(\.name), swatch: "bar")
        return out + "</svg>"
    }

    public var table: (headers: [String], rows: [[String]]) {
        ([xLabel] + series.map { "\($0.name) (% of rows)" },
         bins.enumerated().map { b, label in [label] + series.map { b < $0.values.count ? chartNumber($0.values[b] * 100) : "–" } })
    }

    public func mermaid() -> String? {
        guard !bins.isEmpty, !series.isEmpty else { return nil }
        var out = "xychart-beta\n    title \(mermaidText(title))\n"
        out += "    x-axis [" + bins.map { mermaidText(String($0.prefix(12))) }.joined(separator: ", ") + "]\n"
        out += "    y-axis \"% of rows\"\n"
        for s in series { out += "    bar \(mermaidList(s.values.map { $0 * 100 }))\n" }
        return out
    }
}

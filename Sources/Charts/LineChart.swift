import Foundation

/// Lines through points over a numeric x axis: ROC and precision–recall curves, calibration
/// plots. Series differ by colour, dash and (with `markers`) marker shape.
public struct LineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        public init(name: String, x: [Double], y: [Double]) { (self.name, self.x, self.y) = (name, x, y) }
    }

    /// Unique within the page (it names the title and description elements).
    public var id: String
    /// What the chart shows, as `data-chart` (`roc`, `pr`, `calibration`).
    public var kind: String
    public var title: String
    /// One sentence with the numbers that matter (AUC of each series…), opening the alt text.
    public var summary: String
    public var xLabel: String, yLabel: String
    public var series: [Series]
    public var xRange: ClosedRange<Double> = 0...1
    public var yRange: ClosedRange<Double> = 0...1
    /// A dotted reference line from (0,0) to (1,1): chance for ROC, perfect calibration.
    public var diagonal = false
    /// Marks each point (calibration bins), not only the line.
    public var markers = false

    public init(id: String, kind: String, title: String, summary: String, xLabel: String, yLabel: String, series: [Series],
                diagonal: Bool = false, markers: Bool = false) {
        (self.id, self.kind, self.title, self.summary, self.xLabel, self.yLabel, self.series, self.diagonal, self.markers)
            = (id, kind, title, summary, xLabel, yLabel, series, diagonal, markers)
    }

    /// The alt text: the summary, then what each series spans.
    public var description: String {
        summary + " " + series.map { "\($0.name): \($0.x.count) points." }.joined(separator: " ")
    }

    public func svg() -> String {
        let frame = Frame(xRange: xRange, yRange: yRange)
        var out = frame.open(id: id, kind: kind, title: title, description: description)
        out += frame.axes(xLabel: xLabel, yLabel: yLabel)
        if diagonal {
            out += "<line class=\"reference\" x1=\"\(fmt(frame.x(xRange.lowerBound)))\" y1=\"\(fmt(frame.y(yRange.lowerBound)))\" "
                + "x2=\"\(fmt(frame.x(xRange.upperBound)))\" y2=\"\(fmt(frame.y(yRange.upperBound)))\"/>"
        }
        for (i, s) in series.enumerated() {
            let points = zip(s.x, s.y).filter { $0.0.isFinite && $0.1.isFinite }
            let path = points.map { "\(fmt(frame.x($0.0))),\(fmt(frame.y($0.1)))" }.joined(separator: " ")
            let values = points.map { "\(chartNumber($0.0)),\(chartNumber($0.1))" }.joined(separator: " ")
            out += "<polyline class=\"series s\(i)\" fill=\"none\" points=\"\(path)\" data-series=\"\(xmlEscaped(s.name))\" data-values=\"\(values)\"/>"
            if markers {
                for p in points {
                    let cx = frame.x(p.0), cy = frame.y(p.1)
                    out += i % 2 == 0
                        ? "<circle class=\"marker s\(i)\" cx=\"\(fmt(cx))\" cy=\"\(fmt(cy))\" r=\"3.5\"/>"
                        : "<rect class=\"marker s\(i)\" x=\"\(fmt(cx - 3.5))\" y=\"\(fmt(cy - 3.5))\" width=\"7\" height=\"7\"/>"
                }
            }
        }
        out += frame.legend(series.map(\.name))
        return out + "</svg>"
    }

    /// The numbers: one row per point of each series.
    public var table: (headers: [String], rows: [[String]]) {
        (["series", xLabel, yLabel], series.flatMap { s in zip(s.x, s.y).map { [s.name, chartNumber($0.0), chartNumber($0.1)] } })
    }

    /// An `xychart-beta` with each series read at 11 evenly spaced x values (linear between
    /// points), as mermaid's line charts take y values over an x range.
    public func mermaid() -> String? {
        guard !series.isEmpty else { return nil }
        let grid = (0...10).map { xRange.lowerBound + Double($0) / 10 * (xRange.upperBound - xRange.lowerBound) }
        var out = "xychart-beta\n    title \(mermaidText(title))\n"
        out += "    x-axis \(mermaidText(xLabel)) [" + grid.map { "\"\(chartNumber($0))\"" }.joined(separator: ", ") + "]\n"
        out += "    y-axis \(mermaidText(yLabel)) \(chartNumber(yRange.lowerBound)) --> \(chartNumber(yRange.upperBound))\n"
        for s in series {
            out += "    line \(mermaidList(grid.map { Self.interpolate(s, at: $0) }))\n"
        }
        return out
    }

    static func interpolate(_ s: Series, at x: Double) -> Double {
        let points = zip(s.x, s.y).filter { $0.0.isFinite && $0.1.isFinite }.sorted { $0.0 < $1.0 }
        guard let first = points.first, let last = points.last else { return 0 }
        if x <= first.0 { return first.1 }
        if x >= last.0 { return last.1 }
        let upper = points.firstIndex { $0.0 >= x }!
        let (a, b) = (points[upper - 1], points[upper])
        return b.0 == a.0 ? b.1 : a.1 + (b.1 - a.1) * (x - a.0) / (b.0 - a.0)
    }
}

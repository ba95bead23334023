import Foundation

/// Text escaped for XML and HTML (element content and attribute values alike).
public func xmlEscaped(_ text: String) -> String {
    // Most text needs nothing: find that out on the bytes.
    let clean = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
        for byte in bytes where byte < 0x3F && (byte < 0x20 || byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x22 || byte == 0x27) {
            return false
        }
        return true
    }
    if clean == true { return text }
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for c in text.unicodeScalars {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default:
            // Control characters other than tab and line ends are not allowed in XML.
            if c.value < 0x20, c != "\t", c != "\n", c != "\r" { out += "\u{FFFD}" } else { out.unicodeScalars.append(c) }
        }
    }
    return out
}

/// A number as a chart shows it: up to 4 significant digits, no exponent for ordinary sizes.
public func chartNumber(_ x: Double) -> String {
    guard x.isFinite else { return "–" }
    if x == x.rounded(), abs(x) < 1e9 { return String(Int(x)) }
    var text = String(format: "%.4g", x)
    if text.contains("e") { return text }
    if text.contains(".") { while text.hasSuffix("0") { text.removeLast() }; if text.hasSuffix(".") { text.removeLast() } }
    return text
}

/// The plotting area and its axes: maps data to pixels, draws grid, ticks and labels.
struct Frame {
    static let width = 480.0
    var height = 300.0
    var left = 56.0
    let right = 16.0, top = 48.0, bottom = 46.0
    let xRange: ClosedRange<Double>, yRange: ClosedRange<Double>

    init(xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, left: Double = 56, height: Double = 300) {
        (self.xRange, self.yRange, self.left, self.height) = (xRange, yRange, left, height)
    }

    var plotWidth: Double { Self.width - left - right }
    var plotHeight: Double { height - top - bottom }

    func x(_ v: Double) -> Double {
        let span = xRange.upperBound - xRange.lowerBound
        return left + (span > 0 ? (v - xRange.lowerBound) / span : 0.5) * plotWidth
    }

    func y(_ v: Double) -> Double {
        let span = yRange.upperBound - yRange.lowerBound
        return top + plotHeight - (span > 0 ? (v - yRange.lowerBound) / span : 0.5) * plotHeight
    }

    /// Evenly spaced tick values over `range`, about `count` of them.
    static func ticks(_ range: ClosedRange<Double>, count: Int = 5) -> [Double] {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return [range.lowerBound] }
        let raw = span / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var out: [Double] = []
        var v = (range.lowerBound / step).rounded(.up) * step
        while v <= range.upperBound + step * 1e-9 { out.append(abs(v) < step * 1e-9 ? 0 : v); v += step }
        return out
    }

    /// The opening of an accessible SVG: role, title and description.
    func open(id: String, kind: String, title: String, description: String) -> String {
        let width = Self.width
        return """
        <svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="\(xmlEscaped(kind))" viewBox="0 0 \(Int(width)) \(Int(height))" \
        width="\(Int(width))" height="\(Int(height))" role="img" aria-labelledby="\(id)-t \(id)-d">\
        <title id="\(id)-t">\(xmlEscaped(title))</title><desc id="\(id)-d">\(xmlEscaped(description))</desc>\
        <text class="chart-title" x="\(Int(width / 2))" y="20" text-anchor="middle">\(xmlEscaped(title))</text>
        """
    }

    /// Axes with grid lines, tick labels and axis titles.
    func axes(xLabel: String, yLabel: String, xTicks: [Double]? = nil, yTicks: [Double]? = nil) -> String {
        var out = "<g class=\"axes\">"
        for t in yTicks ?? Self.ticks(yRange) {
            let py = fmt(y(t))
            out += "<line class=\"grid\" x1=\"\(fmt(left))\" x2=\"\(fmt(left + plotWidth))\" y1=\"\(py)\" y2=\"\(py)\"/>"
            out += "<text class=\"tick\" x=\"\(fmt(left - 6))\" y=\"\(py)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(chartNumber(t))</text>"
        }
        for t in xTicks ?? Self.ticks(xRange) {
            let px = fmt(x(t))
            out += "<line class=\"grid\" x1=\"\(px)\" x2=\"\(px)\" y1=\"\(fmt(top))\" y2=\"\(fmt(top + plotHeight))\"/>"
            out += "<text class=\"tick\" x=\"\(px)\" y=\"\(fmt(top + plotHeight + 16))\" text-anchor=\"middle\">\(chartNumber(t))</text>"
        }
        out += "<rect class=\"frame\" x=\"\(fmt(left))\" y=\"\(fmt(top))\" width=\"\(fmt(plotWidth))\" height=\"\(fmt(plotHeight))\" fill=\"none\"/>"
        out += "<text class=\"axis-label\" x=\"\(fmt(left + plotWidth / 2))\" y=\"\(fmt(height - 8))\" text-anchor=\"middle\">\(xmlEscaped(xLabel))</text>"
        out += "<text class=\"axis-label\" transform=\"translate(14 \(fmt(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(xmlEscaped(yLabel))</text>"
        return out + "</g>"
    }

    /// A legend in a row between the title and the plot: a sample of each series' line (or
    /// bar) and its name.
    func legend(_ names: [String], swatch: String = "line") -> String {
        var out = "<g class=\"legend\">"
        var lx = left
        for (i, name) in names.enumerated() {
            defer { lx += 40 + Double(name.count) * 6.5 }
            let ly = top - 12
            if swatch == "line" {
                out += "<line class=\"series s\(i)\" x1=\"\(fmt(lx))\" x2=\"\(fmt(lx + 22))\" y1=\"\(fmt(ly))\" y2=\"\(fmt(ly))\"/>"
            } else {
                out += "<rect class=\"bar s\(i)\" x=\"\(fmt(lx))\" y=\"\(fmt(ly - 5))\" width=\"22\" height=\"10\"/>"
            }
            out += "<text class=\"legend-label\" x=\"\(fmt(lx + 28))\" y=\"\(fmt(ly))\" dominant-baseline=\"middle\">\(xmlEscaped(name))</text>"
        }
        return out + "</g>"
    }
}

/// A pixel coordinate with one decimal.
func fmt(_ v: Double) -> String {
    let r = (v * 10).rounded() / 10
    return r == r.rounded() ? String(Int(r)) : String(r)
}

/// A mermaid xychart's number list.
func mermaidList(_ values: [Double]) -> String {
    "[" + values.map { chartNumber($0) }.joined(separator: ", ") + "]"
}

/// A mermaid string literal (double quotes are not allowed inside).
func mermaidText(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\"", with: "'").replacingOccurrences(of: "\n", with: " ") + "\""
}

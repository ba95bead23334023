import Charts

/// Renders a `ReportDocument` as GitHub-flavoured Markdown for `$GITHUB_STEP_SUMMARY` and
/// pull-request comments: tables, and charts as fenced mermaid where GitHub draws them
/// (with their numbers in a collapsed table; a chart mermaid cannot draw is the table alone).
public enum MarkdownPage {
    public static func render(_ document: ReportDocument, headingLevel: Int = 1) -> String {
        let h = String(repeating: "#", count: max(1, min(4, headingLevel)))
        var out = "\(h) \(inline(document.title))\n\n"
        if let subtitle = document.subtitle { out += "_\(inline(subtitle))_\n\n" }
        for section in document.sections {
            out += "\(h)# \(inline(section.title))\n\n"
            for block in section.blocks { out += markdown(block, level: h.count + 2) + "\n" }
        }
        return out
    }

    static func markdown(_ block: ReportDocument.Block, level: Int) -> String {
        switch block {
        case .paragraph(let text): return inline(text) + "\n"
        case .note(let text): return "<sub>\(inline(text))</sub>\n"
        case .subheading(let text): return String(repeating: "#", count: min(6, level)) + " " + inline(text) + "\n"
        case .verdict(let tone, let label, let text): return "> **\(tone.symbol) \(inline(label))** \(inline(text))\n"
        case .facts(let pairs):
            return "| | |\n|---|---|\n" + pairs.map { "| \(cellText($0.0)) | \(cell($0.1)) |" }.joined(separator: "\n") + "\n"
        case .table(let table): return self.table(table)
        case .list(let items): return items.map { "- \(inline($0))" }.joined(separator: "\n") + "\n"
        case .command(let text): return "```sh\n\(text)\n```\n"
        case .chart(let chart):
            let numbers = chart.table
            let rows = numbers.rows.count > 40 ? Array(numbers.rows.prefix(40)) : numbers.rows
            let details = "<details><summary>\(inline(chart.title)): the numbers</summary>\n\n"
                + table(.init(headers: numbers.headers, rows: rows.map { $0.map { ReportDocument.Cell($0) } }))
                + (numbers.rows.count > rows.count ? "\n…and \(numbers.rows.count - rows.count) more rows\n" : "")
                + "\n</details>\n"
            guard let mermaid = chart.mermaid() else { return "**\(inline(chart.title))**\n\n" + details }
            return "```mermaid\n\(mermaid)```\n\n" + details
        }
    }

    static func table(_ table: ReportDocument.Table) -> String {
        var out = table.caption.map { "**\(inline($0))**\n\n" } ?? ""
        out += "| " + table.headers.map(cellText).joined(separator: " | ") + " |\n"
        out += "|" + table.headers.map { _ in "---|" }.joined() + "\n"
        for row in table.rows { out += "| " + row.map(cell).joined(separator: " | ") + " |\n" }
        return out
    }

    static func cell(_ c: ReportDocument.Cell) -> String {
        var text = c.code ? "`\(c.text.replacingOccurrences(of: "`", with: "'").replacingOccurrences(of: "|", with: "\\|"))`" : cellText(c.text)
        if let tone = c.tone { text = "\(tone.symbol) \(text)" }
        if let link = c.link { text = "[\(text)](\(link))" }
        return text
    }

    /// Text in a table cell: pipes escaped, line ends as spaces.
    static func cellText(_ text: String) -> String {
        inline(text).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    /// Text that Markdown would otherwise read as markup or HTML.
    static func inline(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "*", "_", "`", "[", "]", "\\": out += "\\\(c)"
            default: out.append(c)
            }
        }
        return out
    }
}

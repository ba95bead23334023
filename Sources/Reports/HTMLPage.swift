import Charts

/// Renders a `ReportDocument` as one HTML page: no script, no font or image from the
/// network, readable without JavaScript and printable; light or dark by the reader's
/// setting; headings, table headers, captions and alt text for assistive technology.
public enum HTMLPage {
    /// Where the page's style comes from.
    public enum Style: Sendable {
        /// In the page itself (a self-contained file).
        case inline
        /// A stylesheet at this relative path (the pages of a site share one).
        case linked(String)
    }

    /// The page. `navigation` links (text, relative href) go above the title.
    public static func render(_ document: ReportDocument, style: Style = .inline, navigation: [(String, String)] = []) -> String {
        var out = ""
        out.reserveCapacity(4096)
        start(title: document.title, subtitle: document.subtitle, style: style, navigation: navigation, into: &out)
        if document.sections.count > 3 {
            out += "<nav aria-label=\"contents\" class=\"toc\"><h2 class=\"visually-hidden\">Contents</h2><ul>"
            for section in document.sections {
                out += "<li><a href=\"#"; escape(section.id, into: &out); out += "\">"; escape(section.title, into: &out); out += "</a></li>"
            }
            out += "</ul></nav>\n"
        }
        for section in document.sections {
            sectionStart(id: section.id, title: section.title, into: &out)
            for block in section.blocks { html(block, into: &out); out += "\n" }
            out += "</section>\n"
        }
        end(into: &out)
        return out
    }

    /// The page up to and including its header (`render`'s opening, for pages written piece
    /// by piece).
    public static func start(title: String, subtitle: String?, style: Style, navigation: [(String, String)], into out: inout String) {
        out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<meta name=\"color-scheme\" content=\"light dark\">\n"
        // Nothing but this page and its own stylesheet may load.
        out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'self' 'unsafe-inline'; img-src data:\">\n"
        out += "<title>"; escape(title, into: &out); out += "</title>\n"
        switch style {
        case .inline: out += "<style>\n"; out += stylesheet; out += "</style>\n"
        case .linked(let href): out += "<link rel=\"stylesheet\" href=\""; escape(href, into: &out); out += "\">\n"
        }
        out += "</head>\n<body>\n"
        if !navigation.isEmpty {
            out += "<nav aria-label=\"site\"><ul class=\"crumbs\">"
            for (text, href) in navigation {
                out += "<li><a href=\""; escape(href, into: &out); out += "\">"; escape(text, into: &out); out += "</a></li>"
            }
            out += "</ul></nav>\n"
        }
        out += "<main>\n<header><h1>"; escape(title, into: &out); out += "</h1>"
        if let subtitle { out += "<p class=\"subtitle\">"; escape(subtitle, into: &out); out += "</p>" }
        out += "</header>\n"
    }

    /// A section's opening and heading.
    public static func sectionStart(id: String, title: String, into out: inout String) {
        out += "<section id=\""; escape(id, into: &out); out += "\" aria-labelledby=\""; escape(id, into: &out); out += "-h\">\n"
        out += "<h2 id=\""; escape(id, into: &out); out += "-h\">"; escape(title, into: &out); out += "</h2>\n"
    }

    /// The page's end.
    public static func end(into out: inout String) {
        out += "</main>\n</body>\n</html>\n"
    }

    /// Appends `text`, escaped.
    @inline(__always) public static func escape(_ text: String, into out: inout String) {
        out += xmlEscaped(text)
    }

    static func html(_ block: ReportDocument.Block, into out: inout String) {
        switch block {
        case .paragraph(let text): out += "<p>"; escape(text, into: &out); out += "</p>"
        case .note(let text): out += "<p class=\"note\">"; escape(text, into: &out); out += "</p>"
        case .subheading(let text): out += "<h3>"; escape(text, into: &out); out += "</h3>"
        case .verdict(let tone, let label, let text):
            out += "<p class=\"verdict tone-\(tone.rawValue)\"><span class=\"badge tone-\(tone.rawValue)\">\(tone.symbol) "
            escape(label, into: &out); out += "</span> "; escape(text, into: &out); out += "</p>"
        case .facts(let pairs):
            out += "<dl class=\"facts\">"
            for (term, value) in pairs { out += "<dt>"; escape(term, into: &out); out += "</dt><dd>"; cell(value, into: &out); out += "</dd>" }
            out += "</dl>"
        case .table(let table): self.table(table, into: &out)
        case .list(let items):
            out += "<ul>"
            for item in items { out += "<li>"; escape(item, into: &out); out += "</li>" }
            out += "</ul>"
        case .command(let text): out += "<pre class=\"command\"><code>"; escape(text, into: &out); out += "</code></pre>"
        case .chart(let chart):
            let numbers = chart.table
            out += "<figure class=\"chart-figure\">"; out += chart.svg()
            out += "<figcaption>"; escape(chart.title, into: &out); out += "</figcaption><details><summary>The numbers</summary>"
            table(.init(caption: chart.title, headers: numbers.headers, rows: numbers.rows.map { $0.map { ReportDocument.Cell($0) } }), into: &out)
            out += "</details></figure>"
        }
    }

    static func table(_ table: ReportDocument.Table, into out: inout String) {
        out += "<div class=\"table-wrap\"><table>"
        if let caption = table.caption { out += "<caption>"; escape(caption, into: &out); out += "</caption>" }
        out += "<thead><tr>"
        for header in table.headers { out += "<th scope=\"col\">"; escape(header, into: &out); out += "</th>" }
        out += "</tr></thead><tbody>"
        for row in table.rows {
            out += "<tr>"
            for (i, c) in row.enumerated() {
                out += i == 0 ? "<th scope=\"row\">" : "<td>"
                cell(c, into: &out)
                out += i == 0 ? "</th>" : "</td>"
            }
            out += "</tr>"
        }
        out += "</tbody></table></div>"
    }

    static func cell(_ c: ReportDocument.Cell, into out: inout String) {
        if let link = c.link { out += "<a href=\""; escape(link, into: &out); out += "\">" }
        if let tone = c.tone { out += "<span class=\"badge tone-\(tone.rawValue)\">\(tone.symbol) " }
        if c.code { out += "<code>" }
        escape(c.text, into: &out)
        if c.code { out += "</code>" }
        if c.tone != nil { out += "</span>" }
        if c.link != nil { out += "</a>" }
    }

    /// The page style: system fonts, light and dark palettes, print rules, chart classes.
    public static let stylesheet = """
    :root { color-scheme: light dark; --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa;
      --good: #1a7f37; --warn: #9a6700; --bad: #cf222e; --neutral: #59636e; --s0: #0969da; --s1: #bc4c00; --s2: #8250df; --s3: #1a7f37;
      --critical: #82071e; --high: #cf222e; --medium: #bc4c00; --low: #9a6700; --info: #59636e; }
    @media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23;
      --good: #3fb950; --warn: #d29922; --bad: #f85149; --neutral: #9198a1; --s0: #4493f8; --s1: #f0883e; --s2: #ab7df8; --s3: #3fb950;
      --critical: #ff7b72; --high: #f85149; --medium: #f0883e; --low: #d29922; --info: #9198a1; } }
    * { box-sizing: border-box; }
    body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
    main { max-width: 1040px; margin: 0 auto; padding: 16px 24px 48px; }
    h1 { font-size: 1.6em; margin: 0.4em 0 0.1em; } h2 { font-size: 1.25em; border-bottom: 1px solid var(--line); padding-bottom: 4px; margin-top: 1.8em; }
    h3 { font-size: 1.05em; margin-top: 1.2em; }
    a { color: var(--s0); } code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; }
    .subtitle, .note { color: var(--muted); } .note { font-size: 0.9em; }
    .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
    nav ul { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 4px 16px; }
    nav[aria-label=site] { max-width: 1040px; margin: 0 auto; padding: 12px 24px 0; font-size: 0.9em; }
    .crumbs li + li::before { content: "/"; color: var(--muted); margin-right: 12px; }
    .toc { margin: 12px 0; font-size: 0.9em; }
    .verdict { font-size: 1.1em; padding: 10px 14px; border-left: 6px solid var(--neutral); background: var(--panel); }
    .verdict.tone-good { border-color: var(--good); } .verdict.tone-warn { border-color: var(--warn); } .verdict.tone-bad { border-color: var(--bad); }
    .badge { font-weight: 600; white-space: nowrap; } .badge.tone-good { color: var(--good); } .badge.tone-warn { color: var(--warn); }
    .badge.tone-bad { color: var(--bad); } .badge.tone-neutral { color: var(--neutral); }
    dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; } dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
    .table-wrap { overflow-x: auto; } table { border-collapse: collapse; margin: 8px 0; font-size: 0.92em; }
    caption { text-align: left; color: var(--muted); padding: 4px 0; }
    th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; } thead th { background: var(--panel); }
    tbody th { font-weight: normal; }
    pre.command { background: var(--panel); padding: 8px 12px; overflow-x: auto; border: 1px solid var(--line); }
    figure.chart-figure { margin: 12px 0; display: inline-block; vertical-align: top; max-width: 100%; }
    figure.chart-figure svg { max-width: 100%; height: auto; } figcaption { color: var(--muted); font-size: 0.9em; }
    details summary { cursor: pointer; color: var(--muted); font-size: 0.9em; }
    svg.chart { background: var(--bg); font-size: 11px; }
    svg.chart text { fill: var(--fg); } svg.chart .tick, svg.chart .axis-label, svg.chart .reference-label { fill: var(--muted); }
    svg.chart .chart-title { font-weight: 600; font-size: 13px; }
    svg.chart .grid { stroke: var(--line); stroke-width: 0.5; } svg.chart .frame { stroke: var(--muted); }
    svg.chart .reference { stroke: var(--muted); stroke-dasharray: 2 3; stroke-width: 1.2; }
    svg.chart .series { stroke-width: 2; fill: none; } svg.chart .series.s0 { stroke: var(--s0); }
    svg.chart .series.s1 { stroke: var(--s1); stroke-dasharray: 7 4; } svg.chart .series.s2 { stroke: var(--s2); stroke-dasharray: 2 3; }
    svg.chart .series.s3 { stroke: var(--s3); stroke-dasharray: 10 3 2 3; }
    svg.chart .marker.s0, svg.chart .bar.s0 { fill: var(--s0); } svg.chart .marker.s1, svg.chart .bar.s1 { fill: var(--s1); }
    svg.chart .bar.s0 { fill-opacity: 0.75; } svg.chart .bar.s1 { fill-opacity: 0.45; } svg.chart .hatch { stroke: var(--s1); stroke-width: 2; }
    svg.chart .interval { stroke: var(--fg); stroke-width: 1.5; } svg.chart .estimate { fill: var(--good); stroke: var(--fg); }
    svg.chart .estimate.fails { fill: var(--bg); stroke: var(--bad); stroke-width: 2; }
    svg.chart .tone-critical { fill: var(--critical); } svg.chart .tone-high { fill: var(--high); } svg.chart .tone-medium { fill: var(--medium); }
    svg.chart .tone-low { fill: var(--low); } svg.chart .tone-info { fill: var(--info); }
    .grid-table td { white-space: nowrap; }
    @media print { body { background: #fff; color: #000; } nav, details summary { display: none; } details { display: block; }
      section, figure, table { break-inside: avoid; } a { color: inherit; } main { max-width: none; } }

    """
}

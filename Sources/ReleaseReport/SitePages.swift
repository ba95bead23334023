import Charts
import Checks
import Foundation
import Promotion
import Reports

/// The site's pages as documents (see `RegistrySite`).
enum SitePages {
    static func time(_ date: Date?) -> String { date.map { Timestamp.text($0) } ?? "–" }

    static func index(models: [RegistrySite.ModelPages], stages: [String], policy: Policy?, now: Date) -> String {
        var rows: [[ReportDocument.Cell]] = []
        for pages in models {
            let folder = RegistrySite.folder(pages.name)
            var row: [ReportDocument.Cell] = [.init(pages.name + (pages.deprecated != nil ? " (deprecated)" : ""), link: "\(folder)/index.html")]
            for stage in stages {
                var parts: [String] = []
                var link: String?
                var tone: ReportDocument.Tone?
                if let current = pages.current[stage] {
                    parts.append("\(current.version) since \(time(current.stamp.time))")
                    link = "\(folder)/\(current.version).html"
                    if let analysis = pages.analyses[current.version + "#" + stage] {
                        parts.append("analysis \(analysis.status.rawValue) \(analysis.startedAt)")
                        tone = analysis.status == .pass ? .good : analysis.status == .warn ? .warn : .bad
                    }
                } else {
                    parts.append("–")
                }
                // A version waiting for approvals to enter a stage that needs them (not one
                // that has them all, nor one rolled back out of the stage).
                if let rules = policy?.stage(stage)?.approvals, rules.required > 0,
                   let from = policy?.stage(stage)?.from ?? policy.flatMap({ p in p.stages.prefix { $0.name != stage }.last?.name }),
                   let waiting = pages.current[from], waiting.version != pages.current[stage]?.version,
                   !pages.events.contains(where: { $0.version == waiting.version && $0.stage == stage && $0.event != "approved" && $0.event != "rejected" }) {
                    let recorded = Set(pages.events.filter { $0.event == "approved" && $0.version == waiting.version && $0.stage == stage }.compactMap(\.by)).count
                    if recorded < rules.required {
                        parts.append("\(waiting.version) awaits \(rules.required - recorded) approval(s)")
                        tone = tone ?? .warn
                    }
                }
                row.append(.init(parts.joined(separator: "; "), tone: tone, link: link))
            }
            rows.append(row)
        }
        let versions = models.reduce(0) { $0 + $1.versions.count }
        let document = ReportDocument(
            title: "Model registry", subtitle: "\(models.count) model(s), \(versions) version(s); made \(Timestamp.text(now)) from the repository's tags and notes",
            sections: [.init(id: "stages", title: "Models and stages", blocks: models.isEmpty
                ? [.paragraph("No model is registered yet: mlgate register NAME")]
                : [.table(.init(caption: "The version each stage holds, since when, its last post-deploy analysis, and versions awaiting approval",
                                headers: ["Model"] + stages, rows: rows))])])
        return HTMLPage.render(document, style: .linked("style.css"))
    }

    /// A model's page (its stages now, its timeline newest first, its versions), written
    /// straight into bytes as `modelDocument` renders it: a large model's page has thousands
    /// of rows.
    static func model(_ pages: RegistrySite.ModelPages, stages: [String], into out: inout PageBytes) {
        out.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        out.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        out.raw("<meta name=\"color-scheme\" content=\"light dark\">\n")
        out.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'self' 'unsafe-inline'; img-src data:\">\n")
        out.raw("<title>"); out.escaped(pages.name); out.raw("</title>\n")
        out.raw("<link rel=\"stylesheet\" href=\"../style.css\">\n</head>\n<body>\n")
        out.raw("<nav aria-label=\"site\"><ul class=\"crumbs\"><li><a href=\"../index.html\">Registry</a></li><li><a href=\"index.html\">")
        out.escaped(pages.name); out.raw("</a></li></ul></nav>\n<main>\n<header><h1>"); out.escaped(pages.name)
        out.raw("</h1><p class=\"subtitle\">"); out.rawText(String(pages.versions.count)); out.raw(" version(s), ")
        out.rawText(String(pages.events.count)); out.raw(" event(s)</p></header>\n")

        out.raw("<section id=\"now\" aria-labelledby=\"now-h\">\n<h2 id=\"now-h\">Stages now</h2>\n<dl class=\"facts\">")
        for stage in stages {
            out.raw("<dt>"); out.escaped(stage); out.raw("</dt><dd>")
            if let current = pages.current[stage] {
                out.raw("<a href=\""); out.escaped(current.version); out.raw(".html\">"); out.escaped(current.version)
                out.raw(" since "); out.time(current.stamp.time); out.raw("</a>")
            } else {
                out.raw("–")
            }
            out.raw("</dd>")
        }
        if let deprecated = pages.deprecated { out.raw("<dt>Deprecated</dt><dd>"); out.time(deprecated.time); out.raw("</dd>") }
        out.raw("</dl>\n</section>\n")

        out.raw("<section id=\"timeline\" aria-labelledby=\"timeline-h\">\n<h2 id=\"timeline-h\">Timeline</h2>\n")
        out.raw("<div class=\"table-wrap\"><table><caption>Registrations, assignments, approvals and rollbacks, newest first</caption><thead><tr>")
        out.raw("<th scope=\"col\">Time</th><th scope=\"col\">Event</th><th scope=\"col\">Version</th><th scope=\"col\">Stage</th><th scope=\"col\">By</th><th scope=\"col\">Message</th>")
        out.raw("</tr></thead><tbody>")
        for e in pages.events.reversed() {
            out.raw("<tr><th scope=\"row\">"); out.time(e.time); out.raw("</th><td>")
            if e.event.hasPrefix("rolled back") || e.event == "rejected" {
                out.raw("<span class=\"badge tone-bad\">✗ "); out.escaped(e.event); out.raw("</span>")
            } else {
                out.escaped(e.event)
            }
            out.raw("</td><td>")
            if pages.isVersion(e.version) {
                out.raw("<a href=\""); out.escaped(e.version); out.raw(".html\">"); out.escaped(e.version); out.raw("</a>")
            } else {
                out.escaped(e.version)
            }
            out.raw("</td><td>"); out.escaped(e.stage ?? "")
            out.raw("</td><td>"); out.escaped(e.by ?? "")
            out.raw("</td><td>"); out.escaped(firstLine(e.message)); out.raw("</td></tr>")
        }
        out.raw("</tbody></table></div>\n</section>\n")

        var held: [String: [String]] = [:]
        for stage in stages { if let current = pages.current[stage] { held[current.version, default: []].append(stage) } }
        out.raw("<section id=\"versions\" aria-labelledby=\"versions-h\">\n<h2 id=\"versions-h\">Versions</h2>\n")
        out.raw("<div class=\"table-wrap\"><table><thead><tr>")
        out.raw("<th scope=\"col\">Version</th><th scope=\"col\">Commit</th><th scope=\"col\">Registered</th><th scope=\"col\">By</th><th scope=\"col\">Stages</th>")
        out.raw("</tr></thead><tbody>")
        for v in pages.versions.reversed() {
            out.raw("<tr><th scope=\"row\"><a href=\""); out.escaped(v.name); out.raw(".html\">"); out.escaped(v.name)
            out.raw("</a></th><td><code>"); out.escaped(String(v.commit.prefix(7)))
            out.raw("</code></td><td>"); out.time(v.registered.time)
            out.raw("</td><td>"); out.escaped(v.registered.author ?? "–")
            out.raw("</td><td>")
            if v.deregistered != nil { out.raw("deregistered") } else if let stages = held[v.name] { out.escaped(stages.joined(separator: ", ")) }
            out.raw("</td></tr>")
        }
        out.raw("</tbody></table></div>\n</section>\n</main>\n</body>\n</html>\n")
    }

    /// A model's page as a document (what `model(_:stages:into:)` writes directly).
    static func modelDocument(_ pages: RegistrySite.ModelPages, stages: [String]) -> String {
        var held: [String: [String]] = [:]
        for stage in stages { if let current = pages.current[stage] { held[current.version, default: []].append(stage) } }
        let versions: [[ReportDocument.Cell]] = pages.versions.reversed().map { v in
            [.init(v.name, link: "\(v.name).html"), .init(String(v.commit.prefix(7)), code: true),
             .init(time(v.registered.time)), .init(v.registered.author ?? "–"),
             .init(v.deregistered != nil ? "deregistered" : (held[v.name] ?? []).joined(separator: ", "))]
        }
        let timeline: [[ReportDocument.Cell]] = pages.events.reversed().map { e in
            [.init(time(e.time)), .init(e.event, tone: e.event.hasPrefix("rolled back") || e.event == "rejected" ? .bad : nil),
             .init(e.version, link: pages.isVersion(e.version) ? "\(e.version).html" : nil),
             .init(e.stage ?? ""), .init(e.by ?? ""), .init(firstLine(e.message))]
        }
        var now: [(String, ReportDocument.Cell)] = stages.map { stage in
            (stage, pages.current[stage].map { ReportDocument.Cell("\($0.version) since \(time($0.stamp.time))", link: "\($0.version).html") } ?? "–")
        }
        if let deprecated = pages.deprecated { now.append(("Deprecated", .init(time(deprecated.time)))) }
        let document = ReportDocument(title: pages.name, subtitle: "\(pages.versions.count) version(s), \(pages.events.count) event(s)", sections: [
            .init(id: "now", title: "Stages now", blocks: [.facts(now)]),
            .init(id: "timeline", title: "Timeline", blocks: [.table(.init(caption: "Registrations, assignments, approvals and rollbacks, newest first",
                                                                               headers: ["Time", "Event", "Version", "Stage", "By", "Message"], rows: timeline))]),
            .init(id: "versions", title: "Versions", blocks: [.table(.init(headers: ["Version", "Commit", "Registered", "By", "Stages"], rows: versions))]),
        ])
        return HTMLPage.render(document, style: .linked("../style.css"), navigation: [("Registry", "../index.html"), (pages.name, "index.html")])
    }

    static let plainSubtitle = "No decision or evidence is recorded for this version."

    /// A version's page: its report (with its own history first) when it has one, else its
    /// registration and events.
    static func version(_ version: RegistrySite.ModelPages.Version, of pages: RegistrySite.ModelPages) -> String {
        guard var report = pages.reports[version.name] else { return plainVersion(version, of: pages) }
        report.sections.insert(history(version, of: pages), at: 0)
        return HTMLPage.render(report, style: .linked("../style.css"), navigation: navigation(version, of: pages))
    }

    static func navigation(_ version: RegistrySite.ModelPages.Version, of pages: RegistrySite.ModelPages) -> [(String, String)] {
        [("Registry", "../index.html"), (pages.name, "index.html"), (version.name, "\(version.name).html")]
    }

    /// The version's facts and events, as a section.
    static func history(_ version: RegistrySite.ModelPages.Version, of pages: RegistrySite.ModelPages) -> ReportDocument.Section {
        let registered = version.registered
        var facts: [(String, ReportDocument.Cell)] = [
            ("Commit", .init(version.commit, code: true)), ("Registered", .init(time(registered.time))),
            ("By", .init(registered.author ?? "–")), ("Tag", .init(registered.tag, code: true)),
        ]
        if !registered.message.isEmpty { facts.append(("Message", .init(registered.message))) }
        if let gone = version.deregistered { facts.append(("Deregistered", .init("\(time(gone.time)) by \(gone.author ?? "–")"))) }
        return ReportDocument.Section(id: "version", title: "This version", blocks: [
            .facts(facts),
            .table(.init(caption: "Its events, oldest first", headers: ["Time", "Event", "Stage", "By", "Message"],
                         rows: pages.events(of: version).map {
                             [.init(time($0.time)), .init($0.event), .init($0.stage ?? ""), .init($0.by ?? ""), .init(firstLine($0.message))]
                         })),
        ])
    }

    /// The page of a version with nothing but its history, as `HTMLPage.render` would write
    /// the document `plainDocument` gives, written straight into bytes: most of a large
    /// registry's pages are these.
    static func plainVersion(_ version: RegistrySite.ModelPages.Version, of pages: RegistrySite.ModelPages, into out: inout PageBytes) {
        out.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        out.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        out.raw("<meta name=\"color-scheme\" content=\"light dark\">\n")
        out.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'self' 'unsafe-inline'; img-src data:\">\n")
        out.raw("<title>"); out.escaped(pages.name); out.raw(" "); out.escaped(version.name); out.raw("</title>\n")
        out.raw("<link rel=\"stylesheet\" href=\"../style.css\">\n</head>\n<body>\n")
        out.raw("<nav aria-label=\"site\"><ul class=\"crumbs\"><li><a href=\"../index.html\">Registry</a></li><li><a href=\"index.html\">")
        out.escaped(pages.name); out.raw("</a></li><li><a href=\""); out.escaped(version.name); out.raw(".html\">"); out.escaped(version.name)
        out.raw("</a></li></ul></nav>\n<main>\n<header><h1>"); out.escaped(pages.name); out.raw(" "); out.escaped(version.name)
        out.raw("</h1><p class=\"subtitle\">No decision or evidence is recorded for this version.</p></header>\n")
        out.raw("<section id=\"version\" aria-labelledby=\"version-h\">\n<h2 id=\"version-h\">This version</h2>\n")
        let registered = version.registered
        out.raw("<dl class=\"facts\"><dt>Commit</dt><dd><code>"); out.escaped(version.commit)
        out.raw("</code></dd><dt>Registered</dt><dd>"); out.time(registered.time)
        out.raw("</dd><dt>By</dt><dd>"); out.escaped(registered.author ?? "–")
        out.raw("</dd><dt>Tag</dt><dd><code>"); out.escaped(registered.tag); out.raw("</code></dd>")
        if !registered.message.isEmpty { out.raw("<dt>Message</dt><dd>"); out.escaped(registered.message); out.raw("</dd>") }
        if let gone = version.deregistered {
            out.raw("<dt>Deregistered</dt><dd>"); out.time(gone.time); out.raw(" by "); out.escaped(gone.author ?? "–"); out.raw("</dd>")
        }
        out.raw("</dl>\n<div class=\"table-wrap\"><table><caption>Its events, oldest first</caption><thead><tr>")
        out.raw("<th scope=\"col\">Time</th><th scope=\"col\">Event</th><th scope=\"col\">Stage</th><th scope=\"col\">By</th><th scope=\"col\">Message</th>")
        out.raw("</tr></thead><tbody>")
        for event in pages.events(of: version) {
            out.raw("<tr><th scope=\"row\">"); out.time(event.time)
            out.raw("</th><td>"); out.escaped(event.event)
            out.raw("</td><td>"); out.escaped(event.stage ?? "")
            out.raw("</td><td>"); out.escaped(event.by ?? "")
            out.raw("</td><td>"); out.escaped(firstLine(event.message))
            out.raw("</td></tr>")
        }
        out.raw("</tbody></table></div>\n</section>\n</main>\n</body>\n</html>\n")
    }

    /// `plainVersion` as text.
    static func plainVersion(_ version: RegistrySite.ModelPages.Version, of pages: RegistrySite.ModelPages) -> String {
        var out = PageBytes()
        plainVersion(version, of: pages, into: &out)
        return out.text
    }

    /// The document `plainVersion` writes (what it is checked against).
    static func plainDocument(_ version: RegistrySite.ModelPages.Version, of pages: RegistrySite.ModelPages) -> ReportDocument {
        ReportDocument(title: "\(pages.name) \(version.name)", subtitle: plainSubtitle, sections: [history(version, of: pages)])
    }
}

/// The first line of a message (a commit's subject, a tag message's first line).
func firstLine(_ text: String) -> String {
    var text = text
    return text.withUTF8 { bytes in
        guard let end = bytes.firstIndex(of: 0x0A) else { return nil }
        return String(decoding: bytes[..<end], as: UTF8.self)
    } ?? text
}

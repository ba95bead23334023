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
            let model = pages.model, folder = RegistrySite.folder(model.name)
            var row: [ReportDocument.Cell] = [.init(model.name + (model.deprecated != nil ? " (deprecated)" : ""), link: "\(folder)/index.html")]
            for stage in stages {
                var parts: [String] = []
                var link: String?
                var tone: ReportDocument.Tone?
                if let current = model.current(in: stage) {
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
                   let waiting = model.current(in: from), waiting.version != model.current(in: stage)?.version,
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
        let versions = models.reduce(0) { $0 + $1.model.versions.count }
        let document = ReportDocument(
            title: "Model registry", subtitle: "\(models.count) model(s), \(versions) version(s); made \(Timestamp.text(now)) from the repository's tags and notes",
            sections: [.init(id: "stages", title: "Models and stages", blocks: models.isEmpty
                ? [.paragraph("No model is registered yet: mlgate register NAME")]
                : [.table(.init(caption: "The version each stage holds, since when, its last post-deploy analysis, and versions awaiting approval",
                                headers: ["Model"] + stages, rows: rows))])])
        return HTMLPage.render(document, style: .linked("style.css"))
    }

    static func model(_ pages: RegistrySite.ModelPages, stages: [String]) -> String {
        let model = pages.model
        var held: [String: [String]] = [:]
        for stage in stages { if let current = model.current(in: stage) { held[current.version, default: []].append(stage) } }
        let versions: [[ReportDocument.Cell]] = model.versions.reversed().map { v in
            let registered = v.registered
            return [.init(v.version.description, link: "\(v.version.description).html"), .init(String(v.commit.prefix(7)), code: true),
                    .init(time(registered.time)), .init(registered.author ?? "–"),
                    .init(v.deregistered != nil ? "deregistered" : (held[v.version.description] ?? []).joined(separator: ", "))]
        }
        let timeline: [[ReportDocument.Cell]] = pages.events.reversed().map { e in
            [.init(time(e.time)), .init(e.event, tone: e.event.hasPrefix("rolled back") || e.event == "rejected" ? .bad : nil),
             .init(e.version, link: e.version.isEmpty || model.version(e.version) == nil ? nil : "\(e.version).html"),
             .init(e.stage ?? ""), .init(e.by ?? ""), .init(String(e.message.split(separator: "\n").first ?? ""))]
        }
        var now: [(String, ReportDocument.Cell)] = stages.map { stage in
            (stage, model.current(in: stage).map { ReportDocument.Cell("\($0.version) since \(time($0.stamp.time))", link: "\($0.version).html") } ?? "–")
        }
        if let deprecated = model.deprecated { now.append(("Deprecated", .init(time(deprecated.time)))) }
        let document = ReportDocument(title: model.name, subtitle: "\(model.versions.count) version(s), \(pages.events.count) event(s)", sections: [
            .init(id: "now", title: "Stages now", blocks: [.facts(now)]),
            .init(id: "timeline", title: "Timeline", blocks: [.table(.init(caption: "Registrations, assignments, approvals and rollbacks, newest first",
                                                                               headers: ["Time", "Event", "Version", "Stage", "By", "Message"], rows: timeline))]),
            .init(id: "versions", title: "Versions", blocks: [.table(.init(headers: ["Version", "Commit", "Registered", "By", "Stages"], rows: versions))]),
        ])
        return HTMLPage.render(document, style: .linked("../style.css"), navigation: [("Registry", "../index.html"), (model.name, "index.html")])
    }

    static func version(_ version: ModelVersion, of pages: RegistrySite.ModelPages) -> String {
        let name = version.version.description
        let registered = version.registered
        let mine = pages.eventsByVersion[name] ?? []
        var facts: [(String, ReportDocument.Cell)] = [
            ("Commit", .init(version.commit, code: true)), ("Registered", .init(time(registered.time))),
            ("By", .init(registered.author ?? "–")), ("Tag", .init(registered.tag, code: true)),
        ]
        if !registered.message.isEmpty { facts.append(("Message", .init(registered.message))) }
        if let gone = version.deregistered { facts.append(("Deregistered", .init("\(time(gone.time)) by \(gone.author ?? "–")"))) }
        let history = ReportDocument.Section(id: "version", title: "This version", blocks: [
            .facts(facts),
            .table(.init(caption: "Its events, oldest first", headers: ["Time", "Event", "Stage", "By", "Message"],
                         rows: mine.map { [.init(time($0.time)), .init($0.event), .init($0.stage ?? ""), .init($0.by ?? ""), .init(String($0.message.split(separator: "\n").first ?? ""))] })),
        ])
        var document: ReportDocument
        if var report = pages.reports[name] {
            report.sections.insert(history, at: 0)
            document = report
        } else {
            document = ReportDocument(title: "\(pages.model.name) \(name)", subtitle: "No decision or evidence is recorded for this version.", sections: [history])
        }
        return HTMLPage.render(document, style: .linked("../style.css"),
                               navigation: [("Registry", "../index.html"), (pages.model.name, "index.html"), (name, "\(name).html")])
    }
}

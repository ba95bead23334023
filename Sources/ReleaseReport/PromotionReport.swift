import Charts
import Checks
import Foundation
import Promotion
import Reports

/// The release manager's page for one promotion: what was decided and why, candidate
/// against champion, every check with its numbers and pictures, approvals and the command
/// still needed, and what changed. One document, rendered as HTML or Markdown.
public enum PromotionReport {
    public static func document(_ facts: PromotionFacts) -> ReportDocument {
        let d = facts.decision
        var document = ReportDocument(title: "\(d.model) \(d.version) → \(d.to)",
                                      subtitle: subtitle(facts))
        document.sections.append(decisionSection(facts))
        document.sections.append(versionsSection(facts))
        document.sections.append(checksSection(facts))
        document.sections += CheckFigures.sections(for: facts.results.compactMap(\.result) + facts.otherResults)
        document.sections.append(approvalsSection(facts))
        if facts.champion != nil { document.sections.append(changesSection(facts)) }
        return document
    }

    static func subtitle(_ facts: PromotionFacts) -> String {
        switch facts.source {
        case .recorded(let tag, let time):
            "Decision recorded in tag \(tag)\(time.map { " at \(Timestamp.text($0))" } ?? ""); report made \(Timestamp.text(facts.generatedAt))"
        case .evaluated:
            "Decision evaluated by the gate at \(Timestamp.text(facts.generatedAt)) from the evidence in git"
        }
    }

    static func tone(_ kind: Decision.Kind) -> ReportDocument.Tone {
        switch kind {
        case .promote: .good
        case .hold: .warn
        case .reject, .rollback: .bad
        }
    }

    static func tone(status: String) -> ReportDocument.Tone {
        switch status {
        case "pass": .good
        case "warn": .warn
        case "fail", "error", "missing": .bad
        default: .neutral
        }
    }

    static func decisionSection(_ facts: PromotionFacts) -> ReportDocument.Section {
        let d = facts.decision
        var blocks: [ReportDocument.Block] = [
            .verdict(tone: tone(d.decision), label: d.decision.rawValue,
                     text: "\(d.model) \(d.version) (\(d.commit.prefix(7))) \(d.decision == .rollback ? "restored in" : "→") \(d.to)"
                        + (d.alreadyThere ? " (already there)" : "")),
        ]
        if !d.reasons.isEmpty { blocks.append(.list(d.reasons)) }
        blocks.append(.facts([
            ("Decided at", .init(d.decidedAt)),
            ("Evidence digest", .init(d.evidenceDigest.isEmpty ? "–" : d.evidenceDigest, code: true)),
            ("Approvals", .init("\(d.approvals.valid.count) of \(d.approvals.required) required")),
        ]))
        return .init(id: "decision", title: "Decision", blocks: blocks)
    }

    static func versionsSection(_ facts: PromotionFacts) -> ReportDocument.Section {
        let c = facts.candidate, h = facts.champion
        func time(_ date: Date?) -> String { date.map { Timestamp.text($0) } ?? "–" }
        func held(_ v: PromotionFacts.VersionFacts?) -> String {
            guard let v, let stage = v.stage else { return "–" }
            guard let since = v.since else { return stage }
            return "\(stage) since \(time(since)) (\(duration(facts.generatedAt.timeIntervalSince(since))))"
        }
        let rows: [[ReportDocument.Cell]] = [
            ["Version", .init(c.version), .init(h?.version ?? "none")],
            ["Commit", .init(c.commit, code: true), .init(h?.commit ?? "–", code: h != nil)],
            ["Registered by", .init(c.registeredBy ?? "–"), .init(h?.registeredBy ?? "–")],
            ["Registered at", .init(time(c.registeredAt)), .init(time(h?.registeredAt))],
            ["Stage held", .init(held(c)), .init(held(h))],
        ]
        var blocks: [ReportDocument.Block] = [.table(.init(caption: "The version entering \(facts.decision.to) and the one it replaces",
                                                         headers: ["", "Candidate", "Champion"], rows: rows))]
        if h == nil { blocks.append(.note("\(facts.decision.to) holds no other version: there is no champion to compare with.")) }
        return .init(id: "versions", title: "Candidate and champion", blocks: blocks)
    }

    static func checksSection(_ facts: PromotionFacts) -> ReportDocument.Section {
        var rows: [[ReportDocument.Cell]] = []
        for (verdict, result) in facts.results {
            rows.append(row(name: verdict.name, status: verdict.status, result: result, digest: verdict.digest))
        }
        for result in facts.otherResults { rows.append(row(name: result.check, status: result.status.rawValue, result: result, digest: result.digest)) }
        var blocks: [ReportDocument.Block] = []
        if rows.isEmpty {
            blocks.append(.paragraph("No check result is recorded on \(facts.decision.commit.prefix(7))."))
        } else {
            blocks.append(.table(.init(caption: "Each check's result as recorded in git notes (refs/notes/mlgate) on \(facts.decision.commit.prefix(7))",
                                       headers: ["Check", "Status", "Summary", "Measurements", "Digest"], rows: rows)))
        }
        for (verdict, result) in facts.results where result == nil && verdict.digest != nil {
            blocks.append(.note("The result of \(verdict.name) that the decision judged (\(verdict.digest!.prefix(12))) is no longer in git notes."))
        }
        return .init(id: "checks", title: "Checks", blocks: blocks)
    }

    static func row(name: String, status: String, result: CheckResult?, digest: String?) -> [ReportDocument.Cell] {
        let measurements = result.map { r in
            let keys = r.measurements.keys.sorted()
            let shown = keys.prefix(8).map { "\($0) \(chartNumber(r.measurements[$0]!))" }.joined(separator: ", ")
            return keys.count > 8 ? shown + ", … (\(keys.count) in all)" : shown
        } ?? ""
        return [.init(name), .init(status, tone: tone(status: status)), .init(result?.summary ?? "no result recorded"),
                .init(measurements), .init(digest.map { String($0.prefix(12)) } ?? "–", code: true)]
    }

    static func approvalsSection(_ facts: PromotionFacts) -> ReportDocument.Section {
        var blocks: [ReportDocument.Block] = []
        if let rules = facts.approvalRules {
            blocks.append(.paragraph("\(facts.decision.to) needs \(rules.required) approval(s) from the keys in \(rules.signers)"
                                     + (rules.preventSelfReview ? "; the commit's author may not approve it." : ".")))
        } else {
            blocks.append(.paragraph("\(facts.decision.to) needs no approval."))
        }
        if facts.approvals.isEmpty {
            blocks.append(.paragraph("No approval or rejection is recorded for \(facts.decision.version)."))
        } else {
            let rows: [[ReportDocument.Cell]] = facts.approvals.map { a in
                [.init(a.principal ?? a.signer), .init(a.verdict, tone: a.verdict == "approve" ? .good : .bad), .init(a.time),
                 .init(String(a.evidence.prefix(12)), code: true),
                 a.problem.map { .init("not counted: \($0)", tone: .warn) } ?? .init("counted", tone: .good), .init(a.comment)]
            }
            blocks.append(.table(.init(caption: "Signed statements on \(facts.decision.commit.prefix(7)) (refs/notes/mlgate-approvals)",
                                       headers: ["Who", "Verdict", "When", "Over evidence", "Counted", "Comment"], rows: rows)))
        }
        if let command = facts.approveCommand {
            let missing = (facts.approvalRules?.required ?? 0) - facts.decision.approvals.valid.count
            blocks.append(.paragraph("\(missing) more approval(s) needed, over evidence \(facts.decision.evidenceDigest.prefix(12)). A release manager runs:"))
            blocks.append(.command(command))
        }
        return .init(id: "approvals", title: "Approvals", blocks: blocks)
    }

    static func changesSection(_ facts: PromotionFacts) -> ReportDocument.Section {
        guard let champion = facts.champion else { return .init(id: "changes", title: "Changes") }
        var blocks: [ReportDocument.Block] = []
        let title = "Changes from \(champion.version) to \(facts.candidate.version)"
        if facts.commits.isEmpty {
            blocks.append(.paragraph("No commit lies between \(champion.commit.prefix(7)) and \(facts.candidate.commit.prefix(7)) on the candidate's side."))
        } else {
            let rows: [[ReportDocument.Cell]] = facts.commits.map {
                [.init(String($0.sha.prefix(7)), code: true), .init($0.authorName), .init(Timestamp.text($0.time)),
                 .init(firstLine($0.message))]
            }
            blocks.append(.table(.init(caption: "\(facts.commits.count)\(facts.moreCommits ? "+" : "") commit(s) in \(champion.commit.prefix(7))..\(facts.candidate.commit.prefix(7))",
                                       headers: ["Commit", "Author", "Date", "Subject"], rows: rows)))
        }
        if !facts.files.isEmpty {
            let ordered = facts.files.sorted { (rank($0.kind), $0.path) < (rank($1.kind), $1.path) }
            let rows: [[ReportDocument.Cell]] = ordered.map {
                [.init($0.path, code: true), .init($0.status), .init($0.kind), .init(size($0.sizeBefore)), .init(size($0.sizeAfter))]
            }
            blocks.append(.table(.init(caption: "\(facts.files.count) changed file(s), model and data files first",
                                       headers: ["Path", "Change", "Kind", "Size before", "Size after"], rows: rows)))
        }
        return .init(id: "changes", title: title, blocks: blocks)
    }

    static func rank(_ kind: String) -> Int { kind == "model" ? 0 : kind == "data" ? 1 : 2 }

    static func size(_ bytes: Int?) -> String {
        guard let bytes else { return "–" }
        if bytes < 1024 { return "\(bytes) B" }
        let units = ["KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes) / 1024, unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return String(format: "%.1f %@", value, units[unit])
    }

    /// A span of time in words: "3 days 4 h", "25 min".
    static func duration(_ seconds: TimeInterval) -> String {
        let s = Int(max(0, seconds))
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min" }
        if s < 86400 { return "\(s / 3600) h \(s % 3600 / 60) min" }
        return "\(s / 86400) day\(s / 86400 == 1 ? "" : "s") \(s % 86400 / 3600) h"
    }
}

import Expressions
import Foundation
import Runner

/// Human output: each step's lines prefixed by job and step, then a table of jobs, the
/// annotations and the step summaries.
struct HumanReporter: RunReporter {
    let console: ConsoleOutput

    func report(_ event: RunEvent) {
        switch event {
        case .runStarted(let h):
            var line = "▶ \(h.runName.map { "\($0) — " } ?? "")\(h.workflow) (\(h.file)) · \(h.event) · \(h.ref) @ \(h.sha.prefix(7))"
            if h.dirty { line += " · working tree has uncommitted changes" }
            console.out(line)
        case .jobStarted(let job):
            console.out("[\(job.name)] ▶ job started")
        case .stepStarted(let job, let step):
            console.out("[\(job.name)] ▶ \(step)")
        case .log(let job, let step, let line):
            console.out("[\(job.name)] \(step) | \(line)")
        case .stepFinished(let job, let step):
            guard step.outcome != .skipped else { return }
            let mark = step.conclusion == .success ? (step.outcome == .failure ? "⚠" : "✓") : (step.conclusion == .cancelled ? "⊘" : "✗")
            var line = "[\(job.name)] \(mark) \(step.name) (\(Self.duration(step.durationMs)))"
            if step.outcome == .failure, step.conclusion == .success { line += " failed, continue-on-error" }
            console.out(line)
        case .annotation:
            break
        case .jobFinished(let job, let report):
            if report.result == .skipped { console.out("[\(job.name)] ⊘ skipped") }
            else { console.out("[\(job.name)] ■ job \(report.failureAllowed ? "failed (continue-on-error)" : report.result.rawValue) in \(Self.duration(report.durationMs))") }
        case .runFinished(let report):
            printSummary(report)
        }
    }

    private func printSummary(_ report: RunReport) {
        var lines = [""]
        let width = max(12, report.jobs.map(\.0.name.count).max() ?? 0) + 2
        lines.append("JOB".padding(toLength: width, withPad: " ", startingAt: 0) + "STATUS      DURATION")
        for (job, r) in report.jobs {
            let status = r.failureAllowed ? "failure*" : r.result.rawValue
            lines.append(job.name.padding(toLength: width, withPad: " ", startingAt: 0)
                         + status.padding(toLength: 12, withPad: " ", startingAt: 0) + Self.duration(r.durationMs))
        }
        if report.jobs.contains(where: \.1.failureAllowed) { lines.append("* failed, allowed by continue-on-error") }
        if !report.outputs.isEmpty {
            lines.append("")
            lines.append("Workflow outputs")
            for (name, value) in report.outputs { lines.append("  \(name) = \(value)") }
        }
        if !report.annotations.isEmpty {
            lines.append("")
            lines.append("Annotations")
            for a in report.annotations {
                let title = a.title.map { "\($0): " } ?? ""
                lines.append("  \(a.level.rawValue): \(a.locationPrefix)\(title)\(a.message)" + (a.job.isEmpty ? "" : "  [\(a.job)\(a.step.isEmpty ? "" : " › \(a.step)")]"))
            }
        }
        for (job, r) in report.jobs where !r.summary.isEmpty {
            lines.append("")
            lines.append("── Summary: \(job.name) ──")
            lines.append(r.summary.hasSuffix("\n") ? String(r.summary.dropLast()) : r.summary)
        }
        lines.append("")
        let verdict = report.interrupted ? "interrupted" : report.result.rawValue
        lines.append("Run \(verdict) in \(Self.duration(report.durationMs))")
        console.out(lines.joined(separator: "\n"))
    }

    static func duration(_ ms: Int) -> String {
        if ms < 1000 { return "\(ms)ms" }
        if ms < 60_000 { return String(format: "%.1fs", Double(ms) / 1000) }
        return "\(ms / 60_000)m\((ms / 1000) % 60)s"
    }
}

/// One JSON object per line, for machines: run, job and step events with statuses,
/// durations and outputs.
struct JSONLinesReporter: RunReporter {
    let console: ConsoleOutput

    func report(_ event: RunEvent) {
        var pairs: [(String, ExpressionValue)] = []
        func job(_ label: JobLabel) -> [(String, ExpressionValue)] {
            var p: [(String, ExpressionValue)] = [("job", .string(label.id)), ("name", .string(label.name))]
            if let m = label.matrixJSON, let v = try? JSON.parse(m) { p.append(("matrix", v)) }
            return p
        }
        func outputs(_ pairs: [(String, String)]) -> ExpressionValue {
            .object(ExpressionObject(pairs.map { ($0.0, .string($0.1)) }))
        }
        switch event {
        case .runStarted(let h):
            pairs = [("type", .string("run_started")), ("workflow", .string(h.workflow)),
                     ("runName", h.runName.map { .string($0) } ?? .null), ("file", .string(h.file)),
                     ("event", .string(h.event)), ("ref", .string(h.ref)), ("sha", .string(h.sha)), ("dirty", .bool(h.dirty))]
        case .jobStarted(let label):
            pairs = [("type", .string("job_started"))] + job(label)
        case .stepStarted(let label, let step):
            pairs = [("type", .string("step_started"))] + job(label) + [("step", .string(step))]
        case .log(let label, let step, let line):
            pairs = [("type", .string("log"))] + job(label) + [("step", .string(step)), ("line", .string(line))]
        case .stepFinished(let label, let s):
            pairs = [("type", .string("step_finished"))] + job(label) + [
                ("step", .string(s.name)), ("id", s.id.map { .string($0) } ?? .null),
                ("outcome", .string(s.outcome.rawValue)), ("conclusion", .string(s.conclusion.rawValue)),
                ("durationMs", .number(Double(s.durationMs))), ("outputs", outputs(s.outputs)),
            ]
            if let error = s.error { pairs.append(("error", .string(error))) }
        case .annotation(let a):
            pairs = [("type", .string("annotation")), ("level", .string(a.level.rawValue)), ("message", .string(a.message)),
                     ("job", .string(a.job)), ("step", .string(a.step))]
            if let f = a.file { pairs.append(("file", .string(f))) }
            if let l = a.line { pairs.append(("line", .number(Double(l)))) }
            if let c = a.column { pairs.append(("col", .number(Double(c)))) }
            if let t = a.title { pairs.append(("title", .string(t))) }
        case .jobFinished(let label, let r):
            pairs = [("type", .string("job_finished"))] + job(label) + [
                ("result", .string(r.result.rawValue)), ("failureAllowed", .bool(r.failureAllowed)),
                ("durationMs", .number(Double(r.durationMs))), ("outputs", outputs(r.outputs)),
                ("summary", .string(r.summary)),
            ]
        case .runFinished(let r):
            pairs = [("type", .string("run_finished")), ("result", .string(r.result.rawValue)),
                     ("interrupted", .bool(r.interrupted)), ("durationMs", .number(Double(r.durationMs))),
                     ("outputs", outputs(r.outputs))]
        }
        console.out(JSON.compact(.object(ExpressionObject(pairs))))
    }
}

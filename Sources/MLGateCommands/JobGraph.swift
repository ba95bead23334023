import Runner
import Workflow

/// Text renderings of a workflow's jobs: the `needs` graph by level, and the dry-run plan.
enum JobGraph {
    /// Jobs grouped by depth (a job's level is one more than its deepest need).
    static func levels(_ workflow: Workflow) -> [[Job]] {
        var level: [String: Int] = [:]
        func depth(_ job: Job) -> Int {
            if let l = level[job.id] { return l }
            let l = job.needs.compactMap { workflow.job($0) }.map { depth($0) + 1 }.max() ?? 0
            level[job.id] = l
            return l
        }
        for job in workflow.jobs { _ = depth(job) }
        let maxLevel = level.values.max() ?? 0
        return (0...maxLevel).map { l in workflow.jobs.filter { level[$0.id] == l } }
    }

    static func render(_ workflow: Workflow) -> String {
        var lines = ["\(workflow.displayName) (\(workflow.file))"]
        for (index, jobs) in levels(workflow).enumerated() {
            lines.append("  level \(index): " + jobs.map(\.id).joined(separator: "  "))
            for job in jobs where !job.needs.isEmpty {
                lines.append("    " + job.needs.joined(separator: ", ") + " ──▶ " + job.id)
            }
        }
        return lines.joined(separator: "\n")
    }
}

enum DryRun {
    static func describe(_ workflow: Workflow, jobs: [Job], reason: String) -> String {
        var lines = ["\(workflow.displayName) (\(workflow.file)): valid, \(reason), \(jobs.count) job\(jobs.count == 1 ? "" : "s") planned"]
        let wanted = Set(jobs.map(\.id))
        for (index, level) in JobGraph.levels(workflow).enumerated() {
            for job in level where wanted.contains(job.id) {
                var line = "  [\(index)] \(job.id): \(job.steps.count) step\(job.steps.count == 1 ? "" : "s")"
                if !job.needs.isEmpty { line += ", needs " + job.needs.joined(separator: ", ") }
                if let matrix = job.strategy?.matrix {
                    if let value = matrix.literalValue, let combinations = try? MatrixExpander.expand(value) {
                        line += ", matrix of \(combinations.count)"
                    } else {
                        line += ", matrix decided at run time"
                    }
                }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }
}

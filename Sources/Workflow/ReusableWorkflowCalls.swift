/// The chain of local reusable workflows a workflow calls (`jobs.<id>.uses: ./…`): GitHub
/// refuses a workflow that calls itself, directly or through others, and one that nests
/// reusable workflows more than ten levels deep (a caller and nine called below it), so mlgate
/// does too, before anything runs, naming the chain.
public enum ReusableWorkflowCalls {
    /// Problems with the calls below `workflow`, one per calling job. `read` returns the text
    /// of a workflow file by its path from the repository root (nil when it cannot be read:
    /// that is reported when the job runs).
    public static func check(_ workflow: Workflow, read: @escaping (String) -> String?) -> [Diagnostic] {
        var walker = Walker(read: read)
        var diagnostics: [Diagnostic] = []
        for job in workflow.jobs {
            guard let called = job.uses.flatMap(localPath) else { continue }
            guard let chain = walker.problem(at: called, chain: [workflow.file, called]) else { continue }
            let shown = chain.joined(separator: " → ")
            let message = chain.dropLast().contains(chain.last!)
                ? "job '\(job.id)' calls a reusable workflow that calls back into the chain: \(shown); GitHub refuses such cycles, break it"
                : "job '\(job.id)' nests reusable workflows more than \(WorkflowLimits.maxWorkflowNesting) levels deep: \(shown); GitHub allows a caller and nine levels below it"
            diagnostics.append(Diagnostic(job.location, message, rule: "workflow-call"))
        }
        return diagnostics
    }

    /// `./.github/workflows/x.yml` → `.github/workflows/x.yml`; nil for other repositories'.
    static func localPath(_ uses: String) -> String? {
        guard uses.hasPrefix("./") else { return nil }
        return String(uses.dropFirst(2).split(separator: "@", maxSplits: 1).first ?? "")
    }

    private struct Walker {
        let read: (String) -> String?
        /// Files already read, with the local workflows their jobs call.
        var calls: [String: [String]] = [:]
        /// For a file whose calls were walked without a problem: how many levels it and
        /// the workflows below it make.
        var levels: [String: Int] = [:]

        /// The chain that ends in a cycle or goes too deep, walking from `file` (the last of
        /// `chain`); nil when there is none. Never recurses past the nesting limit.
        mutating func problem(at file: String, chain: [String]) -> [String]? {
            if chain.dropLast().contains(file) || chain.count > WorkflowLimits.maxWorkflowNesting { return chain }
            if let known = levels[file] {
                return chain.count - 1 + known > WorkflowLimits.maxWorkflowNesting ? chain + ["…"] : nil
            }
            var deepest = 0
            for next in calledFiles(of: file) {
                if let problem = problem(at: next, chain: chain + [next]) { return problem }
                deepest = max(deepest, levels[next] ?? 0)
            }
            levels[file] = deepest + 1
            return nil
        }

        private mutating func calledFiles(of file: String) -> [String] {
            if let known = calls[file] { return known }
            var found: [String] = []
            if let text = read(file), let workflow = WorkflowDecoder.decodeLeniently(text, file: file).0 {
                found = workflow.jobs.compactMap { $0.uses.flatMap(localPath) }
            }
            calls[file] = found
            return found
        }
    }
}

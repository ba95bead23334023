import Workflow

/// Checks that need the runner's knowledge (which actions it can run) and selects jobs.
/// Problems here are reported before anything runs, like workflow syntax errors.
public enum RunPlanner {
    /// Actions mlgate runs itself: checkout, and artifacts kept in the run's own store.
    static let builtinActions: Set<String> = ["actions/checkout", "actions/upload-artifact", "actions/download-artifact"]

    /// `owner/repo` of `owner/repo@ref`, lower-cased.
    static func actionName(_ uses: String) -> String {
        uses.split(separator: "@").first.map { $0.lowercased() } ?? ""
    }

    /// Whether mlgate runs the action itself.
    static func isBuiltinAction(_ uses: String) -> Bool {
        builtinActions.contains(actionName(uses))
    }

    /// Why `job` cannot run on this host, as one message naming everything it needs and
    /// what to do; nil when it can. Such a job fails alone when it would start (GitHub's own
    /// runner would run it), and the jobs that need it are skipped; the rest of the run goes on.
    public static func hostBlocker(for job: Job, actions: ActionDirectories = ActionDirectories([])) -> String? {
        var problems: [String] = []
        let containers = job.containerKeys.map { "'\($0.0):'" }
        if !containers.isEmpty {
            problems.append("it uses \(containers.joined(separator: " and ")), which need\(containers.count == 1 ? "s" : "") a container engine, and mlgate runs jobs on the host: run this job on GitHub, or remove \(containers.count == 1 ? "it" : "them")")
        }
        if let uses = job.uses, !uses.hasPrefix("./") {
            problems.append("it calls the reusable workflow '\(uses)' from another repository, which mlgate cannot fetch; copy it into this repository and call it as './.github/workflows/…'")
        }
        // Each missing action once, with every step that uses it.
        var missing: [(uses: String, steps: [Int])] = []
        for step in job.steps {
            guard let uses = step.uses, !isBuiltinAction(uses), !uses.hasPrefix("./"), !actions.contains(uses) else { continue }
            if let index = missing.firstIndex(where: { $0.uses == uses }) { missing[index].steps.append(step.index + 1) } else { missing.append((uses, [step.index + 1])) }
        }
        if !missing.isEmpty {
            let named = missing.map { "'\($0.uses)' (step\($0.steps.count == 1 ? "" : "s") \($0.steps.map(String.init).joined(separator: ", ")))" }
            let containerOnly = missing.allSatisfy { $0.uses.hasPrefix("docker://") }
            let hint = containerOnly
                ? "docker:// actions need a container engine; mlgate runs steps on the host"
                : "mlgate runs actions/checkout, upload-artifact, download-artifact and local ./path actions itself; for others pass --action-dir DIR holding "
                    + missing.compactMap { ActionDirectories.parse($0.uses).map { "\($0.owner)/\($0.repository)" } }.joined(separator: ", ")
                    + " (folders or git repositories)"
            problems.append("it uses \(missing.count == 1 ? "an action" : "actions") that cannot run here: \(named.joined(separator: ", ")); \(hint)")
        }
        return problems.isEmpty ? nil : "job '\(job.id)' cannot run on this host: " + problems.joined(separator: "; and ")
    }

    /// The jobs to run: all of them, or `only` and everything it needs (transitively).
    public static func select(_ workflow: Workflow, only: String?) throws(WorkflowError) -> [Job] {
        guard let only else { return workflow.jobs }
        guard workflow.job(only) != nil else {
            throw WorkflowError([Diagnostic(SourceLocation(file: workflow.file, line: 1, column: 1),
                                            "no job '\(only)' in this workflow; jobs are: \(workflow.jobs.map(\.id).joined(separator: ", "))")])
        }
        var wanted = Set<String>()
        var queue = [only]
        while let id = queue.popLast() {
            guard wanted.insert(id).inserted, let job = workflow.job(id) else { continue }
            queue += job.needs
        }
        return workflow.jobs.filter { wanted.contains($0.id) }
    }
}

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
    /// `unavailable` says why a remote action or workflow (`owner/repo…@ref`) cannot be had,
    /// or nil when it can (from an `--action-dir` or the fetched cache).
    public static func hostBlocker(for job: Job, unavailable: (String) -> String?) -> String? {
        var problems: [String] = []
        let containers = job.containerKeys.map { "'\($0.0):'" }
        if !containers.isEmpty {
            problems.append("it uses \(containers.joined(separator: " and ")), which need\(containers.count == 1 ? "s" : "") a container engine, and mlgate runs jobs on the host: run this job on GitHub, or remove \(containers.count == 1 ? "it" : "them")")
        }
        if let uses = job.uses, !uses.hasPrefix("./"), let reason = unavailable(uses) {
            problems.append("it calls the reusable workflow '\(uses)', which cannot be had: \(reason)")
        }
        // Each missing action once, with every step that uses it.
        var missing: [(uses: String, steps: [Int], reason: String)] = []
        for step in job.steps {
            guard let uses = step.uses, !isBuiltinAction(uses), !uses.hasPrefix("./") else { continue }
            let reason = uses.hasPrefix("docker://") ? "docker:// actions need a container engine; mlgate runs steps on the host" : unavailable(uses)
            guard let reason else { continue }
            if let index = missing.firstIndex(where: { $0.uses == uses }) { missing[index].steps.append(step.index + 1) } else { missing.append((uses, [step.index + 1], reason)) }
        }
        if !missing.isEmpty {
            let named = missing.map { "'\($0.uses)' (step\($0.steps.count == 1 ? "" : "s") \($0.steps.map(String.init).joined(separator: ", ")): \($0.reason))" }
            problems.append("it uses \(missing.count == 1 ? "an action" : "actions") that cannot run here: \(named.joined(separator: "; "))")
        }
        return problems.isEmpty ? nil : "job '\(job.id)' cannot run on this host: " + problems.joined(separator: "; and ")
    }

    /// Why a remote `uses` cannot be had without fetching: not in any `--action-dir`.
    static func notInActionDirectories(_ uses: String, _ actions: ActionDirectories) -> String? {
        if actions.contains(uses) { return nil }
        let name = ActionDirectories.parse(uses).map { "\($0.owner)/\($0.repository)" } ?? uses
        return "it is in no --action-dir; pass --action-dir DIR holding \(name) (a folder or a git repository)"
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

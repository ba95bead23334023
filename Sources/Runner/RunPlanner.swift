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

    /// Problems that prevent the workflow from running on this host.
    public static func check(_ workflow: Workflow, actions: ActionDirectories = ActionDirectories([])) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for job in workflow.jobs {
            for (key, location) in job.containerKeys {
                diagnostics.append(Diagnostic(location, "job '\(job.id)' uses '\(key):', which needs a container engine; mlgate runs jobs on the host. Remove it, or run this job on GitHub", rule: "action"))
            }
            if let uses = job.uses, !uses.hasPrefix("./") {
                diagnostics.append(Diagnostic(job.location, "job '\(job.id)' calls the reusable workflow '\(uses)' from another repository, which mlgate cannot fetch; copy it into this repository and call it as './.github/workflows/…'", rule: "action"))
            }
            for step in job.steps {
                guard let uses = step.uses, !isBuiltinAction(uses), !uses.hasPrefix("./"), !actions.contains(uses) else { continue }
                let hint = uses.hasPrefix("docker://")
                    ? "docker actions need a container engine; mlgate runs steps on the host"
                    : "mlgate runs 'actions/checkout', 'actions/upload-artifact', 'actions/download-artifact' itself and local './path' actions; for others, pass --action-dir DIR holding \(ActionDirectories.parse(uses).map { "\($0.owner)/\($0.repository)" } ?? "the action") (a folder or a git repository)"
                diagnostics.append(Diagnostic(step.location, "step \(step.index + 1) of job '\(job.id)' uses action '\(uses)', which cannot run here: \(hint)", rule: "action"))
            }
        }
        return diagnostics
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

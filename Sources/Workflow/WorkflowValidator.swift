/// Checks across a decoded workflow: `needs` references and cycles, duplicate step ids.
enum WorkflowValidator {
    static func validate(_ workflow: Workflow) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let ids = Set(workflow.jobs.map(\.id))
        for job in workflow.jobs {
            for (need, location) in zip(job.needs, job.needsLocations) {
                if !ids.contains(need) {
                    var message = "job '\(job.id)' needs '\(need)', which is not a job in this workflow"
                    if let close = WorkflowDecoder.closest(need, in: Array(ids)) { message += "; did you mean '\(close)'?" }
                    else { message += "; jobs are: \(workflow.jobs.map(\.id).joined(separator: ", "))" }
                    diagnostics.append(Diagnostic(location, message, rule: "job-needs"))
                } else if need == job.id {
                    diagnostics.append(Diagnostic(location, "job '\(job.id)' needs itself", rule: "job-needs"))
                }
            }
            var seen: [String: Step] = [:]
            for step in job.steps {
                guard let id = step.id else { continue }
                if let first = seen[id] {
                    diagnostics.append(Diagnostic(step.location, "step id '\(id)' is already used by the step at line \(first.location.line) of job '\(job.id)'; step ids must be unique in a job", rule: "id"))
                } else {
                    seen[id] = step
                }
            }
        }
        diagnostics += cycles(workflow)
        return diagnostics
    }

    /// Reports each `needs` cycle once, naming its jobs in order.
    private static func cycles(_ workflow: Workflow) -> [Diagnostic] {
        let byId = Dictionary(workflow.jobs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var state: [String: Int] = [:]   // 1 visiting, 2 done
        var stack: [String] = []
        var diagnostics: [Diagnostic] = []
        func visit(_ id: String) {
            state[id] = 1
            stack.append(id)
            for need in byId[id]?.needs ?? [] where byId[need] != nil && need != id {
                if state[need] == 1 {
                    let cycle = stack[stack.lastIndex(of: need)!...] + [need]
                    let job = byId[need]!
                    diagnostics.append(Diagnostic(job.location, "jobs form a 'needs' cycle: \(cycle.joined(separator: " → ")); remove one of these needs", rule: "job-needs"))
                } else if state[need] == nil {
                    visit(need)
                }
            }
            stack.removeLast()
            state[id] = 2
        }
        for job in workflow.jobs where state[job.id] == nil { visit(job.id) }
        return diagnostics
    }
}

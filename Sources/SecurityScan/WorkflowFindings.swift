import Workflow

/// The workflow audits (`WorkflowAudits`, the code `mlgate lint` runs) as security findings.
enum WorkflowFindings {
    static let rules: [SecurityRuleInfo] = [
        SecurityRuleInfo(id: "workflow/template-injection", category: .workflows, severity: .high, summary: "Untrusted input is interpolated into a script",
                         help: "Titles, bodies, branch names and commit messages are written by outsiders; ${{ }} pastes them into the script before the shell reads it. Pass them through env: and quote the variable."),
        SecurityRuleInfo(id: "workflow/dangerous-triggers", category: .workflows, severity: .high, summary: "A pull_request_target or workflow_run workflow checks out the pull request's code",
                         help: "These triggers run with the base repository's token and secrets; checking out the head runs an outsider's code with them. Use pull_request, or split the privileged part into a workflow that never checks out the head."),
        SecurityRuleInfo(id: "workflow/unpinned-uses", category: .workflows, severity: .medium, summary: "An action is not pinned to a commit SHA",
                         help: "A tag or branch can be moved to other code by the action's owner (or whoever takes over the account). Pin third-party actions to a full commit SHA."),
        SecurityRuleInfo(id: "workflow/excessive-permissions", category: .workflows, severity: .high, summary: "A workflow's token has more permissions than it needs",
                         help: "write-all, or no permissions: at all (the repository default may be write-all), gives every step a token that can push code and releases. Grant each job the scopes it needs."),
        SecurityRuleInfo(id: "workflow/secrets-in-run", category: .workflows, severity: .medium, summary: "A secret is written into a script (or echoed)",
                         help: "${{ secrets.X }} in run: is pasted into the script's text; printed, it is masked only until transformed. Pass secrets through env: and never print them."),
        SecurityRuleInfo(id: "workflow/insecure-commands", category: .workflows, severity: .high, summary: "ACTIONS_ALLOW_UNSECURE_COMMANDS is set",
                         help: "It re-enables the set-env and add-path workflow commands, so any text a job prints can change its environment. Use $GITHUB_ENV and $GITHUB_PATH."),
    ]

    /// Whether a path is a workflow GitHub runs, or an action.
    static func isWorkflowFile(_ path: String) -> Bool {
        if path.hasPrefix(".github/workflows/"), !path.dropFirst(".github/workflows/".count).contains("/") {
            return path.hasSuffix(".yml") || path.hasSuffix(".yaml")
        }
        let name = path.split(separator: "/").last ?? ""
        return name == "action.yml" || name == "action.yaml"
    }

    /// The findings of one workflow or action file (one that does not parse has none here:
    /// `mlgate lint` reports it).
    static func audit(_ text: String, path: String, commit: String?) -> [SecurityFinding] {
        let name = path.split(separator: "/").last ?? ""
        let audits: [WorkflowAudit]
        if name == "action.yml" || name == "action.yaml" {
            audits = WorkflowDecoder.decodeActionLeniently(text, file: path).0.map(WorkflowAudits.audit) ?? []
        } else {
            audits = WorkflowDecoder.decodeLeniently(text, file: path).0.map { WorkflowAudits.audit($0) } ?? []
        }
        return audits.map { audit in
            SecurityFinding(rule: "workflow/" + audit.rule, category: .workflows, severity: Severity(rawValue: audit.severity) ?? .medium,
                            confidence: ["template-injection", "insecure-commands", "unpinned-uses"].contains(audit.rule) ? .high : .medium,
                            message: audit.message, path: path, line: audit.location.line, column: audit.location.column, commit: commit)
        }
    }
}

import Expressions
import YAMLSource

/// A security weakness in a workflow (zizmor's audits, by their names), found from the typed
/// workflow: `mlgate lint` reports them, and `mlgate check security` turns them into findings.
public struct WorkflowAudit: Sendable, Equatable {
    /// zizmor's audit name: `template-injection`, `dangerous-triggers`, `unpinned-uses`,
    /// `excessive-permissions`, `secrets-in-run`, `insecure-commands`.
    public let rule: String
    /// critical, high, medium or low.
    public let severity: String
    public let message: String
    public let location: SourceLocation

    /// Whether `mlgate lint` reports it without `--audit`: the high ones. The medium ones
    /// (unpinned actions, default token permissions, secrets in scripts) concern most real
    /// workflows, and are a security review's, not a linter's.
    public var isDefaultLint: Bool { severity == "high" }
}

public enum WorkflowAudits {
    /// Every audit's findings for a decoded workflow.
    public static func audit(_ workflow: Workflow) -> [WorkflowAudit] {
        var out: [WorkflowAudit] = []
        for job in workflow.jobs {
            out += injections(in: job.steps, owner: "job '\(job.id)'")
        }
        out += dangerousTriggers(workflow)
        out += unpinnedUses(workflow)
        out += permissions(workflow)
        out += secretsInRun(workflow)
        out += insecureCommands(workflow)
        return out.sorted { $0.location < $1.location }
    }

    /// A composite action's findings (its steps' scripts).
    public static func audit(_ action: ActionDefinition) -> [WorkflowAudit] {
        guard case .composite(let steps) = action.runs else { return [] }
        return injections(in: steps, owner: "the composite action")
    }

    /// Untrusted event text interpolated into `run:` scripts, and into the JavaScript of
    /// `actions/github-script`'s `script:` (the same rule as lint's).
    /// With the workflow's `source`, each finding is placed at the untrusted value in the
    /// script (else at the script's start).
    static func injections(in steps: [Step], owner: String, source: String? = nil) -> [WorkflowAudit] {
        let lines = source.map(SourceLines.init)
        var findings: [WorkflowAudit] = []
        for step in steps {
            var scripts: [(TemplateString, String, String)] = []
            if let run = step.run { scripts.append((run, "script", "and use \"$VALUE\"")) }
            if let uses = step.uses?.lowercased(), uses.hasPrefix("actions/github-script@"),
               let script = step.with.first(where: { $0.0 == "script" })?.1 {
                scripts.append((script, "github-script JavaScript", "and read process.env.VALUE"))
            }
            for (script, what, instead) in scripts {
                for part in script.template.parts {
                    guard case .expression(let expression) = part else { continue }
                    for path in expression.accessedPaths where WorkflowLinter.isUntrusted(path) {
                        let written = lines.flatMap {
                            WorkflowDefinitions.find(path, in: expression.source, from: script.location, lines: $0)
                                ?? WorkflowDefinitions.find("github", in: expression.source, from: script.location, lines: $0)
                        }
                        findings.append(WorkflowAudit(rule: "template-injection", severity: "high",
                            message: "\"\(path)\" is untrusted input and is interpolated into the \(what) of step \(step.index + 1) of \(owner), where it can inject code; pass it through an env variable (env: { VALUE: ${{ \(path) }} }) \(instead)",
                            location: written ?? script.location))
                    }
                }
            }
        }
        return findings
    }

    /// Expressions naming the pull request's (or triggering run's) head: code an outsider wrote.
    static let headReferences = [
        "github.event.pull_request.head.sha", "github.event.pull_request.head.ref", "github.head_ref",
        "github.event.workflow_run.head_sha", "github.event.workflow_run.head_branch", "github.event.workflow_run.head_commit.id",
        "refs/pull/",
    ]

    /// `pull_request_target` / `workflow_run` workflows that check out the head: untrusted code
    /// with the base repository's token and secrets.
    static func dangerousTriggers(_ workflow: Workflow) -> [WorkflowAudit] {
        let privileged = workflow.triggers.filter { ["pull_request_target", "workflow_run"].contains($0.event) }
        guard let trigger = privileged.first else { return [] }
        var out: [WorkflowAudit] = []
        for job in workflow.jobs {
            for step in job.steps {
                let checksOutHead: Bool
                if let uses = step.uses, uses.lowercased().hasPrefix("actions/checkout@") {
                    checksOutHead = step.with.contains { key, value in key == "ref" && headReferences.contains { value.source.contains($0) } }
                } else if let run = step.run {
                    let text = run.source
                    checksOutHead = (text.has("git checkout") || text.has("git fetch") || text.has("gh pr checkout"))
                        && (headReferences.contains { text.has($0) } || text.has("gh pr checkout"))
                } else {
                    checksOutHead = false
                }
                if checksOutHead {
                    out.append(WorkflowAudit(rule: "dangerous-triggers", severity: "high",
                        message: "step \(step.index + 1) of job '\(job.id)' checks out the pull request's head in a '\(trigger.event)' workflow, which runs with the base repository's token and secrets: an outsider's code runs with them; use 'pull_request', or check out only after an approval and without secrets",
                        location: step.location))
                }
            }
        }
        return out
    }

    /// `uses:` of another owner's action or reusable workflow not pinned to a full commit SHA
    /// (a tag or branch can be moved to other code). `actions/*` and `github/*` may use tags,
    /// as zizmor's default policy allows.
    static func unpinnedUses(_ workflow: Workflow) -> [WorkflowAudit] {
        var out: [WorkflowAudit] = []
        func check(_ uses: String, _ location: SourceLocation, _ what: String) {
            guard !uses.hasPrefix("./"), !uses.hasPrefix("docker://"), let at = uses.lastIndex(of: "@") else { return }
            let owner = uses[..<at].split(separator: "/").first.map { $0.lowercased() } ?? ""
            guard owner != "actions", owner != "github" else { return }
            let ref = uses[uses.index(after: at)...]
            let pinned = ref.count == 40 && ref.allSatisfy { $0.isHexDigit }
            if !pinned {
                out.append(WorkflowAudit(rule: "unpinned-uses", severity: "medium",
                    message: "\(what) '\(uses)' is pinned to '\(ref)', which its owner can move to other code; pin it to a full commit SHA (keep the tag in a comment)",
                    location: location))
            }
        }
        for job in workflow.jobs {
            if let uses = job.uses { check(uses, job.location, "job '\(job.id)' calls") }
            for step in job.steps {
                if let uses = step.uses { check(uses, step.location, "step \(step.index + 1) of job '\(job.id)' uses") }
            }
        }
        return out
    }

    /// `write-all`, and a workflow that never says what its token may do.
    static func permissions(_ workflow: Workflow) -> [WorkflowAudit] {
        var out: [WorkflowAudit] = []
        if case .all("write-all") = workflow.permissions, let location = workflow.permissionsLocation {
            out.append(WorkflowAudit(rule: "excessive-permissions", severity: "high",
                message: "'permissions: write-all' gives every job's token write access to everything; grant each job the scopes it needs", location: location))
        }
        for job in workflow.jobs {
            if case .all("write-all") = job.permissions, let location = job.permissionsLocation {
                out.append(WorkflowAudit(rule: "excessive-permissions", severity: "high",
                    message: "job '\(job.id)' has 'permissions: write-all'; grant it the scopes it needs", location: location))
            }
        }
        if workflow.permissions == nil {
            for job in workflow.jobs where job.permissions == nil && job.uses == nil {
                out.append(WorkflowAudit(rule: "excessive-permissions", severity: "medium",
                    message: "job '\(job.id)' runs with the repository's default token permissions (which may be write-all); set 'permissions:' for the workflow or the job, e.g. 'permissions: { contents: read }'",
                    location: job.location))
            }
        }
        return out
    }

    /// `${{ secrets.* }}` written into a script: it is expanded into the script's text
    /// (visible to every process of the step, and unmasked once transformed); echoing it is worse.
    static func secretsInRun(_ workflow: Workflow) -> [WorkflowAudit] {
        var out: [WorkflowAudit] = []
        for job in workflow.jobs {
            for step in job.steps {
                guard let run = step.run else { continue }
                let secrets = run.template.parts.flatMap { part -> [String] in
                    guard case .expression(let expression) = part else { return [] }
                    return expression.accessedPaths.filter { $0.hasPrefix("secrets.") }
                }
                guard let secret = secrets.first else { continue }
                let echoed = run.source.split(separator: "\n").contains { line in
                    let trimmed = line.trimmingCharacters(in: .whitespaces)
                    return (trimmed.hasPrefix("echo") || trimmed.hasPrefix("printf") || trimmed.hasPrefix("print(")) && trimmed.has("secrets.")
                }
                out.append(WorkflowAudit(rule: "secrets-in-run", severity: echoed ? "high" : "medium",
                    message: echoed
                        ? "step \(step.index + 1) of job '\(job.id)' echoes ${{ \(secret) }}: masking stops at the first transformation (base64, a substring); pass it through env: and never print it"
                        : "step \(step.index + 1) of job '\(job.id)' writes ${{ \(secret) }} into its script; pass it through env: { NAME: ${{ \(secret) }} } and use \"$NAME\"",
                    location: run.location))
            }
        }
        return out
    }

    /// `ACTIONS_ALLOW_UNSECURE_COMMANDS`: re-enables `set-env` and `add-path` on stdout, which
    /// any printed text can then use to change the job's environment.
    static func insecureCommands(_ workflow: Workflow) -> [WorkflowAudit] {
        var out: [WorkflowAudit] = []
        func check(_ env: [(String, TemplateString)], _ where_: String) {
            for (key, value) in env where key.uppercased() == "ACTIONS_ALLOW_UNSECURE_COMMANDS" && value.source.lowercased() != "false" {
                out.append(WorkflowAudit(rule: "insecure-commands", severity: "high",
                    message: "\(where_) sets ACTIONS_ALLOW_UNSECURE_COMMANDS, re-enabling set-env and add-path: any text the job prints can change its environment; use $GITHUB_ENV and $GITHUB_PATH",
                    location: value.location))
            }
        }
        check(workflow.env, "the workflow")
        for job in workflow.jobs {
            check(job.env, "job '\(job.id)'")
            for step in job.steps { check(step.env, "step \(step.index + 1) of job '\(job.id)'") }
        }
        return out
    }
}

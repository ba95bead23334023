import Expressions

/// Checks beyond what decoding enforces, for `mlgate lint`.
public enum WorkflowLinter {
    /// Event fields an outsider can set (titles, bodies, branch names, commit messages):
    /// interpolated into a `run:` script they can inject commands.
    static let untrustedInputs: [String] = [
        "github.head_ref",
        "github.event.issue.title", "github.event.issue.body",
        "github.event.pull_request.title", "github.event.pull_request.body",
        "github.event.pull_request.head.ref", "github.event.pull_request.head.label",
        "github.event.pull_request.head.repo.default_branch",
        "github.event.comment.body", "github.event.review.body", "github.event.review_comment.body",
        "github.event.discussion.title", "github.event.discussion.body",
        "github.event.pages.*.page_name",
        "github.event.commits.*.message", "github.event.commits.*.author.email", "github.event.commits.*.author.name",
        "github.event.head_commit.message", "github.event.head_commit.author.email", "github.event.head_commit.author.name",
        "github.event.workflow_run.head_branch", "github.event.workflow_run.head_commit.message",
        "github.event.workflow_run.head_commit.author.email", "github.event.workflow_run.head_commit.author.name",
    ]

    /// Findings for a decoded workflow: untrusted input in scripts, and the high-severity
    /// security audits (`WorkflowAudits`); with `audits`, the medium ones too.
    /// With the workflow's `source`, untrusted input is reported where it is written.
    public static func lint(_ workflow: Workflow, audits: Bool = false, source: String? = nil) -> [Diagnostic] {
        let injection = workflow.jobs.flatMap { job in injections(in: job.steps, owner: "job '\(job.id)'", source: source) }
        let others = WorkflowAudits.audit(workflow).filter { $0.rule != "template-injection" && (audits || $0.isDefaultLint) }
        return injection + others.map { Diagnostic($0.location, $0.message, rule: $0.rule) }
    }

    /// Findings for a decoded action (its composite steps).
    public static func lint(_ action: ActionDefinition, source: String? = nil) -> [Diagnostic] {
        guard case .composite(let steps) = action.runs else { return [] }
        return injections(in: steps, owner: "the composite action", source: source)
    }

    /// Untrusted input interpolated into `run:` scripts: the security check's
    /// `template-injection` audit, reported under actionlint's rule name.
    private static func injections(in steps: [Step], owner: String, source: String?) -> [Diagnostic] {
        WorkflowAudits.injections(in: steps, owner: owner, source: source).map { Diagnostic($0.location, $0.message, rule: "expression") }
    }

    private static let untrustedComponents = untrustedInputs.map { $0.split(separator: ".") }

    /// Whether a dotted path reads an untrusted field (or a whole object containing one).
    static func isUntrusted(_ path: String) -> Bool {
        guard path.hasPrefix("github.") else { return false }
        let b = path.split(separator: ".")
        return untrustedComponents.contains { a in
            b.count >= a.count && zip(a, b).allSatisfy { $0 == "*" || $1 == "*" || $0 == $1 }
        }
    }
}

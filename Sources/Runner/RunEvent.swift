import Expressions

/// The final state of a job or step, as GitHub names them.
public enum Conclusion: String, Sendable, Codable {
    case success, failure, cancelled, skipped
}

/// What happens during a run, in order, for reporters (human log, JSON lines).
public enum RunEvent: Sendable {
    case runStarted(RunHeader)
    case jobStarted(job: JobLabel)
    case stepStarted(job: JobLabel, step: String)
    /// One masked output line of a step.
    case log(job: JobLabel, step: String, line: String)
    case stepFinished(job: JobLabel, step: StepReport)
    case annotation(Annotation)
    case jobFinished(job: JobLabel, report: JobReport)
    case runFinished(RunReport)
}

/// The header of a run.
public struct RunHeader: Sendable {
    public let workflow: String
    /// `run-name:`, evaluated, when the workflow has one.
    public let runName: String?
    public let file: String
    public let event: String
    public let ref: String
    public let sha: String
    public let dirty: Bool
    public let workspace: String
}

/// Which job (and matrix combination) an event belongs to.
public struct JobLabel: Sendable, Hashable {
    /// The job id.
    public let id: String
    /// The display name, with the matrix suffix.
    public let name: String
    /// The matrix combination as compact JSON, or nil.
    public let matrixJSON: String?
}

/// A finished step.
public struct StepReport: Sendable {
    public let id: String?
    public let name: String
    public let outcome: Conclusion
    public let conclusion: Conclusion
    public let durationMs: Int
    public let outputs: [(String, String)]
    /// Why it failed, when mlgate knows (timeout, bad env file, unknown action …).
    public let error: String?
}

/// A finished job instance.
public struct JobReport: Sendable {
    public let result: Conclusion
    /// True when `continue-on-error` turned a failure into success.
    public let failureAllowed: Bool
    public let durationMs: Int
    public let outputs: [(String, String)]
    /// Markdown written to `GITHUB_STEP_SUMMARY` by its steps.
    public let summary: String
}

/// A finished run.
public struct RunReport: Sendable {
    public let result: Conclusion
    public let durationMs: Int
    public let jobs: [(JobLabel, JobReport)]
    public let annotations: [Annotation]
    public let interrupted: Bool
    /// The workflow's own outputs (`on.workflow_call.outputs`), when run as `workflow_call`.
    public let outputs: [(String, String)]
}

/// Receives run events. Implementations must be safe to call from concurrent jobs.
public protocol RunReporter: Sendable {
    func report(_ event: RunEvent)
}

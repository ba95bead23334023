/// What GitHub's runners can honour, so that a value past them is refused where it is
/// written (exit 2 with file:line:col) rather than overflowing later.
public enum WorkflowLimits {
    /// The longest `timeout-minutes` of a job or step: a self-hosted job runs at most 5 days.
    public static let maxTimeoutMinutes: Double = 5 * 24 * 60
    /// The most levels of reusable workflows: a caller and nine called below it.
    public static let maxWorkflowNesting = 10
    /// The most levels of composite actions inside one another.
    public static let maxCompositeNesting = 10
}

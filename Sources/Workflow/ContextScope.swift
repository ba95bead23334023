import Expressions

/// Which contexts and functions a workflow key may use, from GitHub's workflow schema
/// (`workflow-v1.0.json`).
public enum ContextScope: Sendable {
    case runName, workflowEnv, workflowOutputs, workflowDefaults, jobIf, strategy, jobStrategyContext, jobEnv, jobDefaults, jobOutputs
    case step, stepIf
    /// `environment.url`: what a step sees, without `secrets`.
    case environmentURL
    /// Steps and outputs of a composite action: no `secrets`, no `needs`.
    case actionStep, actionStepIf
    /// `credentials` of a container or service: `secrets` and `env`, no matrix.
    case registryCredentials

    /// The context names allowed (lower case).
    public var contexts: Set<String> {
        switch self {
        case .runName: Self.base
        case .workflowEnv: Self.workflowEnvContexts
        case .workflowOutputs: Self.workflowOutputContexts
        case .workflowDefaults: []
        case .jobIf, .strategy: Self.needsContexts
        case .jobStrategyContext: Self.strategyContexts
        case .jobEnv: Self.jobEnvContexts
        case .jobDefaults: Self.jobDefaultsContexts
        case .jobOutputs, .step: Self.stepContexts
        case .environmentURL: Self.stepIfContexts
        case .stepIf: Self.stepIfContexts
        case .actionStep: Self.actionContexts
        case .actionStepIf: Self.actionContexts
        case .registryCredentials: Self.workflowEnvContexts.union(["env"])
        }
    }

    private static let base: Set<String> = ["github", "inputs", "vars"]
    private static let workflowEnvContexts = base.union(["secrets"])
    private static let workflowOutputContexts = base.union(["jobs"])
    private static let needsContexts = base.union(["needs"])
    private static let strategyContexts = base.union(["needs", "strategy", "matrix"])
    private static let jobEnvContexts = base.union(["needs", "strategy", "matrix", "secrets"])
    private static let jobDefaultsContexts = base.union(["needs", "strategy", "matrix", "env"])
    private static let stepContexts = base.union(["needs", "strategy", "matrix", "secrets", "steps", "job", "runner", "env"])
    private static let actionContexts: Set<String> = ["github", "inputs", "strategy", "matrix", "steps", "job", "runner", "env"]
    private static let stepIfContexts = base.union(["needs", "strategy", "matrix", "steps", "job", "runner", "env"])

    /// The host functions allowed.
    public var functions: HostFunctions {
        switch self {
        case .jobIf:
            return HostFunctions(["success": 0...Int.max, "failure": 0...Int.max, "cancelled": 0...0, "always": 0...0])
        case .stepIf, .actionStepIf: return .runner
        case .actionStep: return HostFunctions(["hashfiles": 1...255])
        case .step, .jobOutputs: return HostFunctions(["hashfiles": 1...255])
        default: return .none
        }
    }
}

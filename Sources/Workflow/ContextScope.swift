import Expressions

/// Which contexts and functions a workflow key may use, from GitHub's workflow schema
/// (`workflow-v1.0.json`).
public enum ContextScope: Sendable {
    case runName, workflowEnv, workflowOutputs, jobIf, strategy, jobStrategyContext, jobEnv, jobDefaults, jobOutputs
    case step, stepIf

    /// The context names allowed.
    public var contexts: Set<String> {
        let base: Set<String> = ["github", "inputs", "vars"]
        switch self {
        case .runName: return base
        case .workflowOutputs: return base.union(["jobs"])
        case .workflowEnv: return base.union(["secrets"])
        case .jobIf, .strategy: return base.union(["needs"])
        case .jobStrategyContext: return base.union(["needs", "strategy", "matrix"])
        case .jobEnv: return base.union(["needs", "strategy", "matrix", "secrets"])
        case .jobDefaults: return base.union(["needs", "strategy", "matrix", "env"])
        case .jobOutputs, .step:
            return base.union(["needs", "strategy", "matrix", "secrets", "steps", "job", "runner", "env"])
        case .stepIf: return base.union(["needs", "strategy", "matrix", "steps", "job", "runner", "env"])
        }
    }

    /// The host functions allowed.
    public var functions: HostFunctions {
        switch self {
        case .jobIf:
            return HostFunctions(["success": 0...Int.max, "failure": 0...Int.max, "cancelled": 0...0, "always": 0...0])
        case .stepIf: return .runner
        case .step, .jobOutputs: return HostFunctions(["hashfiles": 1...255])
        default: return .none
        }
    }
}

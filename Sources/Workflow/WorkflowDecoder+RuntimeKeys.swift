import YAMLSource

extension WorkflowDecoder {
    /// Keys of a job that mlgate does not act on, or acts on only when the job runs, checked
    /// as GitHub checks them when it reads the workflow: each expression parses and uses
    /// only the contexts GitHub's schema allows there.
    mutating func checkRuntimeOnlyKeys(_ map: MappingView) {
        if let node = map["concurrency"] { _ = concurrency(node, scope: .jobStrategyContext) }
        if let node = map["cancel-timeout-minutes"] {
            _ = number(node, scope: .jobStrategyContext, "cancel-timeout-minutes", maximum: WorkflowLimits.maxTimeoutMinutes)
        }
        if let node = map["snapshot"] {
            if case .mapping = node.content, let snapshot = mapping(node, "snapshot", keys: ["image-name", "if", "version"]) {
                if snapshot["image-name"] == nil { report(node, "'snapshot' needs 'image-name:'") }
                if let condition = snapshot["if"] { _ = self.condition(condition, scope: .jobStrategyContext) }
                for key in ["image-name", "version"] { if let value = snapshot[key] { checkExpressions(value, scope: .jobStrategyContext) } }
            } else {
                checkExpressions(node, scope: .jobStrategyContext)
            }
        }
        if let node = map["container"] { checkContainer(node) }
        if let node = map["services"] {
            if case .mapping(let services) = node.content {
                for (_, service) in services { checkContainer(service) }
            } else {
                checkExpressions(node, scope: .jobStrategyContext)
            }
        }
    }

    /// A `container:` or a service: an image name, or a mapping whose `env` values may also
    /// read what a step sees, and whose `credentials` may read `secrets` and `env` only.
    private mutating func checkContainer(_ node: YAMLNode) {
        guard case .mapping(let pairs) = node.content else {
            checkExpressions(node, scope: .jobStrategyContext)
            return
        }
        for (key, value) in pairs {
            switch key.scalar {
            case "env"?: checkExpressions(value, scope: .jobOutputs)
            case "credentials"?: checkExpressions(value, scope: .registryCredentials)
            default: checkExpressions(value, scope: .jobStrategyContext)
            }
        }
    }

    /// Parses every `${{ }}` in the scalars under `node` (keys included) with `scope`,
    /// reporting what does not parse or is not allowed there.
    mutating func checkExpressions(_ node: YAMLNode, scope: ContextScope) {
        switch node.content {
        case .scalar(let text, _):
            if text.has("${{") { _ = parseTemplate(text, node, scope: scope) }
        case .sequence(let items):
            for item in items { checkExpressions(item, scope: scope) }
        case .mapping(let pairs):
            for (key, value) in pairs {
                checkExpressions(key, scope: scope)
                checkExpressions(value, scope: scope)
            }
        }
    }
}

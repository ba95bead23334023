/// A local action (`uses: ./path`): its `action.yml`.
public struct ActionDefinition: Sendable {
    /// How the action runs.
    public enum Runs: Sendable {
        /// Steps run in the calling job, with the action's own `inputs` and `steps`.
        case composite([Step])
        /// A JavaScript action: `node` runs `main`, and `pre`/`post` around the job.
        case node(JavaScriptRuns)
        /// A container action, which needs a container engine.
        case docker(image: String)
    }

    /// The entry points of a JavaScript action (`runs.using: node…`).
    public struct JavaScriptRuns: Sendable {
        /// `node12`, `node20`…: the node major version the action is written for.
        public let using: String
        /// The script run as the step, relative to the action's folder.
        public let main: String
        /// Run when the job starts, before its first step (remote actions only, as on GitHub).
        public let pre: String?
        /// When `pre` runs; GitHub's default is `always()`.
        public let preIf: Condition?
        /// Run when the job ends, in reverse order, for each step of this action that ran.
        public let post: String?
        /// When `post` runs; GitHub's default is `always()`.
        public let postIf: Condition?
    }

    /// An input, with its default.
    public struct Input: Sendable {
        public let name: String
        public let required: Bool
        public let defaultValue: String?
    }

    public let file: String
    public let name: String?
    public let inputs: [Input]
    /// Outputs of a composite action, evaluated with its `steps` context.
    public let outputs: [(String, TemplateString)]
    public let runs: Runs
}

extension WorkflowDecoder {
    /// Decodes an `action.yml`, every problem reported with file:line:col.
    public static func decodeAction(_ text: String, file: String) throws(WorkflowError) -> ActionDefinition {
        let (action, diagnostics) = decodeActionLeniently(text, file: file)
        guard let action, diagnostics.isEmpty else { throw WorkflowError(diagnostics) }
        return action
    }

    /// Decodes an `action.yml` as far as possible, with every problem found (for lint).
    public static func decodeActionLeniently(_ text: String, file: String) -> (ActionDefinition?, [Diagnostic]) {
        var decoder = WorkflowDecoder(actionFile: file)
        let root: YAMLNode?
        do { root = try YAMLNode.parse(text, file: file) } catch { return (nil, error.diagnostics) }
        guard let root else {
            return (nil, [Diagnostic(SourceLocation(file: file, line: 1, column: 1), "the action file is empty; it needs 'runs:'")])
        }
        let action = decoder.action(root)
        return (action, decoder.diagnostics)
    }

    private mutating func action(_ root: YAMLNode) -> ActionDefinition? {
        guard let map = mapping(root, "the action", keys: ["name", "description", "author", "inputs", "outputs", "runs", "branding"]) else { return nil }
        guard let runsNode = map["runs"], let runs = mapping(runsNode, "runs", keys: ["using", "steps", "main", "pre", "post", "pre-if", "post-if", "image", "args", "env", "entrypoint"]) else {
            report(root, "the action has no 'runs:' section")
            return nil
        }
        guard let usingNode = runs["using"], let using = string(usingNode, "using") else {
            report(runsNode, "'runs' needs 'using:' (composite, node20, docker)")
            return nil
        }
        var inputs: [ActionDefinition.Input] = []
        if let inputsNode = map["inputs"], case .mapping(let pairs) = inputsNode.content {
            for (k, v) in pairs {
                guard let name = string(k, "an input name") else { continue }
                // GitHub's runner reads an input's definition loosely: other keys (`type:`,
                // `options:`) are allowed and ignored, and `required` may be quoted.
                var keys = ["description", "required", "default", "deprecationMessage"]
                if case .mapping(let entries) = v.content { keys += entries.compactMap { $0.key.scalar } }
                let spec = v.isNull ? MappingView(pairs: []) : mapping(v, "input '\(name)'", keys: keys)
                inputs.append(ActionDefinition.Input(name: name, required: spec?["required"]?.scalar?.lowercased() == "true",
                                                     defaultValue: spec?["default"]?.scalar))
            }
        }
        var outputs: [(String, TemplateString)] = []
        if let outputsNode = map["outputs"], case .mapping(let pairs) = outputsNode.content {
            for (k, v) in pairs {
                guard let name = string(k, "an output name"), let spec = mapping(v, "output '\(name)'", keys: ["description", "value"]) else { continue }
                if let valueNode = spec["value"], let value = templateString(valueNode, scope: .actionStep) { outputs.append((name, value)) }
            }
        }
        let kind: ActionDefinition.Runs
        switch using {
        case "composite":
            guard let stepsNode = runs["steps"], case .sequence(let items) = stepsNode.content else {
                report(runsNode, "a composite action needs 'steps:'")
                return nil
            }
            var steps: [Step] = []
            for (index, item) in items.enumerated() {
                guard let step = step(item, index: index, jobId: "(composite action)", scope: .actionStep, ifScope: .actionStepIf) else { continue }
                if step.run != nil, step.shell == nil {
                    report(item, "step \(index + 1) of a composite action runs a script but has no 'shell:'; composite steps must name their shell (bash, sh, python, …)")
                }
                steps.append(step)
            }
            kind = .composite(steps)
        case let node where node.hasPrefix("node"):
            guard let main = runs["main"].flatMap({ string($0, "main") }) else {
                report(runsNode, "a JavaScript action needs 'main:'")
                return nil
            }
            let pre = runs["pre"].flatMap { string($0, "pre") }
            let post = runs["post"].flatMap { string($0, "post") }
            kind = .node(ActionDefinition.JavaScriptRuns(using: node, main: main, pre: pre,
                                        preIf: runs["pre-if"].flatMap { condition($0, scope: .actionStepIf) },
                                        post: post,
                                        postIf: runs["post-if"].flatMap { condition($0, scope: .actionStepIf) }))
        case "docker":
            kind = .docker(image: runs["image"]?.scalar ?? "")
        default:
            report(usingNode, "unknown 'using: \(using)'; use composite, node20 or docker")
            return nil
        }
        return ActionDefinition(file: file, name: map["name"]?.scalar, inputs: inputs, outputs: outputs, runs: kind)
    }
}

import Expressions
import Foundation
import Workflow

extension JobInstance {
    /// What a local action's step hands back.
    struct ActionResult {
        let outcome: Conclusion
        let outputs: [(String, String)]
        let error: String?
    }

    /// Runs `uses: ./path`: its `action.yml` is read when the step runs, as on GitHub (the
    /// files come from the checked-out workspace). Composite steps run in this job with the
    /// action's own `inputs` and `steps`; a JavaScript action runs under `node`.
    func runLocalAction(_ uses: String, inputs given: [(String, String)], step: String, stepIndex: Int, state: inout State,
                        callerEnv: OrderedEnvironment, temp: String, scratch: String) -> ActionResult {
        var relative = String(uses.dropFirst(2)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        var folder = relative.isEmpty ? run.workspace : run.workspace + "/" + relative
        if !uses.hasPrefix("./") {
            // A remote action, from an --action-dir or fetched into the cache.
            if let reason = run.options.unavailable(uses) {
                return ActionResult(outcome: .failure, outputs: [], error: "action '\(uses)' cannot be had: \(reason)")
            }
            do {
                guard let found = try run.options.actionSources.actionFolder(for: uses, scratch: run.scratchRoot) else {
                    return ActionResult(outcome: .failure, outputs: [], error: "action '\(uses)' is not in any --action-dir")
                }
                folder = found
                relative = uses
            } catch {
                return ActionResult(outcome: .failure, outputs: [], error: error.description)
            }
        }
        guard let file = ["action.yml", "action.yaml"].map({ folder + "/" + $0 }).first(where: FileManager.default.fileExists),
              let data = FileManager.default.contents(atPath: file) else {
            return ActionResult(outcome: .failure, outputs: [],
                                error: "no action.yml or action.yaml in \(uses) (looked in \(folder)); check the path, or check the repository out first")
        }
        let display = relative.isEmpty ? "action.yml" : relative + "/" + URL(fileURLWithPath: file).lastPathComponent
        // github.action_repository and action_ref: the remote action's, empty for a local one.
        let reference = ActionDirectories.parse(uses).map { ("\($0.owner)/\($0.repository)", $0.ref) } ?? ("", "")
        // Actions inside actions: bounded like GitHub's runner, and never a cycle.
        let chain = state.actionChain.map(\.display) + [uses]
        if state.actionChain.contains(where: { $0.file == file }) {
            return ActionResult(outcome: .failure, outputs: [], error: "action \(uses) uses itself: \(chain.joined(separator: " → ")); break the cycle")
        }
        if state.actionChain.count >= WorkflowLimits.maxCompositeNesting {
            return ActionResult(outcome: .failure, outputs: [],
                                error: "actions nested more than \(WorkflowLimits.maxCompositeNesting) deep: \(chain.joined(separator: " → "))")
        }
        let action: ActionDefinition
        do {
            action = try WorkflowDecoder.decodeAction(String(decoding: data, as: UTF8.self), file: display)
        } catch {
            return ActionResult(outcome: .failure, outputs: [], error: "invalid action \(uses):\n" + error.description)
        }

        // Inputs: declared defaults, then `with:`; a required input must be given.
        var inputs = OrderedEnvironment()
        for input in action.inputs { if let value = input.defaultValue { inputs[input.name] = value } }
        for (name, value) in given { inputs[name] = value }
        // As GitHub's runner: a missing required input is a warning; the action decides.
        for input in action.inputs where input.required && inputs[input.name] == nil {
            reporter.report(.log(job: label, step: step, line: "Warning: Input required and not supplied: \(input.name)"))
        }

        switch action.runs {
        case .docker:
            return ActionResult(outcome: .failure, outputs: [],
                                error: "\(uses) is a container action, which needs a container engine; mlgate runs steps on the host")
        case .node(let runs):
            // The runner passes inputs as INPUT_<NAME> variables, and what the action's `pre`
            // saved as STATE_<name>.
            let preState = state.actionChain.isEmpty ? state.preStates[stepIndex] ?? [] : []
            let env = Self.actionEnvironment(callerEnv, inputs: inputs, state: preState)
            let script = Step.synthesized(script: Self.nodeScript(uses: uses, using: runs.using, entry: runs.main, warnOnVersion: true),
                                          shell: "bash", index: 0, file: display, name: "\(uses): node \(runs.main)")
            state.savedState = []
            let result = runFrame([script], action: action, inputs: inputs, folder: folder, reference: reference, state: &state, callerEnv: env, temp: temp, scratch: scratch)
            if let post = runs.post {
                // The step ran (whatever its outcome): its `post` runs when the job ends.
                state.pendingPosts.append(PendingPost(
                    name: "Post " + step, uses: uses, using: runs.using, entry: post,
                    condition: runs.postIf ?? .always(at: SourceLocation(file: display, line: 1, column: 1)),
                    folder: folder, reference: reference, file: display,
                    env: Self.actionEnvironment(callerEnv, inputs: inputs, state: preState + state.savedState)))
            }
            return result
        case .composite(let steps):
            state.actionChain.append((uses, file))
            defer { state.actionChain.removeLast() }
            return runFrame(steps, action: action, inputs: inputs, folder: folder, reference: reference, state: &state, callerEnv: callerEnv, temp: temp, scratch: scratch)
        }
    }

    /// Runs steps in a frame of their own (`steps`, `inputs`, success), then evaluates the
    /// action's outputs with that frame's `steps` context.
    private func runFrame(_ steps: [Step], action: ActionDefinition, inputs: OrderedEnvironment, folder: String,
                          reference: (repository: String, ref: String), state: inout State,
                          callerEnv: OrderedEnvironment, temp: String, scratch: String) -> ActionResult {
        let saved = (state.steps, state.failed, state.inputs, state.actionPath, state.actionReference)
        state.steps = []
        state.failed = false
        state.inputs = .object(ExpressionObject(inputs.pairs.map { ($0.0, .string($0.1)) }))
        state.actionPath = folder
        state.actionReference = reference
        defer { (state.steps, state.failed, state.inputs, state.actionPath, state.actionReference) = saved }

        for step in steps {
            runStep(step, state: &state, jobEnv: callerEnv, temp: temp, scratch: scratch)
        }
        var outputs: [(String, String)] = []
        var error: String?
        let context = evaluationContext(env: callerEnv.merging(state.env), state: state, temp: temp, includeSteps: true)
        for (name, template) in action.outputs {
            do { outputs.append((name, try template.evaluate(in: context))) } catch {
                return ActionResult(outcome: .failure, outputs: outputs, error: "output '\(name)' of \(action.file): \(error)")
            }
        }
        if case .composite = action.runs, state.failed { error = "a step of the composite action \(action.file) failed" }
        if case .node = action.runs, let only = state.steps.first, case .object(let o) = only.1 {
            // The script step's outputs are the action's outputs.
            if case .object(let stepOutputs)? = o["outputs"] { outputs = stepOutputs.pairs.map { ($0.key, $0.value.stringValue) } }
        }
        return ActionResult(outcome: state.failed ? .failure : .success, outputs: outputs, error: error)
    }
}

import Expressions
import Foundation
import Workflow

/// A JavaScript action's `post` entry point, registered when its step ran.
struct PendingPost {
    /// What logs show: `Post <step name>`.
    let name: String
    let uses: String
    let using: String
    /// The script, relative to the action's folder.
    let entry: String
    /// `post-if`, or `always()`.
    let condition: Condition
    let folder: String
    let reference: (repository: String, ref: String)
    /// The action file, for messages.
    let file: String
    /// The step's environment, with its INPUT_ and STATE_ variables.
    let env: OrderedEnvironment
}

extension JobInstance {
    /// The runner's `pre` stage: before the first step, each job step whose remote
    /// JavaScript action has a `pre` runs it, in step order, when `pre-if` (default
    /// `always()`) holds. As on GitHub, local actions (`./path`) have no `pre`: their files
    /// are not there before the job's steps check them out. A `pre` that fails fails the job.
    func runPreStages(state: inout State, jobEnv: OrderedEnvironment, temp: String, scratch: String) {
        for step in job.steps {
            guard let uses = step.uses, !uses.hasPrefix("./"), !uses.hasPrefix("docker://"),
                  !RunPlanner.isBuiltinAction(uses), run.options.unavailable(uses) == nil,
                  let folder = try? run.options.actionSources.actionFolder(for: uses, scratch: run.scratchRoot),
                  let (action, file) = Self.readAction(in: folder, uses: uses),
                  case .node(let runs) = action.runs, let pre = runs.pre else { continue }
            // Inputs and env as the step will see them, with what is known before any step.
            let env = jobEnv.merging(state.env)
            let context = evaluationContext(env: env, state: state, temp: temp, includeSteps: true)
            let name = (try? step.name?.evaluate(in: context)).flatMap { $0 } ?? step.displaySource
            var inputs = OrderedEnvironment()
            for input in action.inputs { if let value = input.defaultValue { inputs[input.name] = value } }
            do {
                let stepEnv = try stepEnvironment(step, over: env, state: state, temp: temp)
                let stepContext = evaluationContext(env: stepEnv, state: state, temp: temp, includeSteps: true)
                try inputs.set(step.with) { _ in stepContext }
                let stage = Step.synthesized(
                    script: Self.nodeScript(uses: uses, using: runs.using, entry: pre, warnOnVersion: false),
                    shell: "bash", index: step.index, file: file, id: nil, name: "Pre " + run.masker.mask(name),
                    condition: runs.preIf ?? .always(at: SourceLocation(file: file, line: 1, column: 1)))
                let reference = ActionDirectories.parse(uses).map { ("\($0.owner)/\($0.repository)", $0.ref) } ?? ("", "")
                runStage(stage, folder: folder, reference: reference,
                         env: Self.actionEnvironment(stepEnv, inputs: inputs, state: []),
                         state: &state, temp: temp, scratch: scratch)
                state.preStates[step.index] = state.savedState
            } catch {
                // The step itself reports what cannot be evaluated when it runs.
                continue
            }
        }
    }

    /// The runner's `post` stage: when the job ends (after a failure, a cancellation or a
    /// timeout too), each registered `post` runs in reverse order when its `post-if`
    /// (default `always()`) holds; status functions there see the job's status.
    func runPostStages(state: inout State, temp: String, scratch: String) {
        let posts = state.pendingPosts
        state.pendingPosts = []
        for post in posts.reversed() {
            let stage = Step.synthesized(
                script: Self.nodeScript(uses: post.uses, using: post.using, entry: post.entry, warnOnVersion: false),
                shell: "bash", index: 0, file: post.file, id: nil, name: post.name, condition: post.condition)
            runStage(stage, folder: post.folder, reference: post.reference, env: post.env,
                     state: &state, temp: temp, scratch: scratch)
        }
    }

    /// Runs a `pre` or `post` entry point as a step of the job, with the action's folder and
    /// reference in `github.action_*` and `GITHUB_ACTION_PATH`.
    private func runStage(_ stage: Step, folder: String, reference: (repository: String, ref: String),
                          env: OrderedEnvironment, state: inout State, temp: String, scratch: String) {
        let saved = (state.actionPath, state.actionReference)
        state.actionPath = folder
        state.actionReference = reference
        defer { (state.actionPath, state.actionReference) = saved }
        runStep(stage, state: &state, jobEnv: env, temp: temp, scratch: scratch)
    }

    /// The action's `action.yml` (or `.yaml`) in `folder`, decoded, and the name it is shown
    /// by; nil when there is none or it is invalid (the step reports why when it runs).
    static func readAction(in folder: String, uses: String) -> (ActionDefinition, String)? {
        guard let file = ["action.yml", "action.yaml"].map({ folder + "/" + $0 }).first(where: FileManager.default.fileExists),
              let data = FileManager.default.contents(atPath: file) else { return nil }
        let display = uses + "/" + URL(fileURLWithPath: file).lastPathComponent
        guard let action = try? WorkflowDecoder.decodeAction(String(decoding: data, as: UTF8.self), file: display) else { return nil }
        return (action, display)
    }

    /// The environment a JavaScript action's entry point runs with: the step's, inputs as
    /// `INPUT_<NAME>` (upper-cased, spaces as `_`, as the runner does) and saved state as
    /// `STATE_<name>`.
    static func actionEnvironment(_ base: OrderedEnvironment, inputs: OrderedEnvironment, state: [(String, String)]) -> OrderedEnvironment {
        var env = base
        for (name, value) in inputs.pairs {
            env["INPUT_" + name.uppercased().replacingOccurrences(of: " ", with: "_")] = value
        }
        for (name, value) in state { env["STATE_" + name] = value }
        return env
    }

    /// The script that runs `entry` of a JavaScript action under the host's `node`. With
    /// `warnOnVersion`, a major version other than `using:` asks for is a warning, as the
    /// action may rely on it.
    static func nodeScript(uses: String, using: String, entry: String, warnOnVersion: Bool) -> String {
        let wanted = using.dropFirst("node".count)
        let versionCheck = warnOnVersion && wanted.allSatisfy(\.isNumber) && !wanted.isEmpty
            ? "have=$(node -p 'process.versions.node.split(\".\")[0]' 2>/dev/null); [ \"$have\" = \"\(wanted)\" ] || echo \"::warning::\(uses) is written for \(using); running it under this host's node $have\"\n"
            : ""
        return "command -v node >/dev/null || { echo \"::error::\(uses) is a JavaScript action and needs node on PATH\"; exit 1; }\n"
            + versionCheck + "exec node \"$GITHUB_ACTION_PATH/\(entry)\""
    }
}

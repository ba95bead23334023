import Expressions
import Workflow

/// The files behind a step's file commands (`GITHUB_ENV`, `GITHUB_OUTPUT`, …), in the job's
/// scratch folder.
struct CommandFiles {
    let env: String
    let output: String
    let path: String
    let state: String
    let summary: String

    init(scratch: String) {
        env = scratch + "/set_env"
        output = scratch + "/set_output"
        path = scratch + "/add_path"
        state = scratch + "/save_state"
        summary = scratch + "/step_summary"
    }

    var all: [String] { [env, output, path, state, summary] }
}

extension JobInstance {
    // MARK: How a run: step's shell starts

    /// The step's `env` over `env`, each value evaluated with the variables before it.
    func stepEnvironment(_ step: Step, over env: OrderedEnvironment, state: State, temp: String) throws -> OrderedEnvironment {
        var stepEnv = env
        try stepEnv.set(step.env) { evaluationContext(env: $0, state: state, temp: temp, includeSteps: true) }
        return stepEnv
    }

    /// The folder a `run:` step starts in: its `working-directory`, else the job's and then the
    /// workflow's `defaults.run` (evaluated when the job started), relative to the workspace.
    func workingDirectory(of step: Step, in context: EvaluationContext, state: State) throws -> String {
        let dir = try step.workingDirectory?.evaluate(in: context) ?? state.defaultWorkingDirectory
        return dir.map { $0.hasPrefix("/") ? $0 : run.workspace + "/" + $0 } ?? run.workspace
    }

    /// `shell:` of the step, else of the job's and then the workflow's `defaults.run`.
    func shellName(of step: Step, state: State) -> String? {
        step.shell ?? state.defaultShell ?? job.defaults.shell ?? run.workflow.defaults.shell
    }

    /// Where the step's script is written. The job's own steps each have their own file, so
    /// a shell started ahead can be given its path before the script exists; steps of an
    /// action share one.
    func scriptPath(of step: Step, shell: String?, scratch: String, state: State) -> String {
        let name = state.actionPath == nil ? "/_step_script_\(step.index + 1)" : "/_action_step_script"
        return scratch + name + Shell.fileExtension(for: shell)
    }

    /// The process that runs the step's script. Host environment < `--env-file` <
    /// workflow/job/`GITHUB_ENV`/step `env` < the runner's `GITHUB_*` and `RUNNER_*`.
    func shellSpec(for step: Step, shell shellName: String?, scriptPath: String, stepEnv: OrderedEnvironment,
                   workingDirectory: String, state: State, files: CommandFiles) throws(Shell.Unavailable) -> ProcessSpec {
        var environment = state.baseEnvironment
        for (k, v) in stepEnv.pairs where state.defaultEnvironment[k] == nil { environment[k] = v }
        environment["GITHUB_ACTION"] = step.id ?? "__run" + (step.index == 0 ? "" : "_\(step.index + 1)")
        if let actionPath = state.actionPath {
            environment["GITHUB_ACTION_PATH"] = actionPath
            environment["GITHUB_ACTION_REPOSITORY"] = state.actionReference.repository
            environment["GITHUB_ACTION_REF"] = state.actionReference.ref
        }
        environment["GITHUB_ENV"] = files.env
        environment["GITHUB_OUTPUT"] = files.output
        environment["GITHUB_PATH"] = files.path
        environment["GITHUB_STATE"] = files.state
        environment["GITHUB_STEP_SUMMARY"] = files.summary
        if !state.pathPrepends.isEmpty {
            environment["PATH"] = (state.pathPrepends.reversed() + [environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"]).joined(separator: ":")
        }
        let shell = try Shell.resolve(shellName, scriptPath: scriptPath, path: environment["PATH"])
        return ProcessSpec(executable: shell.executable, arguments: shell.arguments,
                           environment: environment, workingDirectory: workingDirectory)
    }

    // MARK: Starting the next step ahead

    /// Starts the shell of `next`, a job step after the one now running, as it would start
    /// if nothing changed meanwhile. Whether anything did is checked when `next` begins.
    func prelaunch(_ next: Step, state: inout State, jobEnv: OrderedEnvironment, temp: String, scratch: String) {
        guard run.options.prelaunch, state.actionPath == nil, state.prelaunched == nil,
              next.run != nil, next.uses == nil else { return }
        let shellName = self.shellName(of: next, state: state)
        guard Shell.startsAhead(shellName),
              let stepEnv = try? stepEnvironment(next, over: jobEnv.merging(state.env), state: state, temp: temp) else { return }
        let context = evaluationContext(env: stepEnv, state: state, temp: temp, includeSteps: true)
        guard let directory = try? workingDirectory(of: next, in: context, state: state), ScratchFile.isDirectory(directory),
              let spec = try? shellSpec(for: next, shell: shellName,
                                        scriptPath: scriptPath(of: next, shell: shellName, scratch: scratch, state: state),
                                        stepEnv: stepEnv, workingDirectory: directory, state: state,
                                        files: CommandFiles(scratch: scratch)),
              let shell = launcher.prelaunch(spec) else { return }
        state.prelaunched = (next.index, shell)
    }

    /// The shell started ahead for `step`, taken out of the state. One started for another
    /// step (which was skipped) is discarded. Steps of an action leave it alone.
    func takePrelaunched(for step: Step, state: inout State) -> (any PrelaunchedShell)? {
        guard state.actionPath == nil, let (index, shell) = state.prelaunched else { return nil }
        state.prelaunched = nil
        guard index == step.index else {
            shell.discard()
            return nil
        }
        return shell
    }

    /// Releases `ahead` when it was started exactly as `spec` says; otherwise discards it.
    func release(_ ahead: any PrelaunchedShell, for spec: ProcessSpec,
                 onLine: @escaping @Sendable (String) -> Void) -> (any RunningProcess)? {
        guard ahead.spec == spec else {
            ahead.discard()
            return nil
        }
        return ahead.release(onLine: onLine)
    }
}

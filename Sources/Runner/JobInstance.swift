import Expressions
import Foundation
import GitState
import Workflow

/// One job, or one combination of a matrix job, running its steps in order on the host.
struct JobInstance: Sendable {
    let run: RunContext
    let job: Job
    let label: JobLabel
    let matrix: ExpressionValue
    let strategy: ExpressionValue
    let needs: ExpressionValue
    let workflowEnv: OrderedEnvironment
    let scope: CancellationScope
    let launcher: any ProcessLauncher
    let reporter: any RunReporter
    /// The `github` context of this job, built once.
    let github: ExpressionValue
    /// Its folders, made before it waited for a slot.
    let folders: JobFolders

    /// What a finished instance hands back.
    struct Outcome: Sendable {
        let report: JobReport
        /// The conclusion dependents see (success when continue-on-error allowed a failure).
        var result: Conclusion { report.result }
    }

    /// State that changes as steps run. `steps`, `failed`, `inputs` and `actionPath` belong
    /// to the current frame: the job's, or a composite action's while its steps run.
    struct State {
        var env = OrderedEnvironment()          // GITHUB_ENV additions
        var pathPrepends: [String] = []
        var steps: [(String, ExpressionValue)] = []
        var failed = false
        var summary = ""
        var processes: [any RunningProcess] = []
        var runner = ExpressionValue.null
        /// The host environment and `--env-file`, under the runner's variables.
        var baseEnvironment: [String: String] = [:]
        /// The runner's own variables, which user `env` cannot override.
        var defaultEnvironment: [String: String] = [:]
        /// When `timeout-minutes` of the job runs out.
        var deadline: ContinuousClock.Instant?
        /// The `inputs` context of a composite action's steps (nil: the workflow's inputs).
        var inputs: ExpressionValue?
        /// The `owner/repo` and ref of the remote action whose steps are running ("" for a
        /// local one): `github.action_repository` and `github.action_ref`.
        var actionReference: (repository: String, ref: String) = ("", "")
        /// The folder of the local action whose steps are running (`GITHUB_ACTION_PATH`).
        var actionPath: String?
        /// `defaults.run.working-directory` of the job, else of the workflow, evaluated.
        var defaultWorkingDirectory: String?
        /// `defaults.run.shell` of the job when written as an expression, evaluated.
        var defaultShell: String?
        /// The composite actions whose steps are running, outermost first (`uses`, and the
        /// action file read), to refuse cycles and nesting deeper than GitHub allows.
        var actionChain: [(display: String, file: String)] = []
        /// What the step that ran last saved with `GITHUB_STATE`.
        var savedState: [(String, String)] = []
        /// What each job step's JavaScript action saved in its `pre`, by step position:
        /// `STATE_<name>` for its `main` and `post`.
        var preStates: [Int: [(String, String)]] = [:]
        /// `post` entry points of JavaScript actions whose step ran, in the order they ran.
        var pendingPosts: [PendingPost] = []
        /// The job's next step's shell, started while the current step runs.
        var prelaunched: (index: Int, shell: any PrelaunchedShell)?
    }

    /// Runs the job on a thread of its own: its steps run one after another, and the thread
    /// starts each step's process, reads its output and reaps it, with no hand-offs between
    /// threads (the cost that matters for short steps).
    func execute() async -> Outcome {
        await withCheckedContinuation { continuation in
            DetachedThread.start {
                continuation.resume(returning: executeOnThisThread())
                // After the outcome is handed back, so the next job need not wait for this.
                folders.remove()
            }
        }
    }

    /// A `timeout-minutes` an expression produced, refused past what a runner can honour
    /// (the literal case is refused when the workflow is read).
    static func timeoutMinutes(_ value: Double) throws(ValueOutOfRange) -> Double {
        guard value.isFinite, value <= WorkflowLimits.maxTimeoutMinutes else {
            throw ValueOutOfRange(description: "timeout-minutes is \(JSNumber.format(value)): at most \(JSNumber.format(WorkflowLimits.maxTimeoutMinutes)) (5 days) can be honoured")
        }
        return value
    }

    /// A value an expression produced that no runner could honour.
    struct ValueOutOfRange: Error, CustomStringConvertible {
        let description: String
    }

    private func executeOnThisThread() -> Outcome {
        let started = ContinuousClock.now
        let (temp, scratch) = (folders.temp, folders.scratch)

        var state = State()
        state.runner = run.runner(temp: temp)
        state.defaultEnvironment = run.defaultEnvironment(job: job.id, action: "", runnerTemp: temp)
        state.baseEnvironment = run.options.hostEnvironment
        for (k, v) in run.options.extraEnv { state.baseEnvironment[k] = v }
        for (k, v) in state.defaultEnvironment { state.baseEnvironment[k] = v }
        var failureAllowed = false
        var jobEnv = workflowEnv

        // Job-level values that may use matrix and strategy.
        let jobLevel = evaluationContext(env: workflowEnv, state: state, temp: temp, includeSteps: false)

        // A runner this host is not (Windows, macOS, an unknown label): skipped, with a
        // warning that says how to run it here anyway.
        if let runsOn = job.runsOn, let value = try? runsOn.evaluate(in: jobLevel) {
            let (choice, reason) = run.options.runnerLabels.decide(value)
            if choice == .skip {
                reporter.report(.annotation(Annotation(level: .warning, message: "\(label.name) is skipped: \(reason ?? "its runner is not this host")",
                                                       title: nil, file: run.workflow.file, line: job.location.line, column: job.location.column,
                                                       job: label.name, step: "")))
                let report = JobReport(result: .skipped, failureAllowed: false, durationMs: 0, outputs: [], summary: "")
                reporter.report(.jobFinished(job: label, report: report))
                return Outcome(report: report)
            }
        }
        reporter.report(.jobStarted(job: label))
        // What this host cannot provide fails this job alone, before any step.
        if let blocker = RunPlanner.hostBlocker(for: job, unavailable: run.options.unavailable) {
            reporter.report(.log(job: label, step: "Set up job", line: "Error: \(blocker)"))
            state.failed = true
        }
        do {
            if let value = job.continueOnError { failureAllowed = try value.evaluate(in: jobLevel).isTruthy }
            try jobEnv.set(job.env) { evaluationContext(env: $0, state: state, temp: temp, includeSteps: false) }
            if let template = job.defaults.shellTemplate {
                let shell = try template.evaluate(in: evaluationContext(env: jobEnv, state: state, temp: temp, includeSteps: false))
                state.defaultShell = shell
            }
            state.defaultWorkingDirectory = try (job.defaults.workingDirectory ?? run.workflow.defaults.workingDirectory)?
                .evaluate(in: evaluationContext(env: jobEnv, state: state, temp: temp, includeSteps: false))
            let minutes = try job.timeoutMinutes.map { try Self.timeoutMinutes($0.evaluate(in: jobLevel).numberValue) } ?? 360
            if minutes > 0 {
                state.deadline = started + .milliseconds(Int64(minutes * 60_000))
            }
        } catch {
            reporter.report(.log(job: label, step: "Set up job", line: "Error: \(run.masker.mask("\(error)"))"))
            state.failed = true
        }

        if !state.failed {
            runPreStages(state: &state, jobEnv: jobEnv, temp: temp, scratch: scratch)
        }
        if !state.failed {
            for (position, step) in job.steps.enumerated() {
                if let deadline = state.deadline, ContinuousClock.now >= deadline { scope.cancel(.timedOut) }
                let next = job.steps.indices.contains(position + 1) ? job.steps[position + 1] : nil
                runStep(step, state: &state, jobEnv: jobEnv, temp: temp, scratch: scratch, next: next)
            }
        }
        state.prelaunched?.shell.discard()
        state.prelaunched = nil
        runPostStages(state: &state, temp: temp, scratch: scratch)
        for process in state.processes { process.killGroup() }

        var result: Conclusion = state.failed ? .failure : .success
        switch scope.cancellationReason {
        case .timedOut?:
            result = .failure
            let minutes = (try? job.timeoutMinutes?.evaluate(in: jobLevel).numberValue).flatMap { $0 } ?? 360
            reporter.report(.annotation(Annotation(level: .error, message: "The job has exceeded the maximum execution time of \(JSNumber.format(minutes)) minutes.", title: nil, file: nil, line: nil, column: nil, job: label.name, step: "")))
        case .interrupted?, .failFast?:
            if !state.failed { result = .cancelled }
        case nil: break
        }

        // Job outputs, evaluated with the final steps context; values holding a secret are
        // dropped, as GitHub does.
        var outputs: [(String, String)] = []
        let finalContext = evaluationContext(env: jobEnv.merging(state.env), state: state, temp: temp, includeSteps: true)
        for (name, template) in job.outputs {
            guard let value = try? template.evaluate(in: finalContext) else { continue }
            if run.masker.containsSecret(value) {
                reporter.report(.log(job: label, step: "Complete job", line: "Warning: skip output '\(name)' since it may contain secret."))
                continue
            }
            outputs.append((name, value))
        }

        let allowed = result == .failure && failureAllowed
        let report = JobReport(result: allowed ? .success : result, failureAllowed: allowed,
                               durationMs: Self.milliseconds(since: started), outputs: outputs,
                               summary: run.masker.mask(state.summary))
        reporter.report(.jobFinished(job: label, report: report))
        return Outcome(report: report)
    }

    // MARK: Steps

    /// Runs one step. `next` is the step after it in the job (nil inside an action), whose
    /// shell may be started while this one runs.
    func runStep(_ step: Step, state: inout State, jobEnv: OrderedEnvironment, temp: String, scratch: String, next: Step? = nil) {
        let started = ContinuousClock.now
        state.savedState = []
        let env = jobEnv.merging(state.env)
        let context = evaluationContext(env: env, state: state, temp: temp, includeSteps: true)
        let name = (try? step.name?.evaluate(in: context)).flatMap { $0 } ?? step.displaySource
        let displayName = run.masker.mask(name)

        func finish(_ outcome: Conclusion, continueOnError: Bool = false, outputs: [(String, String)] = [], error: String? = nil) {
            let conclusion: Conclusion = outcome == .failure && continueOnError ? .success : outcome
            if conclusion == .failure { state.failed = true }
            if let id = step.id {
                state.steps.append((id, .object(ExpressionObject([
                    ("outputs", .object(ExpressionObject(outputs.map { ($0.0, .string($0.1)) }))),
                    ("outcome", .string(outcome.rawValue)), ("conclusion", .string(conclusion.rawValue)),
                ]))))
            }
            if let error { reporter.report(.log(job: label, step: displayName, line: "Error: " + run.masker.mask(error))) }
            reporter.report(.stepFinished(job: label, step: StepReport(
                id: step.id, name: displayName, outcome: outcome, conclusion: conclusion,
                durationMs: Self.milliseconds(since: started),
                outputs: outputs.map { ($0.0, run.masker.mask($0.1)) }, error: error.map(run.masker.mask))))
        }

        // Condition, with the implicit success() when no status function is called.
        let shouldRun: Bool
        let cancelledBeforeStart = scope.isCancelled
        do {
            let value = try step.condition.map { try $0.template.evaluate(in: context).isTruthy } ?? true
            let implicitSuccess = step.condition?.callsStatusFunction != true
            shouldRun = value && (!implicitSuccess || (!state.failed && !scope.isCancelled))
        } catch {
            reporter.report(.stepStarted(job: label, step: displayName))
            finish(.failure, error: "The step's 'if' could not be evaluated: \(error)")
            return
        }
        guard shouldRun else {
            finish(.skipped)
            return
        }
        reporter.report(.stepStarted(job: label, step: displayName))

        var continueOnError = false
        var stepEnv = env
        let script: String
        let workingDirectory: String
        var timeoutMinutes: Double?
        do {
            continueOnError = try step.continueOnError.map { try $0.evaluate(in: context).isTruthy } ?? false
            timeoutMinutes = try step.timeoutMinutes.map { try Self.timeoutMinutes($0.evaluate(in: context).numberValue) }
            stepEnv = try stepEnvironment(step, over: env, state: state, temp: temp)
            let stepContext = evaluationContext(env: stepEnv, state: state, temp: temp, includeSteps: true)
            if let uses = step.uses {
                var with = OrderedEnvironment()
                try with.set(step.with) { _ in stepContext }
                let inputs = with.pairs
                if uses.hasPrefix("./") || !RunPlanner.isBuiltinAction(uses) {
                    let result = runLocalAction(uses, inputs: inputs, step: displayName, stepIndex: step.index, state: &state,
                                                callerEnv: stepEnv, temp: temp, scratch: scratch)
                    finish(result.outcome, continueOnError: continueOnError, outputs: result.outputs, error: result.error)
                    return
                }
                let given = Dictionary(inputs, uniquingKeysWith: { _, b in b })
                let name = RunPlanner.actionName(uses)
                let result: (error: String?, outputs: [(String, String)])
                switch name {
                case "actions/upload-artifact": result = uploadArtifact(given, step: displayName)
                case "actions/download-artifact": result = downloadArtifact(given, step: displayName)
                default: result = (checkout(uses, inputs: given, step: displayName), [])
                }
                finish(result.error == nil ? .success : .failure, continueOnError: continueOnError, outputs: result.outputs, error: result.error)
                return
            }
            script = try step.run?.evaluate(in: stepContext) ?? ""
            workingDirectory = try self.workingDirectory(of: step, in: stepContext, state: state)
        } catch {
            finish(.failure, continueOnError: continueOnError, error: "\(error)")
            return
        }

        guard ScratchFile.isDirectory(workingDirectory) else {
            finish(.failure, continueOnError: continueOnError,
                   error: "working-directory '\(workingDirectory)' does not exist; create it in an earlier step or fix the path")
            return
        }

        // Files for the step's file commands, emptied for each step. Reusing them is safe:
        // steps run one after another. Creating a new file per step costs more than a short
        // step on ext4.
        let files = CommandFiles(scratch: scratch)
        for file in files.all { ScratchFile.empty(file) }
        let shellName = self.shellName(of: step, state: state)
        let scriptPath = self.scriptPath(of: step, shell: shellName, scratch: scratch, state: state)
        guard ScratchFile.write(scriptPath, script) else {
            finish(.failure, continueOnError: continueOnError, error: "cannot write the step's script to \(scriptPath)")
            return
        }

        let spec: ProcessSpec
        do {
            spec = try shellSpec(for: step, shell: shellName, scriptPath: scriptPath, stepEnv: stepEnv,
                                 workingDirectory: workingDirectory, state: state, files: files)
        } catch {
            finish(.failure, continueOnError: continueOnError, error: error.description)
            return
        }

        let processor = StepOutputProcessor(
            masker: run.masker, job: label.name, step: displayName,
            allowUnsecureCommands: spec.environment["ACTIONS_ALLOW_UNSECURE_COMMANDS"] == "true",
            debugEnabled: run.options.secrets["ACTIONS_STEP_DEBUG"] == "true" || run.options.vars["ACTIONS_STEP_DEBUG"] == "true",
            emit: { [reporter, label] in reporter.report(.log(job: label, step: displayName, line: $0)) },
            annotate: { [reporter] in reporter.report(.annotation($0)) })

        let process: any RunningProcess
        if let ahead = takePrelaunched(for: step, state: &state), let released = release(ahead, for: spec, onLine: { processor.handle($0) }) {
            process = released
        } else {
            do {
                process = try launcher.start(spec, onLine: { processor.handle($0) })
            } catch {
                finish(.failure, continueOnError: continueOnError, error: "\(error)")
                return
            }
        }
        state.processes.append(process)
        let key = scope.register(process, startedAfterCancellation: cancelledBeforeStart)
        if let next { prelaunch(next, state: &state, jobEnv: jobEnv, temp: temp, scratch: scratch) }
        // The step's own timeout and the job's, whichever comes first; when the job's runs
        // out, the whole job is cancelled.
        var stepTimedOut = false
        let stepDeadline = timeoutMinutes.flatMap { minutes -> ContinuousClock.Instant? in
            guard minutes.isFinite, minutes > 0 else { return nil }
            return ContinuousClock.now + .milliseconds(Int64(minutes * 60_000))
        }
        let deadlines = [stepDeadline, state.deadline].compactMap { $0 }
        let grace = run.options.killGrace
        let exit = process.waitReadingOutput(until: deadlines.min()) {
            if let stepDeadline, ContinuousClock.now >= stepDeadline {
                stepTimedOut = true
                process.terminate(grace: grace)
            } else {
                scope.cancel(.timedOut)
            }
        }
        scope.unregister(key)

        // File commands, then the outcome.
        var outputs = processor.outputs
        var fileError: String?
        do {
            for (k, v) in try EnvironmentFile.read(files.env) + processor.env { state.env[k] = v }
        } catch { fileError = "Unable to process file command 'env' successfully. \(error.message)" }
        do {
            outputs += try EnvironmentFile.read(files.output)
        } catch { fileError = "Unable to process file command 'output' successfully. \(error.message)" }
        do { state.savedState = try EnvironmentFile.read(files.state) + processor.savedState } catch {
            fileError = "Unable to process file command 'state' successfully. \(error.message)"
        }
        for entry in EnvironmentFile.readPathEntries(files.path) + processor.paths {
            state.pathPrepends.removeAll { $0 == entry }
            state.pathPrepends.append(entry)
        }
        if let text = ScratchFile.read(files.summary), !text.isEmpty {
            state.summary += text
            if !state.summary.hasSuffix("\n") { state.summary += "\n" }
        }
        var deduplicated = OrderedEnvironment()
        for (k, v) in outputs { deduplicated[k] = v }
        outputs = deduplicated.pairs

        if stepTimedOut {
            finish(.failure, continueOnError: continueOnError, outputs: outputs,
                   error: "The step has timed out after \(JSNumber.format(timeoutMinutes ?? 0)) minutes.")
        } else if scope.isCancelled, !cancelledBeforeStart, !exit.succeeded {
            finish(.cancelled, outputs: outputs, error: "The step was cancelled.")
        } else if !exit.succeeded {
            let message: String
            switch exit {
            case .exited(let code): message = "Process completed with exit code \(code)."
            case .signalled(let signal): message = "Process was killed by signal \(signal)."
            }
            finish(.failure, continueOnError: continueOnError, outputs: outputs, error: message)
        } else if let fileError {
            finish(.failure, continueOnError: continueOnError, outputs: outputs, error: fileError)
        } else if let commandError = processor.commandErrors.first {
            finish(.failure, continueOnError: continueOnError, outputs: outputs, error: commandError)
        } else {
            finish(.success, outputs: outputs)
        }
    }

    /// `actions/checkout`, built in. Without inputs the workspace is already the checkout
    /// (the working tree, or the `--rev` tree). `ref:` and `path:` write that revision's tree
    /// (default: the run's commit) into the workspace or `path` below it. Into the live
    /// working tree only a `path:` is allowed, so the user's files are never overwritten.
    /// Returns the error, or nil.
    private func checkout(_ uses: String, inputs: [String: String], step: String) -> String? {
        guard RunPlanner.isBuiltinAction(uses) else { return "action '\(uses)' cannot run on the host" }
        let ref = inputs["ref"].flatMap { $0.isEmpty ? nil : $0 }
        let path = inputs["path"].flatMap { $0.isEmpty || $0 == "." ? nil : $0 }
        guard ref != nil || path != nil else {
            reporter.report(.log(job: label, step: step, line: run.options.revision == nil
                ? "Using the repository working tree at \(run.workspace) as the checkout"
                : "The workspace holds '\(run.options.revision!)' (\(run.repository.sha.prefix(7)))"))
            return nil
        }
        if run.options.revision == nil, path == nil, let ref {
            // The ref that is already checked out, on a clean tree, is the working tree itself.
            let commit = try? Repository(discovering: run.options.repositoryRoot).resolveCommit(ref)
            if commit == run.repository.sha, !run.repository.dirty {
                reporter.report(.log(job: label, step: step, line: "'\(ref)' is the checked-out commit \(run.repository.sha.prefix(7)) and the tree is clean: using the working tree at \(run.workspace) as the checkout"))
                return nil
            }
            let why = commit == run.repository.sha ? "the working tree has changes, which it would overwrite" : "it would overwrite your files"
            return "checking out '\(ref)' into the live working tree: \(why); give the step a 'path:', or run with --rev"
        }
        let revision = ref ?? run.repository.sha
        let target = path.map { $0.hasPrefix("/") ? $0 : run.workspace + "/" + $0 } ?? run.workspace
        do {
            try RevisionWorkspace.write(repositoryAt: run.options.repositoryRoot, revision: revision, into: target, asRepository: true)
        } catch {
            return error.description
        }
        reporter.report(.log(job: label, step: step, line: "Checked out '\(revision)' into \(target)"))
        return nil
    }

    // MARK: Contexts

    /// The `github` context; inside an action, with its `action_path`, `action_repository`
    /// and `action_ref`, as the runner sets them.
    func githubContext(_ state: State) -> ExpressionValue {
        guard let path = state.actionPath, case .object(let object) = github else { return github }
        let replaced: [String: ExpressionValue] = [
            "action_path": .string(path), "action_repository": .string(state.actionReference.repository),
            "action_ref": .string(state.actionReference.ref),
        ]
        return .object(ExpressionObject(object.pairs.map { pair in (pair.key, replaced[pair.key] ?? pair.value) }))
    }

    func evaluationContext(env: OrderedEnvironment, state: State, temp: String, includeSteps: Bool) -> EvaluationContext {
        let failed = state.failed
        let scope = self.scope
        let workspace = run.workspace
        let status: String = failed ? "failure" : (scope.isCancelled ? "cancelled" : "success")
        let contexts = ExpressionObject([
            ("github", githubContext(state)),
            ("env", .object(ExpressionObject(env.pairs.map { ($0.0, .string($0.1)) }))),
            ("vars", run.vars), ("secrets", run.secrets), ("inputs", state.inputs ?? run.inputs),
            ("job", .object(ExpressionObject([("status", .string(status)),
                                              ("container", .object(ExpressionObject([]))),
                                              ("services", .object(ExpressionObject([])))]))),
            ("steps", .object(ExpressionObject(includeSteps ? state.steps : []))),
            ("runner", state.runner),
            ("strategy", strategy), ("matrix", matrix), ("needs", needs),
        ])
        return EvaluationContext(contexts: contexts, functions: [
            "success": { _ in .bool(!failed && !scope.isCancelled) },
            "failure": { _ in .bool(failed) },
            "cancelled": { _ in .bool(scope.isCancelled) },
            "always": { _ in .bool(true) },
            "hashfiles": { args throws(ExpressionError) in
                .string(try HashFiles.hash(patterns: args.map(\.stringValue), workspace: workspace))
            },
        ])
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        let d = ContinuousClock.now - start
        return Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
    }

    static func safeName(_ s: String) -> String {
        String(s.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }.prefix(80)) + "-" + UUID().uuidString.prefix(8)
    }
}

/// A job instance's folders: `RUNNER_TEMP` (on disk, like the runner's) and mlgate's own
/// scratch folder for step scripts and file-command files (on tmpfs when there is one).
/// They are made while the job waits for a slot, since creating a folder on a disk file
/// system costs a noticeable fraction of a short job.
struct JobFolders: Sendable {
    let temp: String
    let scratch: String
    /// Removals still to happen; the run waits for them before removing its own roots.
    let pending: DispatchGroup

    /// Makes the folders for a job below the run's roots.
    static func make(run: RunContext, name: String) -> JobFolders {
        let folder = JobInstance.safeName(name)
        let folders = JobFolders(temp: run.tempRoot + "/" + folder, scratch: run.scratchRoot + "/" + folder,
                                 pending: run.pendingRemovals)
        folders.pending.enter()
        mkdir(folders.temp, 0o755)
        mkdir(folders.scratch, 0o700)
        return folders
    }

    /// Removes both, with whatever the job left in them. Call once.
    func remove() {
        try? FileManager.default.removeItem(atPath: temp)
        try? FileManager.default.removeItem(atPath: scratch)
        pending.leave()
    }
}

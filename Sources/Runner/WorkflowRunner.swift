import Expressions
import Foundation
import Workflow

/// Runs a validated workflow on the host with GitHub's semantics: jobs start as soon as
/// their own `needs` finish, bounded by `maxParallel`; matrices expand, fail fast and obey
/// `max-parallel`; failed and skipped jobs skip their dependents unless a status function
/// says otherwise.
public struct WorkflowRunner: Sendable {
    let launcher: any ProcessLauncher
    let reporter: any RunReporter

    /// Creates a runner.
    public init(launcher: any ProcessLauncher = PosixProcessLauncher(), reporter: any RunReporter) {
        self.launcher = launcher
        self.reporter = reporter
    }

    /// The outcome of a whole job (all matrix combinations).
    struct JobOutcome: Sendable {
        let result: Conclusion
        let outputs: [(String, String)]
    }

    /// Runs `jobs` of `workflow`. `cancellation` is cancelled on Ctrl-C.
    public func run(_ workflow: Workflow, jobs: [Job], options: RunOptions, repository: RepositorySnapshot,
                    cancellation: CancellationScope) async -> RunReport {
        let started = ContinuousClock.now
        let context = prepare(workflow, options: options, repository: repository)
        cancellation.removeOnStop(context.tempRoot)
        cancellation.removeOnStop(context.scratchRoot)
        let runName = workflow.runName.flatMap { template in
            try? template.evaluate(in: EvaluationContext(contexts: ExpressionObject([
                ("github", context.github(job: "")), ("inputs", context.inputs), ("vars", context.vars),
            ])))
        }.map(context.masker.mask)
        reporter.report(.runStarted(RunHeader(workflow: workflow.displayName, runName: runName, file: workflow.file, event: options.eventName,
                                              ref: repository.ref, sha: repository.sha, dirty: repository.dirty,
                                              workspace: options.workspace)))
        let collector = ReportCollector()
        let collecting = CollectingReporter(inner: reporter, collector: collector)
        let limiter = ConcurrencyLimiter(limit: options.maxParallel)

        let (outcomes, setupFailed) = await runJobs(jobs, of: workflow, context: context, limiter: limiter,
                                                    cancellation: cancellation, reporter: collecting, prefix: nil)

        let jobReports = collector.jobs
        var outputs: [(String, String)] = []
        if options.eventName == "workflow_call", let trigger = workflow.trigger("workflow_call") {
            outputs = workflowOutputs(trigger, workflow: workflow, context: context, outcomes: outcomes, reporter: collecting)
        }
        let failed = setupFailed || jobReports.contains { $0.1.result == .failure }
        let interrupted = cancellation.cancellationReason == .interrupted
        let result: Conclusion = interrupted ? .cancelled : (failed ? .failure : .success)
        let report = RunReport(result: result, durationMs: JobInstance.milliseconds(since: started), jobs: jobReports,
                               annotations: collector.annotations, interrupted: interrupted, outputs: outputs)
        reporter.report(.runFinished(report))
        context.pendingRemovals.wait()
        try? FileManager.default.removeItem(atPath: context.tempRoot)
        try? FileManager.default.removeItem(atPath: context.scratchRoot)
        return report
    }

    // MARK: Jobs

    /// Evaluates the workflow's `env`, then runs `jobs` as a DAG: each starts when its own
    /// needs have finished. `prefix` names the calling job when this is a called workflow.
    func runJobs(_ jobs: [Job], of workflow: Workflow, context: RunContext, limiter: ConcurrencyLimiter,
                 cancellation: CancellationScope, reporter: any RunReporter, prefix: String?) async -> ([String: JobOutcome], Bool) {
        // Workflow env is evaluated once, with the contexts the schema allows there.
        var workflowEnv = OrderedEnvironment()
        let workflowContext = EvaluationContext(contexts: ExpressionObject([
            ("github", context.github(job: "")), ("inputs", context.inputs), ("vars", context.vars), ("secrets", context.secrets),
        ]))
        for (name, template) in workflow.env {
            do { workflowEnv[name] = try template.evaluate(in: workflowContext) } catch {
                reporter.report(.annotation(Annotation(level: .error, message: "env.\(name): \(error.message)", title: nil,
                                                       file: workflow.file, line: template.location.line, column: template.location.column,
                                                       job: "", step: "")))
                return ([:], true)
            }
        }
        var outcomes: [String: JobOutcome] = [:]
        await withTaskGroup(of: (String, JobOutcome).self) { group in
            var started = Set<String>()
            func startReady() {
                for job in jobs where !started.contains(job.id) && job.needs.allSatisfy({ outcomes[$0] != nil }) {
                    started.insert(job.id)
                    let needs = job.needs.map { ($0, outcomes[$0]!) }
                    let ancestorResults = Self.ancestors(of: job, in: jobs).compactMap { outcomes[$0]?.result }
                    let env = workflowEnv
                    group.addTask {
                        (job.id, await runJob(job, needs: needs, ancestorResults: ancestorResults, context: context,
                                              workflowEnv: env, limiter: limiter, cancellation: cancellation, reporter: reporter,
                                              prefix: prefix))
                    }
                }
            }
            startReady()
            for await (id, outcome) in group {
                outcomes[id] = outcome
                startReady()
            }
        }
        return (outcomes, false)
    }

    /// Runs one job (all its matrix legs). `ancestorResults` are the results of every job in
    /// its dependency chain: as on GitHub, a failure or skip anywhere in the chain skips the
    /// job unless its `if` uses a status function, and `failure()` sees any failed ancestor.
    private func runJob(_ job: Job, needs: [(String, JobOutcome)], ancestorResults: [Conclusion], context: RunContext,
                        workflowEnv: OrderedEnvironment, limiter: ConcurrencyLimiter, cancellation: CancellationScope,
                        reporter: any RunReporter, prefix: String?) async -> JobOutcome {
        let needsValue = ExpressionValue.object(ExpressionObject(needs.map { id, outcome in
            (id, .object(ExpressionObject([
                ("result", .string(outcome.result.rawValue)),
                ("outputs", .object(ExpressionObject(outcome.outputs.map { ($0.0, .string($0.1)) }))),
            ])))
        }))
        let needResults = Dictionary(needs.map { ($0.0, $0.1.result) }, uniquingKeysWith: { a, _ in a })
        let chainSucceeded = ancestorResults.allSatisfy { $0 == .success }
        let jobContextBase: [(String, ExpressionValue)] = [
            ("github", context.github(job: job.id)), ("inputs", context.inputs), ("vars", context.vars), ("needs", needsValue),
        ]
        let statusFunctions: [String: EvaluationContext.Function] = [
            "success": { args in
                if args.isEmpty { return .bool(!cancellation.isCancelled && chainSucceeded) }
                return .bool(!cancellation.isCancelled && args.map(\.stringValue).allSatisfy { needResults[$0] == .success })
            },
            "failure": { args in
                if args.isEmpty { return .bool(ancestorResults.contains(.failure)) }
                return .bool(args.map(\.stringValue).contains { needResults[$0] == .failure })
            },
            "cancelled": { _ in .bool(cancellation.isCancelled) },
            "always": { _ in .bool(true) },
        ]
        let jobContext = EvaluationContext(contexts: ExpressionObject(jobContextBase), functions: statusFunctions)
        let label = JobLabel(id: job.id, name: prefix.map { "\($0) / \(job.id)" } ?? job.id, matrixJSON: nil)

        // The job's condition: implicit success() unless a status function is used.
        do {
            var shouldRun = true
            if let condition = job.condition {
                shouldRun = try condition.template.evaluate(in: jobContext).isTruthy
                if !condition.callsStatusFunction {
                    shouldRun = shouldRun && chainSucceeded && !cancellation.isCancelled
                }
            } else {
                shouldRun = chainSucceeded && !cancellation.isCancelled
            }
            if !shouldRun {
                let result: Conclusion = cancellation.isCancelled ? .cancelled : .skipped
                reporter.report(.jobFinished(job: label, report: JobReport(result: result, failureAllowed: false, durationMs: 0, outputs: [], summary: "")))
                return JobOutcome(result: result, outputs: [])
            }
        } catch {
            return failJob(label, "The job's 'if' could not be evaluated: \(error.message)", reporter: reporter)
        }

        // Matrix.
        var combinations: [ExpressionObject] = [ExpressionObject([])]
        var failFast = true
        var maxParallel = Int.max
        if let strategy = job.strategy {
            do {
                if let matrix = strategy.matrix {
                    combinations = try MatrixExpander.expand(try matrix.evaluate(in: jobContext))
                }
                if let value = strategy.failFast { failFast = try value.evaluate(in: jobContext).isTruthy }
                if let value = strategy.maxParallel {
                    let n = try value.evaluate(in: jobContext).numberValue
                    // Past the most jobs a matrix can have, the bound changes nothing.
                    if n.isFinite, n >= 1 { maxParallel = n > 256 ? Int.max : Int(n) }
                }
            } catch let error as ExpressionError {
                return failJob(label, "strategy: \(error.message)", reporter: reporter)
            } catch {
                return failJob(label, "strategy: \(error)", reporter: reporter)
            }
        }

        let matrixScope = cancellation.child()
        let (failFastSetting, maxParallelSetting) = (failFast, maxParallel)
        let jobLimiter = ConcurrencyLimiter(limit: min(maxParallelSetting, combinations.count))
        let total = combinations.count
        let hasMatrix = job.strategy?.matrix != nil
        let outcomes = await withTaskGroup(of: (Int, JobInstance.Outcome).self) { group in
            for (index, combination) in combinations.enumerated() {
                group.addTask {
                    let matrixValue = ExpressionValue.object(combination)
                    let strategyValue = ExpressionValue.object(ExpressionObject([
                        ("fail-fast", .bool(failFastSetting)), ("job-index", .number(Double(index))),
                        ("job-total", .number(Double(total))),
                        ("max-parallel", .number(Double(min(maxParallelSetting, total)))),
                    ]))
                    if let uses = job.uses {
                        // A called workflow's jobs take their own slots; the caller holds none.
                        let name = Self.displayName(job, matrix: combination, hasMatrix: hasMatrix, context: context,
                                                    base: jobContextBase, strategy: strategyValue)
                        let label = JobLabel(id: job.id, name: prefix.map { "\($0) / \(name)" } ?? name,
                                             matrixJSON: hasMatrix ? JSON.compact(matrixValue) : nil)
                        let callerContext = EvaluationContext(contexts: ExpressionObject(jobContextBase + [
                            ("strategy", strategyValue), ("matrix", matrixValue), ("secrets", context.secrets),
                        ]))
                        let outcome = await callWorkflow(uses, job: job, label: label, callerContext: callerContext, context: context,
                                                         limiter: limiter, cancellation: cancellation, reporter: reporter)
                        return (index, outcome)
                    }
                    let folders = JobFolders.make(run: context, name: "\(job.id)-\(index)")
                    return await jobLimiter.withSlot {
                        await limiter.withSlot {
                            let scope = matrixScope.child()
                            let name = Self.displayName(job, matrix: combination, hasMatrix: hasMatrix, context: context,
                                                        base: jobContextBase, strategy: strategyValue)
                            let instance = JobInstance(
                                run: context, job: job,
                                label: JobLabel(id: job.id, name: prefix.map { "\($0) / \(name)" } ?? name,
                                                matrixJSON: hasMatrix ? JSON.compact(matrixValue) : nil),
                                matrix: matrixValue, strategy: strategyValue, needs: needsValue, workflowEnv: workflowEnv,
                                scope: scope, launcher: launcher, reporter: reporter, github: jobContextBase[0].1,
                                folders: folders)
                            if matrixScope.isCancelled, matrixScope.cancellationReason == .failFast {
                                folders.remove()
                                let report = JobReport(result: .cancelled, failureAllowed: false, durationMs: 0, outputs: [], summary: "")
                                reporter.report(.jobFinished(job: instance.label, report: report))
                                return (index, JobInstance.Outcome(report: report))
                            }
                            let outcome = await instance.execute()
                            if outcome.result == .failure, failFastSetting, hasMatrix { matrixScope.cancel(.failFast) }
                            return (index, outcome)
                        }
                    }
                }
            }
            var collected: [(Int, JobInstance.Outcome)] = []
            for await item in group { collected.append(item) }
            return collected
        }

        var outputs = OrderedEnvironment()
        for (_, outcome) in outcomes { for (k, v) in outcome.report.outputs { outputs[k] = v } }
        let results = outcomes.map(\.1.result)
        let result: Conclusion = results.contains(.failure) ? .failure
            : results.contains(.cancelled) ? .cancelled : .success
        return JobOutcome(result: result, outputs: outputs.pairs)
    }

    /// A called workflow's outputs (`on.workflow_call.outputs`), from the `jobs` context
    /// (each job's result and outputs); values holding a secret are dropped, as job outputs
    /// are.
    func workflowOutputs(_ trigger: Trigger, workflow: Workflow, context: RunContext,
                         outcomes: [String: JobOutcome], reporter: any RunReporter) -> [(String, String)] {
        let jobs = ExpressionValue.object(ExpressionObject(workflow.jobs.compactMap { job in
            outcomes[job.id].map { outcome in
                (job.id, .object(ExpressionObject([
                    ("result", .string(outcome.result.rawValue)),
                    ("outputs", .object(ExpressionObject(outcome.outputs.map { ($0.0, .string($0.1)) }))),
                ])))
            }
        }))
        let evaluation = EvaluationContext(contexts: ExpressionObject([
            ("github", context.github(job: "")), ("inputs", context.inputs), ("vars", context.vars), ("jobs", jobs),
        ]))
        var result: [(String, String)] = []
        for output in trigger.outputs {
            do {
                let value = try output.value.evaluate(in: evaluation)
                if context.masker.containsSecret(value) {
                    reporter.report(.annotation(Annotation(level: .warning, message: "skip output '\(output.name)' since it may contain secret.", title: nil, file: workflow.file, line: output.value.location.line, column: output.value.location.column, job: "", step: "")))
                } else {
                    result.append((output.name, value))
                }
            } catch {
                reporter.report(.annotation(Annotation(level: .error, message: "output '\(output.name)': \(error.message)", title: nil, file: workflow.file, line: output.value.location.line, column: output.value.location.column, job: "", step: "")))
            }
        }
        return result
    }

    private func failJob(_ label: JobLabel, _ message: String, reporter: any RunReporter) -> JobOutcome {
        reporter.report(.jobStarted(job: label))
        reporter.report(.log(job: label, step: "Set up job", line: "Error: \(message)"))
        reporter.report(.jobFinished(job: label, report: JobReport(result: .failure, failureAllowed: false, durationMs: 0, outputs: [], summary: "")))
        return JobOutcome(result: .failure, outputs: [])
    }

    /// GitHub's job display name: `name:` (evaluated) or the id, with the matrix values
    /// appended unless the name already uses the matrix.
    static func displayName(_ job: Job, matrix: ExpressionObject, hasMatrix: Bool, context: RunContext,
                            base: [(String, ExpressionValue)], strategy: ExpressionValue) -> String {
        var name = job.id
        var usesMatrix = false
        if let template = job.name {
            let evaluation = EvaluationContext(contexts: ExpressionObject(base + [("matrix", .object(matrix)), ("strategy", strategy)]))
            name = (try? template.evaluate(in: evaluation)) ?? template.source
            usesMatrix = template.template.parts.contains { part in
                if case .expression(let e) = part { return e.contextNames.contains("matrix") }
                return false
            }
        }
        if hasMatrix, !usesMatrix { name += " " + MatrixExpander.displaySuffix(matrix) }
        return context.masker.mask(name)
    }

    static func ancestors(of job: Job, in jobs: [Job]) -> Set<String> {
        let byId = Dictionary(jobs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var seen = Set<String>()
        var queue = job.needs
        while let id = queue.popLast() {
            guard seen.insert(id).inserted else { continue }
            queue += byId[id]?.needs ?? []
        }
        return seen
    }

    // MARK: Setup

    private func prepare(_ workflow: Workflow, options: RunOptions, repository: RepositorySnapshot) -> RunContext {
        let runId = String(Int(Date().timeIntervalSince1970 * 1000) % 10_000_000_000)
        let runName = "mlgate-run-\(runId)-\(UUID().uuidString.prefix(8))"
        let tempRoot = NSTemporaryDirectory().appending(runName)
        try? FileManager.default.createDirectory(atPath: tempRoot + "/_tool", withIntermediateDirectories: true)
        let scratchRoot = ScratchFile.memoryBackedDirectory(named: runName) ?? tempRoot + "/_scratch"

        // Inputs: declared defaults, then given values; booleans and numbers typed as GitHub does.
        var inputPairs: [(String, ExpressionValue)] = []
        var eventInputs: [(String, String)] = []
        let declared = workflow.trigger(options.eventName)?.inputs ?? workflow.trigger("workflow_dispatch")?.inputs ?? []
        for input in declared {
            let text = options.inputs[input.name] ?? input.defaultValue ?? ""
            eventInputs.append((input.name, text))
            switch input.kind {
            case .boolean: inputPairs.append((input.name, .bool(text == "true")))
            case .number: inputPairs.append((input.name, .number(JSNumber.parse(text))))
            default: inputPairs.append((input.name, .string(text)))
            }
        }
        for (name, value) in options.inputs.sorted(by: { $0.key < $1.key }) where !declared.contains(where: { $0.name == name }) {
            inputPairs.append((name, .string(value)))
            eventInputs.append((name, value))
        }

        var event = EventPayload.synthesize(event: options.eventName, repository: repository, workflowFile: workflow.file,
                                            inputs: eventInputs, crons: workflow.trigger("schedule")?.crons ?? [])
        if let payload = options.eventPayload { event = EventPayload.merge(event, payload.value) }
        try? FileManager.default.createDirectory(atPath: scratchRoot, withIntermediateDirectories: true)
        let eventPath = scratchRoot + "/event.json"
        ScratchFile.write(eventPath, JSON.stringify(event))

        let masker = SecretMasker(Array(options.secrets.values))
        return RunContext(workflow: workflow, options: options, repository: repository, runId: runId, tempRoot: tempRoot, scratchRoot: scratchRoot, pendingRemovals: DispatchGroup(),
                          eventPath: eventPath, event: event, inputs: .object(ExpressionObject(inputPairs)), masker: masker,
                          callChain: [workflow.file])
    }
}

/// Collects job reports and annotations while forwarding every event.
final class ReportCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var jobReports: [(JobLabel, JobReport)] = []
    private var annotationList: [Annotation] = []

    func add(_ event: RunEvent) {
        lock.withLock {
            switch event {
            case .jobFinished(let job, let report): jobReports.append((job, report))
            case .annotation(let a): annotationList.append(a)
            default: break
            }
        }
    }

    var jobs: [(JobLabel, JobReport)] { lock.withLock { jobReports } }
    var annotations: [Annotation] { lock.withLock { annotationList } }
}

struct CollectingReporter: RunReporter {
    let inner: any RunReporter
    let collector: ReportCollector

    func report(_ event: RunEvent) {
        collector.add(event)
        inner.report(event)
    }
}

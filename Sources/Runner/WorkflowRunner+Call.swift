import Expressions
import Foundation
import Workflow

extension WorkflowRunner {
    /// A job with `uses: ./.github/workflows/x.yml`: the called workflow's jobs run here as
    /// GitHub nests them (named `caller / job`), with the inputs and secrets the caller
    /// passes; its `on.workflow_call.outputs` become the calling job's outputs.
    func callWorkflow(_ uses: String, job: Job, label: JobLabel, callerContext: EvaluationContext, context: RunContext,
                      limiter: ConcurrencyLimiter, cancellation: CancellationScope, reporter: any RunReporter) async -> JobInstance.Outcome {
        let started = ContinuousClock.now
        reporter.report(.jobStarted(job: label))
        func finish(_ result: Conclusion, _ outputs: [(String, String)] = [], error: String? = nil) -> JobInstance.Outcome {
            if let error { reporter.report(.log(job: label, step: "Call \(uses)", line: "Error: " + context.masker.mask(error))) }
            let report = JobReport(result: result, failureAllowed: false, durationMs: JobInstance.milliseconds(since: started),
                                   outputs: outputs, summary: "")
            reporter.report(.jobFinished(job: label, report: report))
            return JobInstance.Outcome(report: report)
        }

        if let blocker = RunPlanner.hostBlocker(for: job, unavailable: context.options.unavailable) {
            return finish(.failure, error: blocker)
        }
        // The called workflow: a local one from the workspace (the working tree, or the --rev
        // tree), another repository's from an --action-dir or the fetched cache. The chain
        // of local calls was checked before the run; this guard also bounds remote ones.
        let file = uses.hasPrefix("./") ? String(uses.dropFirst(2)) : uses
        let chain = context.callChain + [file]
        if context.callChain.contains(file) || chain.count > WorkflowLimits.maxWorkflowNesting {
            return finish(.failure, error: "reusable workflows call each other in a cycle or nest more than \(WorkflowLimits.maxWorkflowNesting) levels deep: \(chain.joined(separator: " → "))")
        }
        let text: String
        if uses.hasPrefix("./") {
            guard let data = FileManager.default.contents(atPath: context.workspace + "/" + file) else {
                return finish(.failure, error: "cannot read the called workflow \(uses); check the path")
            }
            text = String(decoding: data, as: UTF8.self)
        } else {
            do { text = try context.options.actionSources.fileText(for: uses) } catch {
                return finish(.failure, error: "cannot read the called workflow \(uses): \(error.description)")
            }
        }
        let called: Workflow
        do {
            called = try WorkflowDecoder.decode(text, file: file)
        } catch {
            return finish(.failure, error: "the called workflow is invalid:\n\(error.description)")
        }
        guard let trigger = called.trigger("workflow_call") else {
            return finish(.failure, error: "\(uses) is not a reusable workflow: it has no 'on: workflow_call'")
        }

        // Inputs, typed as declared; defaults; required ones must be given.
        var given: [String: ExpressionValue] = [:]
        do {
            for (name, value) in job.callInputs { given[name] = try value.evaluate(in: callerContext) }
        } catch {
            return finish(.failure, error: "with: \(error)")
        }
        let declared = Set(trigger.inputs.map(\.name))
        if let unknown = given.keys.sorted().first(where: { !declared.contains($0) }) {
            return finish(.failure, error: "\(uses) has no input '\(unknown)'; it declares: \(trigger.inputs.map(\.name).joined(separator: ", "))")
        }
        var inputs: [(String, ExpressionValue)] = []
        for input in trigger.inputs {
            let value = given[input.name] ?? input.defaultValue.map { ExpressionValue.string($0) }
            guard let value else {
                if input.required { return finish(.failure, error: "\(uses) requires the input '\(input.name)'") }
                continue
            }
            switch input.kind {
            case .boolean: inputs.append((input.name, .bool(value.isTruthy && value.stringValue != "false")))
            case .number: inputs.append((input.name, .number(value.numberValue)))
            default: inputs.append((input.name, .string(value.stringValue)))
            }
        }

        // Secrets: inherited, named, or none.
        var secrets: [String: String] = [:]
        switch job.callSecrets {
        case .inherit?: secrets = context.options.secrets
        case .named(let pairs)?:
            do {
                for (name, template) in pairs { secrets[name] = try template.evaluate(in: callerContext) }
            } catch {
                return finish(.failure, error: "secrets: \(error)")
            }
        case nil: break
        }

        let nested = context.calling(called, file: file, inputs: .object(ExpressionObject(inputs)), secrets: secrets)
        let (outcomes, setupFailed) = await runJobs(called.jobs, of: called, context: nested, limiter: limiter,
                                                     cancellation: cancellation, reporter: reporter, prefix: label.name)
        let results = outcomes.values.map(\.result)
        let result: Conclusion = setupFailed || results.contains(.failure) ? .failure
            : results.contains(.cancelled) ? .cancelled : .success
        let outputs = workflowOutputs(trigger, workflow: called, context: nested, outcomes: outcomes, reporter: reporter)
        return finish(result, outputs)
    }
}

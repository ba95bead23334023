import Expressions

/// A GitHub Actions workflow file, decoded eagerly into typed values.
public struct Workflow: Sendable {
    /// The file the workflow came from, as given.
    public let file: String
    /// `name:`, or nil (GitHub then shows the file path).
    public let name: String?
    /// `run-name:`.
    public let runName: TemplateString?
    /// The events that trigger the workflow, in the order written.
    public let triggers: [Trigger]
    /// Workflow-level `env:`, in order.
    public let env: [(String, TemplateString)]
    /// Workflow-level `defaults.run`.
    public let defaults: RunDefaults
    /// `permissions:` (parsed; the host runner has no token to scope).
    public let permissions: Permissions?
    /// `concurrency:`.
    public let concurrency: Concurrency?
    /// The jobs, in the order written.
    public let jobs: [Job]
    /// Where `permissions:` was written (nil: it was not).
    public var permissionsLocation: SourceLocation? = nil

    /// The job with the given id.
    public func job(_ id: String) -> Job? { jobs.first { $0.id == id } }

    /// The trigger for an event name.
    public func trigger(_ event: String) -> Trigger? { triggers.first { $0.event == event } }

    /// The name GitHub displays: `name:` or the file path.
    public var displayName: String { name ?? file }
}

/// One `on:` event with its configuration.
public struct Trigger: Sendable {
    /// The event name (`push`, `pull_request`, `workflow_dispatch`, …).
    public let event: String
    /// Filters such as `branches`, `tags`, `paths` and their `-ignore` forms.
    public let filters: [String: [String]]
    /// `types:` activity types.
    public let types: [String]
    /// `workflow_dispatch` / `workflow_call` inputs.
    public let inputs: [WorkflowInput]
    /// `schedule` cron lines.
    public let crons: [String]
    /// Where the event was named.
    public let location: SourceLocation
    /// `workflow_call` outputs: what a called workflow hands back, from its jobs' outputs.
    public var outputs: [WorkflowOutput] = []

    /// A trigger with no configuration.
    public init(event: String, filters: [String: [String]] = [:], types: [String] = [], inputs: [WorkflowInput] = [],
                crons: [String] = [], location: SourceLocation, outputs: [WorkflowOutput] = []) {
        self.event = event
        self.filters = filters
        self.types = types
        self.inputs = inputs
        self.crons = crons
        self.location = location
        self.outputs = outputs
    }
}

/// A `workflow_call` output: `value` is evaluated after the jobs, with the `jobs` context.
public struct WorkflowOutput: Sendable {
    public let name: String
    public let description: String?
    public let value: TemplateString
}

/// A `workflow_dispatch` or `workflow_call` input.
public struct WorkflowInput: Sendable {
    /// The declared input types.
    public enum Kind: String, Sendable { case string, boolean, number, choice, environment }

    public let name: String
    public let description: String?
    public let required: Bool
    /// The default, as text.
    public let defaultValue: String?
    public let kind: Kind
    /// Options of a `choice` input.
    public let options: [String]
    public let location: SourceLocation
}

/// `defaults.run`.
public struct RunDefaults: Sendable {
    public var shell: String?
    /// A job's shell written as an expression (`${{ env.SHELL }}`), evaluated when the job
    /// starts; `shell` is nil then.
    public var shellTemplate: TemplateString?
    /// A job's may use expressions (`github`, `inputs`, `vars`, `needs`, `strategy`, `matrix`,
    /// `env`); a workflow's may not.
    public var workingDirectory: TemplateString?

    public init(shell: String?, shellTemplate: TemplateString? = nil, workingDirectory: TemplateString?) {
        (self.shell, self.shellTemplate, self.workingDirectory) = (shell, shellTemplate, workingDirectory)
    }

    /// No defaults.
    public static let none = RunDefaults(shell: nil, workingDirectory: nil)
}

/// `permissions:`: `read-all`, `write-all`, `{}` or per-scope levels.
public enum Permissions: Sendable, Equatable {
    case all(String)
    case scopes([String: String])
}

/// `concurrency:` group and cancel-in-progress.
public struct Concurrency: Sendable {
    public let group: TemplateString
    public let cancelInProgress: DynamicValue?
}

/// A job.
public struct Job: Sendable {
    /// The job id (the key under `jobs:`).
    public let id: String
    public let name: TemplateString?
    /// Jobs that must finish first.
    public let needs: [String]
    public let condition: Condition?
    /// `runs-on:` (informational on the host).
    public let runsOn: DynamicValue?
    /// `env:`; an entry without a name is the whole mapping as one expression.
    public let env: [(String, TemplateString)]
    public let outputs: [(String, TemplateString)]
    public let strategy: Strategy?
    /// Minutes, possibly fractional, possibly an expression; GitHub's default is 360.
    public let timeoutMinutes: DynamicValue?
    public let continueOnError: DynamicValue?
    public let defaults: RunDefaults
    public let steps: [Step]
    /// `uses:` of a job calling a reusable workflow.
    public let uses: String?
    /// `environment:` (name), parsed.
    public let environment: DynamicValue?
    /// Where the job id was written.
    public let location: SourceLocation
    /// Where each `needs` entry was written.
    public let needsLocations: [SourceLocation]
    /// `container:` / `services:` keys, with where they were written.
    public let containerKeys: [(String, SourceLocation)]
    /// `with:` of a job calling a reusable workflow.
    public let callInputs: [(String, DynamicValue)]
    /// `secrets:` of a job calling a reusable workflow.
    public let callSecrets: CallSecrets?
    /// The job's `permissions:` and where they were written (nil: not written).
    public var permissions: Permissions? = nil
    public var permissionsLocation: SourceLocation? = nil
}

/// The secrets a job passes to the reusable workflow it calls.
public enum CallSecrets: Sendable {
    /// `secrets: inherit`: all of the caller's.
    case inherit
    /// Named secrets, each an expression over the caller's contexts.
    case named([(String, TemplateString)])
}

/// `strategy:`.
public struct Strategy: Sendable {
    /// The matrix: a mapping possibly holding expressions, or one expression for all of it.
    public let matrix: DynamicValue?
    public let failFast: DynamicValue?
    public let maxParallel: DynamicValue?
    public let location: SourceLocation
}

/// A step.
public struct Step: Sendable {
    public let id: String?
    public let name: TemplateString?
    public let condition: Condition?
    /// The script of a `run:` step.
    public let run: TemplateString?
    /// The action of a `uses:` step.
    public let uses: String?
    public let shell: String?
    public let workingDirectory: TemplateString?
    public let env: [(String, TemplateString)]
    public let with: [(String, TemplateString)]
    public let continueOnError: DynamicValue?
    public let timeoutMinutes: DynamicValue?
    /// Where the step starts.
    public let location: SourceLocation
    /// Position in the job (0-based).
    public let index: Int

    /// A step mlgate makes itself (to run a JavaScript action's entry point): `id` names its
    /// entry in the `steps` context, `name` (plain text) is what logs show.
    public static func synthesized(script: String, shell: String, index: Int, file: String,
                                   id: String? = "__action", name: String? = nil, condition: Condition? = nil) -> Step {
        let location = SourceLocation(file: file, line: 1, column: 1)
        let template = (try? Template(script)) ?? (try! Template(""))
        let title = name.map { TemplateString(source: $0, template: Template(literal: $0), location: location) }
        return Step(id: id, name: title, condition: condition,
                    run: TemplateString(source: script, template: template, location: location),
                    uses: nil, shell: shell, workingDirectory: nil, env: [], with: [], continueOnError: nil,
                    timeoutMinutes: nil, location: location, index: index)
    }

    /// The name shown in logs: `name:`, or `Run <first line>` / `Run <action>`, as GitHub does.
    public var displaySource: String {
        if let name { return name.source }
        if let run { return "Run " + (run.source.split(separator: "\n").first.map(String.init) ?? "") }
        if let uses { return "Run " + uses }
        return "Step \(index + 1)"
    }
}

import Expressions
import Foundation

/// Decodes a workflow file into a `Workflow`, collecting every problem rather than stopping
/// at the first, then validates the job graph.
public struct WorkflowDecoder: YAMLReader {
    public var diagnostics: [Diagnostic] = []
    let file: String

    /// Parses and validates workflow YAML.
    /// - Throws: `WorkflowError` listing every problem, when there is any.
    public static func decode(_ text: String, file: String) throws(WorkflowError) -> Workflow {
        let (workflow, diagnostics) = decodeLeniently(text, file: file)
        guard let workflow, diagnostics.isEmpty else { throw WorkflowError(diagnostics) }
        return workflow
    }

    /// Decodes as far as possible and returns what could be built with every problem found,
    /// for tools that report all findings at once (`mlgate lint`). A workflow with problems
    /// must not be run.
    public static func decodeLeniently(_ text: String, file: String) -> (Workflow?, [Diagnostic]) {
        let (workflow, diagnostics, _) = decodeWithTree(text, file: file)
        return (workflow, diagnostics)
    }

    /// `decodeLeniently`, with the YAML tree it read (for lint rules that read the tree).
    public static func decodeWithTree(_ text: String, file: String) -> (Workflow?, [Diagnostic], YAMLDocument?) {
        var decoder = WorkflowDecoder(file: file)
        let document: YAMLDocument?
        do {
            document = try YAMLNode.parseDocument(text, file: file)
        } catch {
            return (nil, error.diagnostics, nil)
        }
        guard let document else {
            return (nil, [Diagnostic(SourceLocation(file: file, line: 1, column: 1), "the workflow file is empty; it needs 'on:' and 'jobs:'")], nil)
        }
        let workflow = decoder.workflow(document.root)
        if let workflow { decoder.diagnostics += WorkflowValidator.validate(workflow) }
        return (workflow, WorkflowError(decoder.diagnostics).diagnostics, document)
    }

    private init(file: String) { self.file = file }
    init(actionFile: String) { self.file = actionFile }

    // MARK: Workflow

    static let workflowKeys = ["name", "run-name", "on", "env", "defaults", "permissions", "concurrency", "jobs"]
    static let jobKeys = ["name", "needs", "if", "runs-on", "env", "outputs", "strategy", "timeout-minutes",
                          "continue-on-error", "defaults", "steps", "permissions", "concurrency", "environment",
                          "container", "services", "uses", "with", "secrets", "snapshot", "cancel-timeout-minutes"]
    static let stepKeys = ["id", "name", "if", "run", "uses", "shell", "working-directory", "env", "with",
                           "continue-on-error", "timeout-minutes"]

    private mutating func workflow(_ root: YAMLNode) -> Workflow? {
        guard let map = mapping(root, "the workflow", keys: Self.workflowKeys) else { return nil }
        if map["on"] == nil { report(root, "the workflow has no 'on:' section; add the events that trigger it, e.g. 'on: push'") }
        if map["jobs"] == nil { report(root, "the workflow has no 'jobs:' section; add at least one job") }
        let workflowDefaults = map["defaults"].map { runDefaults($0, scope: .workflowDefaults) } ?? .none
        var workflow = Workflow(
            file: file,
            name: map["name"].flatMap { string($0, "name") },
            runName: map["run-name"].flatMap { templateString($0, scope: .runName) },
            triggers: map["on"].map { triggers($0) } ?? [],
            env: map["env"].map { envMap($0, scope: .workflowEnv) } ?? [],
            defaults: workflowDefaults,
            permissions: map["permissions"].flatMap { permissions($0) },
            concurrency: map["concurrency"].flatMap { concurrency($0, scope: .runName) },
            jobs: map["jobs"].map { jobs($0) } ?? [])
        workflow.permissionsLocation = map["permissions"]?.location
        return workflow
    }

    // MARK: Triggers

    /// The events of GitHub's workflow schema (`GitHubAcceptsTests` checks every one).
    static let knownEvents: Set<String> = [
        "branch_protection_rule", "check_run", "check_suite", "create", "delete", "deployment", "deployment_status",
        "discussion", "discussion_comment", "fork", "gollum", "issue_comment", "issues", "label", "merge_group",
        "milestone", "page_build", "project", "project_card", "project_column", "public", "pull_request", "pull_request_comment",
        "pull_request_review", "pull_request_review_comment", "pull_request_target", "push", "registry_package",
        "release", "repository_dispatch", "schedule", "status", "watch", "workflow_call", "workflow_dispatch",
        "workflow_run", "image_version",
    ]

    private mutating func triggers(_ node: YAMLNode) -> [Trigger] {
        switch node.content {
        case .scalar(let event, _):
            return eventName(node, event).map { [Trigger(event: $0, filters: [:], types: [], inputs: [], crons: [], location: node.location)] } ?? []
        case .sequence(let items):
            return items.compactMap { item in
                guard let event = string(item, "an event name") else { return nil }
                return eventName(item, event).map { Trigger(event: $0, filters: [:], types: [], inputs: [], crons: [], location: item.location) }
            }
        case .mapping(let pairs):
            return pairs.compactMap { pair in
                guard let event = string(pair.key, "an event name"), eventName(pair.key, event) != nil else { return nil }
                return trigger(event, pair.key, pair.value)
            }
        }
    }

    private mutating func eventName(_ node: YAMLNode, _ event: String) -> String? {
        guard Self.knownEvents.contains(event) else {
            report(node, "unknown event '\(event)'; see GitHub's list of events that trigger workflows", rule: "events")
            return nil
        }
        return event
    }

    static let filterKeys = ["branches", "branches-ignore", "tags", "tags-ignore", "paths", "paths-ignore"]

    /// The settings each event takes, as GitHub's workflow schema lists them
    /// (`on-mapping-strict` in workflow-v1.0.json; `GitHubAcceptsTests` checks the two agree).
    /// Events not listed take `types`.
    static let eventKeys: [String: [String]] = {
        var keys: [String: [String]] = [:]
        for event in ["create", "delete", "deployment", "deployment_status", "fork", "gollum", "page_build", "public", "status"] { keys[event] = [] }
        keys["push"] = filterKeys
        for event in ["pull_request", "pull_request_target"] { keys[event] = ["types", "branches", "branches-ignore", "paths", "paths-ignore"] }
        keys["merge_group"] = ["types", "branches", "branches-ignore"]
        keys["image_version"] = ["types", "names", "versions"]
        keys["workflow_dispatch"] = ["inputs"]
        keys["workflow_call"] = ["inputs", "secrets", "outputs"]
        keys["workflow_run"] = ["types", "workflows", "branches", "branches-ignore"]
        return keys
    }()

    private mutating func trigger(_ event: String, _ keyNode: YAMLNode, _ node: YAMLNode) -> Trigger {
        var filters: [String: [String]] = [:]
        var types: [String] = []
        var inputs: [WorkflowInput] = []
        var crons: [String] = []
        var outputs: [WorkflowOutput] = []
        if event == "schedule" {
            if case .sequence(let items) = node.content {
                for item in items {
                    guard let map = mapping(item, "a schedule entry", keys: ["cron", "timezone"]) else { continue }
                    if let cronNode = map["cron"], let cron = string(cronNode, "cron") {
                        if let problem = Cron.problem(in: cron) { report(cronNode, "invalid cron '\(cron)': \(problem)", rule: "events") }
                        crons.append(cron)
                    }
                    else { report(item, "a schedule entry needs 'cron:'") }
                    if let zoneNode = map["timezone"], let zone = string(zoneNode, "timezone"), !zone.has("${{"), TimeZone(identifier: zone) == nil {
                        report(zoneNode, "invalid timezone '\(zone)' in the schedule: use an IANA time zone name such as 'Europe/Berlin' or 'UTC'", rule: "events")
                    }
                }
            } else if !node.isNull {
                report(node, "'schedule' takes a sequence of '- cron: ...' entries")
            }
            return Trigger(event: event, filters: [:], types: [], inputs: [], crons: crons, location: keyNode.location)
        }
        if node.isNull { return Trigger(event: event, filters: [:], types: [], inputs: [], crons: [], location: keyNode.location) }
        let allowed = Self.eventKeys[event] ?? ["types"]
        guard !allowed.isEmpty else {
            report(node, "event '\(event)' takes no settings; write it as '\(event):' alone")
            return Trigger(event: event, filters: [:], types: [], inputs: [], crons: [], location: keyNode.location)
        }
        guard let map = mapping(node, "event '\(event)'", keys: allowed) else {
            return Trigger(event: event, filters: [:], types: [], inputs: [], crons: [], location: keyNode.location)
        }
        for (key, value) in map.pairs {
            switch key {
            case "types": types = stringList(value, key)
            case "inputs": inputs = workflowInputs(value, event: event)
            case "outputs": outputs = workflowOutputs(value)
            case "secrets": break
            case "names", "versions", "workflows":
                filters[key] = stringList(value, key)
            default:
                let patterns = stringList(value, key)
                for pattern in patterns {
                    do { try FilterPattern.validate(pattern) } catch { report(value, "\(error.description) in '\(key)' of event '\(event)'", rule: "glob") }
                }
                filters[key] = patterns
            }
        }
        for (a, b) in [("branches", "branches-ignore"), ("tags", "tags-ignore"), ("paths", "paths-ignore")]
        where filters[a] != nil && filters[b] != nil {
            report(keyNode, "event '\(event)' uses both '\(a)' and '\(b)'; use one, with '!' patterns to exclude")
        }
        return Trigger(event: event, filters: filters, types: types, inputs: inputs, crons: [], location: keyNode.location,
                       outputs: outputs)
    }

    /// `on.workflow_call.outputs`: each a mapping with `value` (and `description`).
    private mutating func workflowOutputs(_ node: YAMLNode) -> [WorkflowOutput] {
        guard case .mapping(let pairs) = node.content else {
            if !node.isNull { report(node, "'outputs' must be a mapping of output names") }
            return []
        }
        var result: [WorkflowOutput] = []
        for (keyNode, value) in pairs {
            guard let name = string(keyNode, "an output name"),
                  let map = mapping(value, "output '\(name)'", keys: ["description", "value"]) else { continue }
            guard let valueNode = map["value"] else {
                report(value, "output '\(name)' needs 'value:', e.g. ${{ jobs.build.outputs.\(name) }}")
                continue
            }
            if let template = templateString(valueNode, scope: .workflowOutputs) {
                result.append(WorkflowOutput(name: name, description: map["description"].flatMap { $0.scalar }, value: template))
            }
        }
        return result
    }

    private mutating func workflowInputs(_ node: YAMLNode, event: String) -> [WorkflowInput] {
        guard case .mapping(let pairs) = node.content else {
            if !node.isNull { report(node, "'inputs' must be a mapping of input names") }
            return []
        }
        var result: [WorkflowInput] = []
        for (keyNode, value) in pairs {
            guard let name = string(keyNode, "an input name") else { continue }
            let map = value.isNull ? MappingView(pairs: []) : mapping(value, "input '\(name)'", keys: ["description", "required", "default", "type", "options", "deprecationMessage"])
            guard let map else { continue }
            var kind = WorkflowInput.Kind.string
            if let typeNode = map["type"], let text = string(typeNode, "type") {
                if let k = WorkflowInput.Kind(rawValue: text), event == "workflow_dispatch" || k != .choice && k != .environment {
                    kind = k
                } else {
                    report(typeNode, "input '\(name)' has unknown type '\(text)'; use string, boolean, number\(event == "workflow_dispatch" ? ", choice or environment" : "")")
                }
            }
            let options = map["options"].map { stringList($0, "options") } ?? []
            if kind == .choice, options.isEmpty { report(keyNode, "choice input '\(name)' needs 'options:'", rule: "events") }
            let defaultValue = map["default"].flatMap { $0.scalar }
            if event == "workflow_call", let node = map["default"], let text = defaultValue, text.has("${{") {
                _ = parseTemplate(text, node, scope: .runName)
            }
            if kind == .choice, let d = defaultValue, !options.contains(d) {
                report(map["default"]!, "default '\(d)' of input '\(name)' is not one of its options", rule: "events")
            }
            if kind == .boolean, let d = defaultValue, d != "true", d != "false", !d.has("${{") {
                report(map["default"]!, "default of boolean input '\(name)' must be true or false", rule: "events")
            }
            result.append(WorkflowInput(
                name: name, description: map["description"].flatMap { $0.scalar },
                required: map["required"].map { boolean($0, "required") } ?? false,
                defaultValue: defaultValue, kind: kind, options: options, location: keyNode.location))
        }
        return result
    }

    // MARK: Jobs

    private mutating func jobs(_ node: YAMLNode) -> [Job] {
        guard case .mapping(let pairs) = node.content else {
            report(node, "'jobs' must be a mapping of job ids to jobs")
            return []
        }
        if pairs.isEmpty { report(node, "'jobs' is empty; add at least one job") }
        var result: [Job] = []
        for (keyNode, value) in pairs {
            guard let id = string(keyNode, "a job id") else { continue }
            if !Self.isValidId(id) {
                report(keyNode, "job id '\(id)' is invalid; ids start with a letter or '_' and contain only letters, digits, '-' and '_'", rule: "id")
            }
            if let job = job(id, keyNode, value) { result.append(job) }
        }
        return result
    }

    static func isValidId(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return id.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
    }

    private mutating func job(_ id: String, _ keyNode: YAMLNode, _ node: YAMLNode) -> Job? {
        guard let map = mapping(node, "job '\(id)'", keys: Self.jobKeys) else { return nil }
        let uses = map["uses"].flatMap { string($0, "uses") }
        if uses == nil, map["runs-on"] == nil {
            report(keyNode, "job '\(id)' has no 'runs-on:'; add 'runs-on: ubuntu-latest' (mlgate runs it on this host)")
        }
        if uses == nil, map["steps"] == nil {
            report(keyNode, "job '\(id)' has no 'steps:'; add the steps it runs, or 'uses:' to call a reusable workflow")
        }
        if uses != nil, let steps = map["steps"] {
            report(steps, "job '\(id)' calls a reusable workflow with 'uses:', so it cannot have 'steps:'")
        }

        var needs: [String] = []
        var needsLocations: [SourceLocation] = []
        if let n = map["needs"] {
            switch n.content {
            case .scalar(let s, _): needs = [s]; needsLocations = [n.location]
            case .sequence(let items):
                for item in items {
                    if let s = string(item, "a job id") { needs.append(s); needsLocations.append(item.location) }
                }
            case .mapping: report(n, "'needs' must be a job id or a list of job ids")
            }
        }
        var steps: [Step] = []
        if let stepsNode = map["steps"] {
            if case .sequence(let items) = stepsNode.content {
                if items.isEmpty { report(stepsNode, "job '\(id)' has an empty 'steps:' list") }
                for (index, item) in items.enumerated() {
                    if let step = step(item, index: index, jobId: id) { steps.append(step) }
                }
            } else {
                report(stepsNode, "'steps' must be a sequence of steps")
            }
        }
        checkRuntimeOnlyKeys(map)
        var job = Job(
            id: id,
            name: map["name"].flatMap { templateString($0, scope: .jobStrategyContext) },
            needs: needs,
            condition: map["if"].flatMap { condition($0, scope: .jobIf) },
            runsOn: map["runs-on"].map { dynamic($0, scope: .jobStrategyContext) },
            env: map["env"].map { envMap($0, scope: .jobEnv, wholeExpression: true) } ?? [],
            outputs: map["outputs"].map { envMap($0, scope: .jobOutputs, what: "outputs") } ?? [],
            strategy: map["strategy"].flatMap { strategy($0) },
            timeoutMinutes: map["timeout-minutes"].map { number($0, scope: .jobStrategyContext, "timeout-minutes", maximum: WorkflowLimits.maxTimeoutMinutes) },
            continueOnError: map["continue-on-error"].map { booleanValue($0, scope: .jobStrategyContext) },
            defaults: map["defaults"].map { runDefaults($0, scope: .jobDefaults) } ?? .none,
            steps: steps,
            uses: uses,
            environment: map["environment"].map { jobEnvironment($0) },
            location: keyNode.location,
            needsLocations: needsLocations,
            containerKeys: ["container", "services"].compactMap { key in map[key].map { (key, $0.location) } },
            callInputs: map["with"].map { callInputs($0) } ?? [],
            callSecrets: map["secrets"].flatMap { callSecrets($0) })
        job.permissions = map["permissions"].flatMap { permissions($0) }
        job.permissionsLocation = map["permissions"]?.location
        return job
    }

    /// `jobs.<id>.with`: inputs for the called workflow, typed as YAML writes them.
    private mutating func callInputs(_ node: YAMLNode) -> [(String, DynamicValue)] {
        guard case .mapping(let pairs) = node.content else {
            report(node, "'with' must be a mapping of input names to values")
            return []
        }
        return pairs.compactMap { pair in
            guard let name = string(pair.key, "an input name") else { return nil }
            return (name, dynamic(pair.value, scope: .jobStrategyContext))
        }
    }

    /// `jobs.<id>.secrets`: `inherit`, or a mapping of names to expressions.
    private mutating func callSecrets(_ node: YAMLNode) -> CallSecrets? {
        if node.scalar == "inherit" { return .inherit }
        guard case .mapping = node.content else {
            report(node, "'secrets' must be 'inherit' or a mapping of secret names to values")
            return nil
        }
        return .named(envMap(node, scope: .jobEnv, what: "secrets"))
    }

    private mutating func strategy(_ node: YAMLNode) -> Strategy? {
        guard let map = mapping(node, "strategy", keys: ["matrix", "fail-fast", "max-parallel"]) else { return nil }
        var matrix: DynamicValue?
        if let m = map["matrix"] {
            switch m.content {
            case .mapping(let pairs):
                for (k, v) in pairs {
                    guard let key = k.scalar, !TemplateKey.isInsertDirective(key) else { continue }
                    if key == "include" || key == "exclude" {
                        if case .mapping = v.content { report(v, "matrix '\(key)' must be a list of combinations") }
                    } else if case .mapping = v.content {
                        report(v, "matrix variable '\(key)' must be a list of values (or an expression)")
                    }
                }
                matrix = dynamic(m, scope: .strategy)
            case .scalar:
                matrix = dynamic(m, scope: .strategy)
                if case .literal? = matrix { report(m, "'matrix' must be a mapping of variables, or an expression such as ${{ fromJSON(needs.setup.outputs.matrix) }}") }
            case .sequence:
                report(m, "'matrix' must be a mapping of variables to lists of values")
            }
        }
        return Strategy(
            matrix: matrix,
            failFast: map["fail-fast"].map { booleanValue($0, scope: .strategy) },
            maxParallel: map["max-parallel"].map { number($0, scope: .strategy, "max-parallel", minimum: 1, whole: true) },
            location: node.location)
    }

    // MARK: Steps

    mutating func step(_ node: YAMLNode, index: Int, jobId: String, scope: ContextScope = .step,
                       ifScope: ContextScope = .stepIf) -> Step? {
        guard let map = mapping(node, "step \(index + 1) of job '\(jobId)'", keys: Self.stepKeys) else { return nil }
        let run = map["run"].flatMap { templateString($0, scope: scope) }
        let uses = map["uses"].flatMap { string($0, "uses") }
        if map["run"] != nil, map["uses"] != nil {
            report(node, "step \(index + 1) of job '\(jobId)' has both 'run' and 'uses'; a step does one or the other")
        } else if map["run"] == nil, map["uses"] == nil {
            report(node, "step \(index + 1) of job '\(jobId)' has neither 'run' nor 'uses'; add the command to run or the action to use")
        }
        if uses != nil {
            for key in ["shell", "working-directory"] where map[key] != nil {
                report(map[key]!, "'\(key)' applies only to 'run' steps")
            }
        }
        if map["with"] != nil, uses == nil, map["run"] != nil {
            report(map["with"]!, "'with' applies only to 'uses' steps")
        }
        let id = map["id"].flatMap { string($0, "id") }
        if let id, let idNode = map["id"], !Self.isValidId(id) {
            report(idNode, "step id '\(id)' is invalid; ids start with a letter or '_' and contain only letters, digits, '-' and '_'", rule: "id")
        }
        let shell = map["shell"].flatMap { string($0, "shell") }
        if let shell, let shellNode = map["shell"] { checkShell(shell, shellNode) }
        return Step(
            id: id,
            name: map["name"].flatMap { templateString($0, scope: scope) },
            condition: map["if"].flatMap { condition($0, scope: ifScope) },
            run: run,
            uses: uses,
            shell: shell,
            workingDirectory: map["working-directory"].flatMap { templateString($0, scope: scope) },
            env: map["env"].map { envMap($0, scope: scope, wholeExpression: true) } ?? [],
            with: map["with"].map { envMap($0, scope: scope, what: "with") } ?? [],
            continueOnError: map["continue-on-error"].map { booleanValue($0, scope: scope) },
            timeoutMinutes: map["timeout-minutes"].map { number($0, scope: scope, "timeout-minutes", maximum: WorkflowLimits.maxTimeoutMinutes) },
            location: node.location,
            index: index)
    }

    static let builtinShells: Set<String> = ["bash", "sh", "pwsh", "powershell", "python", "cmd"]


    private mutating func checkShell(_ shell: String, _ node: YAMLNode) {
        // GitHub accepts the names in any case (`PowerShell`); its runner then looks the
        // name up on PATH as written (see `Shell.resolve`).
        if Self.builtinShells.contains(shell.lowercased()) { return }
        if !shell.has("{0}") {
            report(node, "unknown shell '\(shell)'; use bash, sh, python, pwsh, or a command with '{0}' for the script path", rule: "shell-name")
        }
    }

    private mutating func runDefaults(_ node: YAMLNode, scope: ContextScope) -> RunDefaults {
        guard let map = mapping(node, "defaults", keys: ["run"]), let runNode = map["run"],
              let run = mapping(runNode, "defaults.run", keys: ["shell", "working-directory"]) else { return .none }
        var shell = run["shell"].flatMap { string($0, "shell") }
        // A job's shell may be an expression, as its working-directory may (GitHub's schema);
        // a workflow's may not, and its expression is reported by the scope's contexts.
        var shellTemplate: TemplateString?
        if let text = shell, text.has("${{"), let node = run["shell"] {
            shellTemplate = templateString(node, scope: scope)
            shell = nil
        }
        if let shell, let n = run["shell"] { checkShell(shell, n) }
        return RunDefaults(shell: shell, shellTemplate: shellTemplate,
                           workingDirectory: run["working-directory"].flatMap { templateString($0, scope: scope) })
    }

    private mutating func permissions(_ node: YAMLNode) -> Permissions? {
        switch node.content {
        case .scalar(let s, _):
            guard ["read-all", "write-all"].contains(s) else {
                report(node, "permissions must be 'read-all', 'write-all' or a mapping of scopes")
                return nil
            }
            return .all(s)
        case .mapping(let pairs):
            var scopes: [String: String] = [:]
            for (k, v) in pairs {
                guard let key = k.scalar, let level = v.scalar else { continue }
                if !["read", "write", "none"].contains(level) { report(v, "permission level '\(level)' must be read, write or none") }
                scopes[key] = level
            }
            return .scopes(scopes)
        case .sequence:
            report(node, "permissions must be 'read-all', 'write-all' or a mapping of scopes")
            return nil
        }
    }

    mutating func concurrency(_ node: YAMLNode, scope: ContextScope) -> Concurrency? {
        if node.scalar != nil {
            return templateString(node, scope: scope).map { Concurrency(group: $0, cancelInProgress: nil) }
        }
        guard let map = mapping(node, "concurrency", keys: ["group", "cancel-in-progress"]) else { return nil }
        guard let groupNode = map["group"], let group = templateString(groupNode, scope: scope) else {
            report(node, "concurrency needs 'group:'")
            return nil
        }
        return Concurrency(group: group, cancelInProgress: map["cancel-in-progress"].map { booleanValue($0, scope: scope) })
    }
}

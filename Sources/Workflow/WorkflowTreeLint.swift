import Expressions
import Foundation
import YAMLSource

/// Lint rules read off the workflow's YAML tree, where every value keeps its position:
/// actionlint's `deprecated-commands`, `if-cond`, `runner-label`, `permissions`, `events`,
/// `matrix`, and the case-insensitive duplicate keys of `syntax-check`.
public enum WorkflowTreeLint {
    /// What a repository tells the linter about itself.
    public struct Configuration: Sendable {
        /// Labels of the repository's self-hosted runners (globs allowed), as actionlint's
        /// `.github/actionlint.yaml` lists them under `self-hosted-runner: labels:`.
        public var selfHostedLabels: [String] = []
        public init(selfHostedLabels: [String] = []) { self.selfHostedLabels = selfHostedLabels }

        /// Reads `.github/actionlint.yaml` (or `.yml`) text; nil when it has no labels.
        public static func actionlint(_ text: String, file: String) -> Configuration? {
            guard let root = try? YAMLNode.parse(text, file: file), let runner = root["self-hosted-runner"],
                  let labels = runner["labels"], case .sequence(let items) = labels.content else { return nil }
            return Configuration(selfHostedLabels: items.compactMap(\.scalar))
        }
    }

    /// The findings for a workflow's tree; with its `source` text, the expression property
    /// checks too (`WorkflowDefinitions`), which need it for columns.
    /// `read` gives a repository file's text (a local action's action.yml) by its path from
    /// the repository's root; without it, local actions are not checked.
    public static func check(_ document: YAMLDocument, source: String? = nil, configuration: Configuration = .init(),
                             read: ((String) -> String?)? = nil) -> [Diagnostic] {
        check(document.root, source: source, configuration: configuration, read: read) + document.unusedAnchors.map {
            Diagnostic($0.location, "anchor \"\($0.name)\" is defined but not used; use it with *\($0.name) or remove &\($0.name)", rule: "syntax-check")
        }
    }

    /// `check` of a document's tree alone.
    public static func check(_ root: YAMLNode, source: String? = nil, configuration: Configuration = .init(),
                             read: ((String) -> String?)? = nil) -> [Diagnostic] {
        var out: [Diagnostic] = []
        if let source { WorkflowDefinitions.check(root, source: source, read: read, into: &out) }
        caseInsensitiveDuplicates(root, path: [], into: &out)
        if let permissions = root["permissions"] { checkPermissions(permissions, into: &out) }
        if let on = root["on"] { checkEvents(on, into: &out) }
        if let schedule = root["on"]?["schedule"], schedule.isNull {
            out.append(Diagnostic(schedule.location, "'schedule' is empty: the workflow is never scheduled; add '- cron: ...' entries or remove it",
                                  rule: "syntax-check"))
        }
        checkEnvNames(root["env"], into: &out)
        checkEmptySections(root, into: &out)
        for (_, job) in root["jobs"]?.entries ?? [] {
            checkImages(job, into: &out)
            checkCredentials(job, into: &out)
            checkEnvNames(job["env"], into: &out)
            checkEnvNames(job["container"]?["env"], into: &out)
            for (_, service) in job["services"]?.entries ?? [] { checkEnvNames(service["env"], into: &out) }
            if let condition = job["if"] { checkCondition(condition, into: &out) }
            if let read { WorkflowCallUse.check(job: job, read: read, into: &out) }
            if let runsOn = job["runs-on"] { checkRunnerLabels(runsOn, matrix: job["strategy"]?["matrix"], configuration: configuration, into: &out) }
            if let permissions = job["permissions"] { checkPermissions(permissions, into: &out) }
            if let matrix = job["strategy"]?["matrix"] { checkMatrix(matrix, into: &out) }
            if case .sequence(let steps) = job["steps"]?.content {
                for step in steps {
                    if let condition = step["if"] { checkCondition(condition, into: &out) }
                    if let run = step["run"] { checkDeprecatedCommands(run, into: &out) }
                    checkEnvNames(step["env"], into: &out)
                    if let uses = step["uses"] { checkActionFormat(uses, into: &out) }
                    WorkflowActionUse.check(step: step, read: read, into: &out)
                }
            }
        }
        return out
    }

    // MARK: syntax-check: empty sections

    /// Sections GitHub reads as a list or a mapping, written empty: a leftover that does
    /// nothing (actionlint's list).
    static func checkEmptySections(_ root: YAMLNode, into out: inout [Diagnostic]) {
        func check(_ node: YAMLNode?, _ name: String) {
            guard let node else { return }
            switch node.content {
            case .mapping(let entries) where entries.isEmpty: break
            case .sequence(let items) where items.isEmpty: break
            default: return
            }
            out.append(Diagnostic(node.location, "'\(name)' is empty; remove it if it is not needed", rule: "syntax-check"))
        }
        for key in ["on", "env", "defaults", "concurrency", "jobs"] { check(root[key], key) }
        check(root["defaults"]?["run"], "run")
        for (event, spec) in root["on"]?.entries ?? [] {
            for filter in ["branches", "branches-ignore", "tags", "tags-ignore", "paths", "paths-ignore"] { check(spec[filter], filter) }
            for (_, input) in spec["inputs"]?.entries ?? [] where event == "workflow_dispatch" { check(input["options"], "options") }
        }
        for (_, job) in root["jobs"]?.entries ?? [] {
            for key in ["env", "defaults", "concurrency", "environment", "outputs", "strategy", "services", "with", "needs", "runs-on"] { check(job[key], key) }
            check(job["defaults"]?["run"], "run")
            check(job["strategy"]?["matrix"], "matrix")
            if case .mapping = job["secrets"]?.content { check(job["secrets"], "secrets") }
            if case .mapping = job["container"]?.content { check(job["container"]?["credentials"], "credentials") }
            for (name, service) in job["services"]?.entries ?? [] {
                check(service, name)
                check(service["credentials"], "credentials")
            }
            for step in job["steps"]?.items ?? [] {
                check(step["env"], "env")
                check(step["with"], "with")
            }
        }
    }

    // MARK: credentials, env-var, action format

    /// A container's or service's registry password written into the workflow.
    static func checkCredentials(_ job: YAMLNode, into out: inout [Diagnostic]) {
        var places: [(YAMLNode, String)] = []
        if let container = job["container"] { places.append((container, "the container")) }
        for (name, service) in job["services"]?.entries ?? [] { places.append((service, "service '\(name)'")) }
        for (node, what) in places {
            guard let password = node["credentials"]?["password"], let text = password.scalar, !text.isEmpty, !text.has("${{") else { continue }
            out.append(Diagnostic(password.location, "the registry password of \(what) is written into the workflow, for everyone who reads it; use ${{ secrets.NAME }}",
                                  rule: "credentials"))
        }
    }

    /// Environment variable names GitHub cannot set: with '&', '=' or spaces.
    static func checkEnvNames(_ env: YAMLNode?, into out: inout [Diagnostic]) {
        guard let env, case .mapping(let entries) = env.content else { return }
        for (key, _) in entries {
            guard let name = key.scalar, !name.has("${{"), name.contains(where: { $0 == "&" || $0 == "=" || $0.isWhitespace }) else { continue }
            out.append(Diagnostic(key.location, "environment variable name \"\(name)\" is invalid: it may not contain '&', '=' or spaces", rule: "env-var"))
        }
    }

    /// A step's `uses:` in none of the forms GitHub takes: `./path`, `docker://image`,
    /// `owner/repo[/path]@ref`.
    static func checkActionFormat(_ node: YAMLNode, into out: inout [Diagnostic]) {
        guard let uses = node.scalar, !uses.has("${{"), !uses.hasPrefix("./"), !uses.hasPrefix("docker://") else { return }
        let forms = "use owner/repo@ref, owner/repo/path@ref, ./path for a local action or docker://image"
        guard let at = uses.lastIndex(of: "@") else {
            out.append(Diagnostic(node.location, "action \"\(uses)\" has no ref after '@'; \(forms)", rule: "action"))
            return
        }
        let parts = uses[..<at].split(separator: "/", omittingEmptySubsequences: false)
        if parts.count < 2 || parts[0].isEmpty || parts[1].isEmpty || uses[uses.index(after: at)...].isEmpty {
            out.append(Diagnostic(node.location, "action \"\(uses)\" needs an owner, a repository and a ref; \(forms)", rule: "action"))
        }
    }

    // MARK: syntax-check: containers

    /// A `container:` or service written as a mapping needs its `image:`.
    static func checkImages(_ job: YAMLNode, into out: inout [Diagnostic]) {
        guard case .mapping(let entries) = job.content else { return }
        for (key, value) in entries {
            if key.scalar == "container", case .mapping = value.content, value["image"] == nil {
                out.append(Diagnostic(key.location, "'image' is missing in 'container'; name the image the job runs in", rule: "syntax-check"))
            }
            if key.scalar == "services", case .mapping(let services) = value.content {
                for (name, service) in services {
                    guard case .mapping = service.content, service["image"] == nil else { continue }
                    out.append(Diagnostic(name.location, "'image' is missing in service '\(name.scalar ?? "")'; name the image it runs", rule: "syntax-check"))
                }
            }
        }
    }

    // MARK: deprecated-commands

    static let deprecatedCommands: [(String, String)] = [
        ("set-output", "write to the file $GITHUB_OUTPUT: echo \"name=value\" >> \"$GITHUB_OUTPUT\""),
        ("save-state", "write to the file $GITHUB_STATE: echo \"name=value\" >> \"$GITHUB_STATE\""),
        ("set-env", "write to the file $GITHUB_ENV: echo \"NAME=value\" >> \"$GITHUB_ENV\""),
        ("add-path", "write to the file $GITHUB_PATH: echo \"/some/dir\" >> \"$GITHUB_PATH\""),
    ]

    static func checkDeprecatedCommands(_ run: YAMLNode, into out: inout [Diagnostic]) {
        guard let script = run.scalar, script.has("::") else { return }
        for (command, instead) in deprecatedCommands where script.has("::\(command) ") || script.has("::\(command)::") {
            out.append(Diagnostic(run.location, "workflow command \"\(command)\" was deprecated and is disabled on GitHub; \(instead)",
                                  rule: "deprecated-commands"))
        }
    }

    // MARK: if-cond

    static func checkCondition(_ node: YAMLNode, into out: inout [Diagnostic]) {
        // Spaces count: "${{ success() }} " is the string "true ", always true.
        guard let text = node.scalar else { return }
        let trimmed = text.hasSuffix("\n") && !text.dropLast().has("\n") ? String(text.dropLast()) : text
        var condition = trimmed
        if trimmed.has("${{") {
            let opens = trimmed.components(separatedBy: "${{").count - 1
            if opens != 1 || !trimmed.hasPrefix("${{") || !trimmed.hasSuffix("}}") {
                out.append(Diagnostic(node.location, "if: condition \"\(trimmed)\" is always true: the text around ${{ }} makes it a non-empty string; "
                                      + "write the whole condition inside one ${{ }}, or without ${{ }}", rule: "if-cond"))
                return
            }
            condition = String(trimmed.dropFirst(3).dropLast(2))
        }
        // An expression of literals alone (and functions of them) has the same value on
        // every run.
        let expression = condition.trimmedSpaces(newlines: true)
        guard !expression.isEmpty, let typing = Expression.typeCheck(expression, contexts: [:]), typing.isConstant else { return }
        out.append(Diagnostic(node.location, "constant expression \"\(expression)\" in condition: it has the same value on every run; remove the if: section",
                              rule: "if-cond"))
    }

    // MARK: runner-label

    /// GitHub-hosted runner labels in service (actionlint 1.14's list).
    static let hostedLabels: Set<String> = [
        "windows-latest", "windows-latest-8-cores", "windows-2025", "windows-2025-vs2026", "windows-2022", "windows-11-arm",
        "windows-11-vs2026-arm", "ubuntu-slim", "ubuntu-latest", "ubuntu-latest-4-cores", "ubuntu-latest-8-cores",
        "ubuntu-latest-16-cores", "ubuntu-26.04", "ubuntu-26.04-arm", "ubuntu-24.04", "ubuntu-24.04-arm", "ubuntu-22.04",
        "ubuntu-22.04-arm", "xcode-27", "xcode-27-xlarge", "macos-latest", "macos-latest-xlarge", "macos-latest-large",
        "macos-26-intel", "macos-26-xlarge", "macos-26-large", "macos-26", "macos-15-intel", "macos-15-xlarge", "macos-15-large",
        "macos-15", "macos-14-xlarge", "macos-14-large", "macos-14",
    ]
    /// Labels GitHub retired: jobs asking for them never start.
    static let retiredLabels: Set<String> = [
        "ubuntu-16.04", "ubuntu-18.04", "ubuntu-20.04", "windows-2016", "windows-2019",
        "macos-10.13", "macos-10.14", "macos-10.15", "macos-11", "macos-11.0", "macos-12", "macos-12-xl", "macos-12-xlarge", "macos-12-large",
        "macos-13", "macos-13-large", "macos-13-xlarge",
    ]
    /// Labels every self-hosted runner has.
    static let selfHostedDefaults: Set<String> = ["self-hosted", "linux", "windows", "macos", "x64", "x86", "arm", "arm64"]

    static func checkRunnerLabels(_ node: YAMLNode, matrix: YAMLNode? = nil, configuration: Configuration, into out: inout [Diagnostic]) {
        var labels: [YAMLNode] = []
        switch node.content {
        case .scalar: labels = [node]
        case .sequence(let items): labels = items
        case .mapping: if let given = node["labels"] { labels = given.scalar != nil ? [given] : (given.items ?? []) } else { return }
        }
        // `${{ matrix.X }}`: each value the matrix gives X is a label, checked where it is
        // written (as actionlint does); they are alternatives, so not checked for conflicts.
        for labelNode in labels {
            guard let text = labelNode.scalar, let axis = matrixAxis(text), let matrix else { continue }
            var values: [YAMLNode] = matrix.entries.first { $0.0.lowercased() == axis }?.1.items ?? []
            for entry in matrix["include"]?.items ?? [] { values += entry.entries.filter { $0.0.lowercased() == axis }.map(\.1) }
            for value in values where value.scalar != nil {
                checkRunnerLabels(value, configuration: configuration, into: &out)
            }
        }
        var hosted: [(String, YAMLNode)] = []
        for labelNode in labels {
            guard let label = labelNode.scalar, !label.has("${{") else { continue }
            let lower = label.lowercased()
            if retiredLabels.contains(lower) {
                out.append(Diagnostic(labelNode.location, "runner label \"\(label)\" was retired by GitHub: a job asking for it never starts; use \(replacement(lower))",
                                      rule: "runner-label"))
            } else if hostedLabels.contains(lower) {
                hosted.append((label, labelNode))
            } else if !selfHostedDefaults.contains(lower),
                      !configuration.selfHostedLabels.contains(where: { fnmatch($0.lowercased(), lower, 0) == 0 }) {
                out.append(Diagnostic(labelNode.location, "runner label \"\(label)\" is unknown: it is no GitHub-hosted runner's (e.g. ubuntu-latest, windows-latest, macos-latest); "
                                      + "for a self-hosted runner's label, list it under self-hosted-runner: labels: in .github/actionlint.yaml", rule: "runner-label"))
            }
        }
        if hosted.count > 1 {
            let first = hosted[0].0
            for (label, labelNode) in hosted.dropFirst() where label.lowercased() != first.lowercased() {
                out.append(Diagnostic(labelNode.location, "runner label \"\(label)\" conflicts with \"\(first)\": a job runs on one GitHub-hosted runner, which has only one of them",
                                      rule: "runner-label"))
            }
        }
    }

    static func replacement(_ retired: String) -> String {
        if retired.hasPrefix("ubuntu") { return "ubuntu-latest or ubuntu-24.04" }
        if retired.hasPrefix("windows") { return "windows-latest or windows-2025" }
        return "macos-latest or macos-15"
    }

    // MARK: permissions

    static let permissionScopes: [String: Set<String>] = [
        "actions": ["read", "write", "none"], "attestations": ["read", "write", "none"], "checks": ["read", "write", "none"],
        "contents": ["read", "write", "none"], "deployments": ["read", "write", "none"], "discussions": ["read", "write", "none"],
        "id-token": ["write", "none"], "issues": ["read", "write", "none"], "models": ["read", "none"],
        "packages": ["read", "write", "none"], "pages": ["read", "write", "none"], "pull-requests": ["read", "write", "none"],
        "repository-projects": ["read", "write", "none"], "security-events": ["read", "write", "none"], "statuses": ["read", "write", "none"],
        "artifact-metadata": ["read", "write", "none"], "code-quality": ["read", "write", "none"], "copilot-requests": ["read", "write", "none"],
        "drives": ["read", "write", "none"], "vulnerability-alerts": ["read", "write", "none"],
    ]

    static func checkPermissions(_ node: YAMLNode, into out: inout [Diagnostic]) {
        guard case .mapping(let entries) = node.content else { return }
        for (key, value) in entries {
            guard let scope = key.scalar else { continue }
            guard let levels = permissionScopes[scope] else {
                out.append(Diagnostic(key.location, "unknown permission scope \"\(scope)\"; the scopes are \(permissionScopes.keys.sorted().joined(separator: ", "))",
                                      rule: "permissions"))
                continue
            }
            if let level = value.scalar, ["read", "write", "none"].contains(level), !levels.contains(level) {
                out.append(Diagnostic(value.location, "\"\(level)\" is not a level of \(scope); it takes \(levels.sorted().joined(separator: " or "))",
                                      rule: "permissions"))
            }
        }
    }

    // MARK: events

    /// Each event's activity types, as GitHub's "events that trigger workflows" lists them
    /// (events not listed take any, or none).
    static let activityTypes: [String: Set<String>] = [
        "branch_protection_rule": ["created", "edited", "deleted"],
        "check_run": ["created", "rerequested", "completed", "requested_action"],
        "check_suite": ["completed"],
        "discussion": ["created", "edited", "deleted", "transferred", "pinned", "unpinned", "labeled", "unlabeled", "locked", "unlocked",
                       "category_changed", "answered", "unanswered"],
        "discussion_comment": ["created", "edited", "deleted"],
        "issue_comment": ["created", "edited", "deleted"],
        "issues": ["opened", "edited", "deleted", "transferred", "pinned", "unpinned", "closed", "reopened", "assigned", "unassigned",
                   "labeled", "unlabeled", "locked", "unlocked", "milestoned", "demilestoned", "typed", "untyped"],
        "label": ["created", "edited", "deleted"],
        "merge_group": ["checks_requested"],
        "milestone": ["created", "closed", "opened", "edited", "deleted"],
        "pull_request": pullRequestTypes,
        "pull_request_target": pullRequestTypes,
        "pull_request_review": ["submitted", "edited", "dismissed"],
        "pull_request_review_comment": ["created", "edited", "deleted"],
        "registry_package": ["published", "updated"],
        "release": ["published", "unpublished", "created", "edited", "deleted", "prereleased", "released"],
        "watch": ["started"],
        "workflow_run": ["completed", "requested", "in_progress"],
    ]
    static let pullRequestTypes: Set<String> = [
        "assigned", "unassigned", "labeled", "unlabeled", "opened", "edited", "closed", "reopened", "synchronize", "converted_to_draft",
        "locked", "unlocked", "enqueued", "dequeued", "milestoned", "demilestoned", "ready_for_review", "review_requested",
        "review_request_removed", "auto_merge_enabled", "auto_merge_disabled",
    ]

    static func checkEvents(_ on: YAMLNode, into out: inout [Diagnostic]) {
        for (event, spec) in on.entries {
            guard let known = activityTypes[event], let types = spec["types"] else { continue }
            for type in types.scalar != nil ? [types] : types.items ?? [] {
                guard let name = type.scalar, !name.has("${{"), !known.contains(name) else { continue }
                out.append(Diagnostic(type.location, "invalid activity type \"\(name)\" for \"\(event)\"; it takes \(known.sorted().map { "\"\($0)\"" }.joined(separator: ", "))",
                                      rule: "events"))
            }
        }
        if case .sequence(let crons) = on["schedule"]?.content {
            for entry in crons {
                guard let cron = entry["cron"], let text = cron.scalar, let gap = Self.shortestGap(text), gap < 5 else { continue }
                out.append(Diagnostic(cron.location, "scheduled job runs too often: every \(gap) minute\(gap == 1 ? "" : "s") at the shortest; GitHub runs schedules at most every 5 minutes",
                                      rule: "events"))
            }
        }
        if let inputs = on["workflow_dispatch"]?["inputs"], case .mapping(let entries) = inputs.content, entries.count > 25 {
            out.append(Diagnostic(inputs.location, "workflow_dispatch has \(entries.count) inputs; GitHub allows at most 25", rule: "events"))
        }
        // A number input's default must be a number (types and booleans: the decoder says).
        if case .mapping(let entries) = on["workflow_call"]?["inputs"]?.content {
            for (name, input) in entries where input["type"]?.scalar == "number" {
                guard let defaultNode = input["default"], let value = defaultNode.scalar, !value.has("${{"), Double(value) == nil else { continue }
                out.append(Diagnostic(defaultNode.location, "the default \"\(value)\" of input \"\(name.scalar ?? "")\" is not a number", rule: "events"))
            }
        }
    }

    /// The shortest time between two runs of a cron schedule, in minutes (nil: not read).
    static func shortestGap(_ cron: String) -> Int? {
        let fields = cron.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count == 5, let minutes = expand(String(fields[0]), 0...59), !minutes.isEmpty else { return nil }
        let sorted = minutes.sorted()
        var gap = 60 - sorted.last! + sorted.first!  // into the next hour (when it runs every hour)
        if let hours = expand(String(fields[1]), 0...23), hours.count < 24 { gap = Int.max }
        for (a, b) in zip(sorted, sorted.dropFirst()) { gap = min(gap, b - a) }
        return gap == Int.max ? 60 : gap
    }

    /// The values a cron field names in `range` (nil when it cannot be read).
    static func expand(_ field: String, _ range: ClosedRange<Int>) -> Set<Int>? {
        var out = Set<Int>()
        for part in field.split(separator: ",") {
            let pieces = part.split(separator: "/", maxSplits: 1)
            let step = pieces.count == 2 ? Int(pieces[1]) : 1
            guard let step, step > 0, step <= 100 else { return nil }
            var low = range.lowerBound, high = range.upperBound
            if pieces[0] != "*" {
                let bounds = pieces[0].split(separator: "-", maxSplits: 1)
                guard let a = Int(bounds[0]), range.contains(a) else { return nil }
                low = a
                high = pieces.count == 2 && bounds.count == 1 ? range.upperBound : a
                if bounds.count == 2 { guard let b = Int(bounds[1]), range.contains(b), b >= a else { return nil }; high = b }
            }
            for v in stride(from: low, through: high, by: step) { out.insert(v) }
        }
        return out
    }

    // MARK: matrix

    static func checkMatrix(_ matrix: YAMLNode, into out: inout [Diagnostic]) {
        guard case .mapping(let entries) = matrix.content else { return }
        var axes: [String: [String]] = [:]
        for (key, value) in entries {
            guard let name = key.scalar, name != "include", name != "exclude", case .sequence(let items) = value.content else { continue }
            var seen: [String: YAMLNode] = [:]
            for item in items {
                let text = canonical(item)
                if let first = seen[text] {
                    out.append(Diagnostic(item.location, "duplicate value \(text) in matrix \"\(name)\" (first at line \(first.location.line)): the row runs twice",
                                          rule: "matrix"))
                } else {
                    seen[text] = item
                }
            }
            axes[name] = items.map(canonical)
        }
        // An exclude entry must match some row of the axes (when they are all literal).
        guard !entries.contains(where: { $0.value.scalar?.has("${{") == true || ($0.key.scalar != "include" && $0.key.scalar != "exclude" && $0.value.items == nil) }),
              case .sequence(let excludes) = matrix["exclude"]?.content else { return }
        for exclude in excludes {
            guard case .mapping(let pairs) = exclude.content else { continue }
            for (key, value) in pairs {
                guard let name = key.scalar else { continue }
                guard let values = axes[name] else {
                    out.append(Diagnostic(key.location, "exclude names \"\(name)\", which is not an axis of the matrix (\(axes.keys.sorted().joined(separator: ", "))): it excludes nothing",
                                          rule: "matrix"))
                    continue
                }
                let text = canonical(value)
                // An axis with a computed value may hold anything.
                if !text.has("${{"), !values.contains(where: { $0.has("${{") }), !values.contains(text), value.items == nil, !isObject(value) {
                    out.append(Diagnostic(value.location, "exclude's \(name): \(text) matches no value of the axis (\(values.joined(separator: ", "))): it excludes nothing",
                                          rule: "matrix"))
                }
            }
        }
    }

    /// X, when `text` is exactly `${{ matrix.X }}`.
    static func matrixAxis(_ text: String) -> String? {
        let inner = text.trimmedSpaces()
        guard inner.hasPrefix("${{"), inner.hasSuffix("}}") else { return nil }
        let expression = inner.dropFirst(3).dropLast(2).trimmedSpaces().lowercased()
        guard expression.hasPrefix("matrix.") else { return nil }
        let axis = expression.dropFirst("matrix.".count)
        return !axis.isEmpty && axis.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) ? String(axis) : nil
    }

    static func isObject(_ node: YAMLNode) -> Bool {
        if case .mapping = node.content { return true }
        return false
    }

    /// A value as text to compare matrix values by.
    static func canonical(_ node: YAMLNode) -> String {
        switch node.content {
        case .scalar(let s, _): s
        case .sequence(let items): "[" + items.map(canonical).joined(separator: ", ") + "]"
        case .mapping(let entries): "{" + entries.map { "\($0.key.scalar ?? ""): \(canonical($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    // MARK: syntax-check (case-insensitive duplicates)

    /// Mappings whose keys GitHub reads without regard to case: env, with, jobs, inputs,
    /// outputs and secrets.
    static let caseInsensitiveMappings: Set<String> = ["env", "with", "jobs", "inputs", "outputs", "secrets"]

    static func caseInsensitiveDuplicates(_ node: YAMLNode, path: [String], into out: inout [Diagnostic]) {
        switch node.content {
        case .mapping(let entries):
            if let last = path.last, caseInsensitiveMappings.contains(last), path.count < 2 || path[path.count - 2] != "matrix" {
                var seen: [String: YAMLNode] = [:]
                for (key, _) in entries {
                    guard let name = key.scalar else { continue }
                    if let first = seen[name.lowercased()], first.scalar != name {
                        out.append(Diagnostic(key.location, "key \"\(name)\" is a duplicate of \"\(first.scalar ?? "")\" at line \(first.location.line): GitHub reads \(last) keys without regard to case",
                                              rule: "syntax-check"))
                    } else if seen[name.lowercased()] == nil {
                        seen[name.lowercased()] = key
                    }
                }
            }
            for (key, value) in entries { caseInsensitiveDuplicates(value, path: path + [key.scalar ?? ""], into: &out) }
        case .sequence(let items):
            for item in items { caseInsensitiveDuplicates(item, path: path + ["[]"], into: &out) }
        case .scalar:
            break
        }
    }
}

extension YAMLNode {
    /// The value of `key` in a mapping (nil for other nodes).
    subscript(key: String) -> YAMLNode? {
        guard case .mapping(let entries) = content else { return nil }
        return entries.first { $0.key.scalar == key }?.value
    }

    /// A mapping's entries by their scalar keys (empty for other nodes).
    var entries: [(String, YAMLNode)] {
        guard case .mapping(let entries) = content else { return [] }
        return entries.compactMap { entry in entry.key.scalar.map { ($0, entry.value) } }
    }

    /// A mapping's scalar keys with their nodes, for findings at a key (empty for other nodes).
    var keyNodes: [(YAMLNode, String)] {
        guard case .mapping(let entries) = content else { return [] }
        return entries.compactMap { entry in entry.key.scalar.map { (entry.key, $0) } }
    }

    /// A sequence's items (nil for other nodes).
    var items: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (and line ends with
    /// `newlines`), read on its bytes; Foundation's trimming, which costs far more, only when
    /// an end is not ASCII.
    func trimmedSpaces(newlines: Bool = false) -> String {
        let text = String(self)
        let bytes = text.utf8
        guard let first = bytes.first, let last = bytes.last else { return "" }
        if first >= 0x80 || last >= 0x80 {
            return text.trimmingCharacters(in: newlines ? .whitespacesAndNewlines : .whitespaces)
        }
        func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || (newlines && (b == 0x0A || b == 0x0D)) }
        guard blank(first) || blank(last) else { return text }
        guard let start = bytes.firstIndex(where: { !blank($0) }) else { return "" }
        let end = bytes.lastIndex(where: { !blank($0) })!
        return String(text[start...end])
    }

    /// Whether the text contains `needle`, compared byte for byte (Foundation's `contains`
    /// compares with locale rules, and costs far more on every scalar of a workflow).
    func has(_ needle: String) -> Bool {
        let hay = Array(utf8), pin = Array(needle.utf8)
        guard !pin.isEmpty else { return true }
        guard pin.count <= hay.count else { return false }
        let first = pin[0], last = hay.count - pin.count
        var i = 0
        while i <= last {
            if hay[i] == first {
                var k = 1
                while k < pin.count, hay[i + k] == pin[k] { k += 1 }
                if k == pin.count { return true }
            }
            i += 1
        }
        return false
    }
}

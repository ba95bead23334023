import SecurityScan
import Checks
import Expressions
import Foundation
import YAMLSource

/// Reads `mlgate.yml`, reporting every problem as `file:line:col: message`.
///
/// ```yaml
/// models:
///   churn: { path: models/churn, artifact: models/churn/model.pkl }
/// stages:
///   dev: {}
///   staging:
///     checks: [unit-tests, { name: data-validation, allow_warn: true }]
///     branches: [main]
///   production:
///     from: staging
///     wait: 1h
///     checks: [unit-tests, performance]
///     approvals: { required: 1, signers: .mlgate/allowed_signers, prevent_self_review: true }
///     analysis:
///       metrics:
///         - name: error-rate
///           provider: { prometheus: { address: "http://127.0.0.1:9090", query: "sum(rate(errors[5m]))" } }
///           interval: 30s
///           count: 5
///           successCondition: result < 0.05
///           failureLimit: 1
/// ```
public struct PolicyDecoder: YAMLReader {
    public var diagnostics: [Diagnostic] = []
    let file: String

    /// The policy file's usual name, at the repository root.
    public static let fileName = "mlgate.yml"

    /// Parses and validates `text`. `fileExists` answers for paths the policy names (the
    /// signers file), relative to the repository root.
    public static func decode(_ text: String, file: String, fileExists: (String) -> Bool = { _ in true }) throws(SourceError) -> Policy {
        var decoder = PolicyDecoder(file: file)
        guard let root = try YAMLNode.parse(text, file: file) else {
            throw SourceError([Diagnostic(SourceLocation(file: file, line: 1, column: 1), "the policy is empty; it needs 'stages:' (and usually 'models:')")])
        }
        let policy = decoder.policy(root, fileExists: fileExists)
        guard decoder.diagnostics.isEmpty, let policy else { throw SourceError(decoder.diagnostics) }
        return policy
    }

    private init(file: String) { self.file = file }

    /// Reads `mlgate.yml` at `root` (a repository's working tree).
    public static func load(repositoryRoot root: String, file name: String = fileName) throws(SourceError) -> Policy {
        let path = name.hasPrefix("/") ? name : root + "/" + name
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SourceError([Diagnostic(SourceLocation(file: name, line: 1, column: 1),
                                          "there is no policy file \(name); write one (see the README's 'Policy' section) or pass --policy FILE")])
        }
        return try decode(String(decoding: data, as: UTF8.self), file: name) { relative in
            FileManager.default.fileExists(atPath: relative.hasPrefix("/") ? relative : root + "/" + relative)
        }
    }

    private mutating func policy(_ root: YAMLNode, fileExists: (String) -> Bool) -> Policy? {
        guard let map = mapping(root, "the policy", keys: ["models", "stages", "checks", "security"]) else { return nil }
        var models: [Policy.Model] = []
        if let node = map["models"] {
            for (name, value) in namedEntries(node, "models") {
                if !RegistryTag.isValidModelName(name.text) {
                    report(name.node, "'\(name.text)' is not a valid model name: letters, digits, '-', '_', '/', starting and ending with a letter or digit")
                }
                let spec = value.isNull ? MappingView(pairs: []) : mapping(value, "model '\(name.text)'", keys: ["path", "artifact", "description"])
                models.append(Policy.Model(name: name.text, path: spec?["path"].flatMap { string($0, "path") },
                                           artifact: spec?["artifact"].flatMap { string($0, "artifact") }))
            }
        }
        var stages: [Policy.Stage] = []
        if let node = map["stages"] {
            if case .sequence(let items) = node.content {
                for item in items {
                    guard let name = string(item, "a stage") else { continue }
                    checkStageName(name, item)
                    stages.append(Policy.Stage(name: name, from: nil, checks: [], wait: nil, branches: [], approvals: nil, analysis: nil))
                }
            } else {
                let entries = namedEntries(node, "stages")
                let names = entries.map(\.0.text)
                for (index, (name, value)) in entries.enumerated() {
                    checkStageName(name.text, name.node)
                    stages.append(stage(name.text, value, earlier: Array(names[..<index]), fileExists: fileExists))
                }
            }
        } else {
            stages = Policy.defaultStageNames.map { Policy.Stage(name: $0, from: nil, checks: [], wait: nil, branches: [], approvals: nil, analysis: nil) }
        }
        var policy = Policy(models: models, stages: stages, file: file)
        if let node = map["checks"] { policy.checks = declaredChecks(node) }
        if let node = map["security"] {
            do { policy.security = try SecurityConfig.decode(node) } catch { diagnostics += error.diagnostics }
        }
        return policy
    }

    /// `checks:`: NAME: { kind: tests|metrics|data|drift|security|command, …the kind's flags… }.
    private mutating func declaredChecks(_ node: YAMLNode) -> [DeclaredCheck] {
        var checks: [DeclaredCheck] = []
        for (name, value) in namedEntries(node, "checks") {
            if name.text.isEmpty || name.text.contains(where: \.isWhitespace) {
                report(name.node, "check name '\(name.text)' must be one word")
            }
            guard case .mapping(let pairs) = value.content else {
                report(value, "check '\(name.text)' must be a mapping with 'kind:' and its options")
                continue
            }
            guard let kindNode = pairs.first(where: { $0.0.scalar == "kind" })?.1 else {
                report(name.node, "check '\(name.text)' needs 'kind:' (tests, metrics, data, drift or command)")
                continue
            }
            guard let kindText = string(kindNode, "kind"), let kind = DeclaredCheck.Kind(rawValue: kindText),
                  let allowed = DeclaredCheck.optionsByKind[kind] else {
                report(kindNode, "unknown check kind '\(kindNode.scalar ?? "")'; use tests, metrics, data, drift or command")
                continue
            }
            var options: [(key: String, value: DeclaredCheck.Value)] = []
            var inlineContract: DataContract?
            var writtenInline = false
            for (keyNode, valueNode) in pairs {
                guard let written = keyNode.scalar, written != "kind" else { continue }
                let key = DeclaredCheck.aliases[written] ?? written
                guard allowed.contains(key) else {
                    report(keyNode, "unknown option '\(written)' for a \(kind.rawValue) check; it takes \(allowed.sorted().joined(separator: ", "))")
                    continue
                }
                let value: DeclaredCheck.Value
                switch valueNode.content {
                case .sequence(let items):
                    let texts = items.compactMap { string($0, "'\(written)'") }
                    value = .list(texts)
                case .scalar(let text, let quoted):
                    if !quoted, text == "true" || text == "false" { value = .flag(text == "true") } else { value = .scalar(text) }
                case .mapping where key == "contract" && kind == .data:
                    // A data contract written inline, checked here at its positions.
                    writtenInline = true
                    do { inlineContract = try DataContract.decode(valueNode) } catch {
                        diagnostics += error.diagnostics
                    }
                    continue
                case .mapping:
                    report(valueNode, "'\(written)' must be a value or a list, not a mapping")
                    continue
                }
                // What the flags would refuse, refused here with the position.
                switch key {
                case "rule":
                    let rules: [String]
                    switch value { case .scalar(let t): rules = [t]; case .list(let l): rules = l; case .flag: rules = [] }
                    for (index, rule) in rules.enumerated() {
                        do { _ = try MetricRule(rule) } catch {
                            let at: YAMLNode
                            if case .sequence(let items) = valueNode.content, index < items.count { at = items[index] } else { at = valueNode }
                            report(at, error.description)
                        }
                    }
                case "max-failures", "max-skipped", "min-tests", "resamples", "seed":
                    if case .scalar(let t) = value, Int(t).map({ $0 >= 0 }) != true { report(valueNode, "'\(written)' must be a whole number, 0 or more") }
                case "min-pass-rate", "threshold", "confidence":
                    if case .scalar(let t) = value, Double(t).map({ (0...1).contains($0) }) != true { report(valueNode, "'\(written)' must be a number from 0 to 1") }
                case "task":
                    if case .scalar(let t) = value, !["binary", "multiclass", "regression"].contains(t) {
                        report(valueNode, "'task' is binary, multiclass or regression, not '\(t)'")
                    }
                case "allow-no-baseline", "worktree", "history", "strict", "require-hashes":
                    if case .flag = value {} else { report(valueNode, "'\(written)' is true or false") }
                case "fail-on":
                    if case .scalar(let t) = value, Severity(rawValue: t) == nil { report(valueNode, "'fail-on' is low, medium, high or critical, not '\(t)'") }
                default:
                    if case .flag = value, !["allow-no-baseline", "worktree", "history", "strict", "require-hashes"].contains(key) {
                        report(valueNode, "'\(written)' needs a value, not \(valueNode.scalar ?? "a boolean")")
                    }
                }
                options.append((key, value))
            }
            var keys = Set(options.map(\.key))
            if writtenInline { keys.insert("contract") }
            switch kind {
            case .tests where !keys.contains("report"):
                report(name.node, "tests check '\(name.text)' needs 'report:' (the JUnit files it reads)")
            case .metrics where !keys.contains("metrics") && !keys.contains("predictions"):
                report(name.node, "metrics check '\(name.text)' needs 'metrics:' (a file) or 'predictions:' (with 'label:')")
            case .metrics where keys.contains("predictions") && !keys.contains("label"):
                report(name.node, "metrics check '\(name.text)' reads predictions and needs 'label:' (the column of true labels)")
            case .command where !keys.contains("run"):
                report(name.node, "command check '\(name.text)' needs 'run:' (the command)")
            case .drift where !keys.contains("reference") || !keys.contains("current"):
                report(name.node, "drift check '\(name.text)' needs 'reference:' and 'current:' (the data to compare)")
            case .data where !keys.contains("contract") || !keys.contains("data"):
                report(name.node, "data check '\(name.text)' needs 'contract:' (the contract file) and 'data:' (the files)")
            default: break
            }
            checks.append(DeclaredCheck(name: name.text, kind: kind, options: options, location: name.node.location, contract: inlineContract))
        }
        return checks
    }

    private mutating func checkStageName(_ name: String, _ node: YAMLNode) {
        if !RegistryTag.isValidName(name) {
            report(node, "'\(name)' is not a valid stage name: letters, digits, '-', '_', '/', starting and ending with a letter or digit")
        }
    }

    /// A mapping's entries by name, in order.
    private mutating func namedEntries(_ node: YAMLNode, _ what: String) -> [((text: String, node: YAMLNode), YAMLNode)] {
        guard case .mapping(let pairs) = node.content else {
            report(node, "'\(what)' must be a mapping of names, not \(node.kindName)")
            return []
        }
        return pairs.compactMap { key, value in
            guard let name = key.scalar else {
                report(key, "names in '\(what)' must be strings")
                return nil
            }
            return ((name, key), value)
        }
    }

    private mutating func stage(_ name: String, _ node: YAMLNode, earlier: [String], fileExists: (String) -> Bool) -> Policy.Stage {
        let map = node.isNull ? MappingView(pairs: []) : mapping(node, "stage '\(name)'", keys: ["from", "checks", "wait", "branches", "approvals", "analysis", "description"])
        var from: String?
        if let node = map?["from"], let value = string(node, "from") {
            if earlier.contains(value) { from = value }
            else { report(node, "stage '\(name)' comes from '\(value)', which is not a stage before it; stages before it: \(earlier.isEmpty ? "none" : earlier.joined(separator: ", "))") }
        }
        var checks: [Policy.CheckRequirement] = []
        if let node = map?["checks"] {
            let items: [YAMLNode]
            if case .sequence(let list) = node.content { items = list } else { items = [node] }
            for item in items {
                if let text = item.scalar, !item.isNull {
                    checks.append(.init(name: text, allowWarn: false))
                } else if let spec = mapping(item, "a check of stage '\(name)'", keys: ["name", "allow_warn"]) {
                    guard let nameNode = spec["name"], let checkName = string(nameNode, "name") else {
                        report(item, "a check needs a 'name'")
                        continue
                    }
                    checks.append(.init(name: checkName, allowWarn: spec["allow_warn"].map { boolean($0, "allow_warn") } ?? false))
                }
            }
        }
        let wait = map?["wait"].flatMap { duration($0, "wait", atMost: Self.maxWait) }
        let branches = map?["branches"].map { stringList($0, "branches") } ?? []
        var approvals: Policy.Approvals?
        if let node = map?["approvals"], let spec = mapping(node, "approvals", keys: ["required", "signers", "prevent_self_review"]) {
            let required = spec["required"].flatMap { integer($0, "required", in: 0...100) } ?? 1
            var signers = ".mlgate/allowed_signers"
            if let node = spec["signers"], let path = string(node, "signers") {
                signers = path
                if !fileExists(path) { report(node, "the allowed-signers file '\(path)' does not exist; create it (mlgate keys prints a line for it)") }
            } else if required > 0, !fileExists(signers) {
                report(node, "approvals need an allowed-signers file: '\(signers)' does not exist; create it or set 'signers:'")
            }
            approvals = Policy.Approvals(required: required, signers: signers,
                                         preventSelfReview: spec["prevent_self_review"].map { boolean($0, "prevent_self_review") } ?? true)
        }
        let analysis = map?["analysis"].flatMap { self.analysis($0, stage: name) }
        return Policy.Stage(name: name, from: from, checks: checks, wait: wait, branches: branches, approvals: approvals, analysis: analysis)
    }

    private mutating func analysis(_ node: YAMLNode, stage: String) -> Analysis? {
        guard let map = mapping(node, "the analysis of stage '\(stage)'", keys: ["metrics"]) else { return nil }
        guard let list = map["metrics"], case .sequence(let items) = list.content, !items.isEmpty else {
            report(map["metrics"] ?? node, "an analysis needs 'metrics:', a list of metrics")
            return nil
        }
        let metrics = items.compactMap { metric($0) }
        return metrics.count == items.count ? Analysis(metrics: metrics) : nil
    }

    private mutating func metric(_ node: YAMLNode) -> Metric? {
        let keys = ["name", "provider", "interval", "count", "initialDelay", "successCondition", "failureCondition",
                    "failureLimit", "inconclusiveLimit", "consecutiveErrorLimit"]
        guard let map = mapping(node, "a metric", keys: keys) else { return nil }
        guard let nameNode = map["name"], let name = string(nameNode, "name") else {
            report(node, "a metric needs a 'name'")
            return nil
        }
        guard let providerNode = map["provider"] else {
            report(node, "metric '\(name)' needs a 'provider' (prometheus, command or file)")
            return nil
        }
        let provider = self.provider(providerNode, metric: name)
        var conditions: [String: String] = [:]
        for key in ["successCondition", "failureCondition"] {
            guard let conditionNode = map[key], let text = string(conditionNode, key) else { continue }
            var source = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if source.hasPrefix("${{"), source.hasSuffix("}}") { source = String(source.dropFirst(3).dropLast(2)) }
            do {
                _ = try Expression(source, allowedContexts: ["result"])
                conditions[key] = source
            } catch {
                report(conditionNode, "invalid \(key) of metric '\(name)': \(error.message)", rule: "expression")
            }
        }
        if map["successCondition"] == nil, map["failureCondition"] == nil {
            report(node, "metric '\(name)' needs a successCondition or a failureCondition (an expression over 'result')")
        }
        let interval = map["interval"].flatMap { duration($0, "interval") } ?? 0
        let count = map["count"].flatMap { integer($0, "count", in: 1...10_000) } ?? 1
        if count > 1, interval <= 0 { report(map["count"]!, "metric '\(name)' takes \(count) measurements and needs an 'interval' between them") }
        guard let provider else { return nil }
        return Metric(name: name, provider: provider, interval: interval, count: count,
                      initialDelay: map["initialDelay"].flatMap { duration($0, "initialDelay") } ?? 0,
                      successCondition: conditions["successCondition"], failureCondition: conditions["failureCondition"],
                      failureLimit: map["failureLimit"].flatMap { integer($0, "failureLimit", in: 0...10_000) } ?? 0,
                      inconclusiveLimit: map["inconclusiveLimit"].flatMap { integer($0, "inconclusiveLimit", in: 0...10_000) } ?? 0,
                      consecutiveErrorLimit: map["consecutiveErrorLimit"].flatMap { integer($0, "consecutiveErrorLimit", in: 0...10_000) } ?? 4)
    }

    private mutating func provider(_ node: YAMLNode, metric: String) -> Metric.Provider? {
        guard let map = mapping(node, "the provider of metric '\(metric)'", keys: ["prometheus", "command", "file"]) else { return nil }
        guard map.pairs.count == 1, let (kind, value) = map.pairs.first else {
            report(node, "metric '\(metric)' needs exactly one provider: prometheus, command or file")
            return nil
        }
        switch kind {
        case "prometheus":
            guard let spec = mapping(value, "prometheus", keys: ["address", "query"]) else { return nil }
            guard let address = spec["address"].flatMap({ string($0, "address") }), let query = spec["query"].flatMap({ string($0, "query") }) else {
                report(value, "prometheus needs 'address' (http://host:9090) and 'query'")
                return nil
            }
            guard let url = URL(string: address), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                report(spec["address"]!, "'\(address)' is not an http(s) address")
                return nil
            }
            return .prometheus(address: address, query: query)
        case "command":
            let words: [String]
            if let text = value.scalar { words = ["sh", "-c", text] } else { words = stringList(value, "command") }
            guard !words.isEmpty else {
                report(value, "the command of metric '\(metric)' is empty")
                return nil
            }
            return .command(words)
        default:
            guard let spec = mapping(value, "file", keys: ["path", "key"]),
                  let path = spec["path"].flatMap({ string($0, "path") }), let key = spec["key"].flatMap({ string($0, "key") }) else {
                report(value, "file needs 'path' (a JSON file) and 'key' (a dotted path in it)")
                return nil
            }
            return .file(path: path, key: key)
        }
    }

    /// The longest wait timer: GitHub's environments allow 43,200 minutes (30 days).
    static let maxWait: TimeInterval = 30 * 86400
    /// The longest other duration (intervals, delays): a workflow run's limit, 35 days.
    static let maxDuration: TimeInterval = 35 * 86400

    /// `30s`, `5m`, `1h30m`, `2d`, `500ms`, at most `atMost` seconds.
    private mutating func duration(_ node: YAMLNode, _ what: String, atMost limit: TimeInterval = maxDuration) -> TimeInterval? {
        guard let text = node.scalar, let seconds = Self.parseDuration(text) else {
            report(node, "'\(what)' must be a duration such as 30s, 5m, 1h or 2d")
            return nil
        }
        guard seconds <= limit else {
            report(node, "'\(what)' of \(text) is longer than mlgate (and GitHub) can wait: at most \(Int(limit / 86400)) days")
            return nil
        }
        return seconds
    }

    /// Seconds in a duration such as `1h30m`; nil when it is not one.
    public static func parseDuration(_ text: String) -> TimeInterval? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        guard !rest.isEmpty else { return nil }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number), value.isFinite else { return nil }
            rest = rest.dropFirst(number.count)
            guard let (unit, factor) = units.first(where: { rest.hasPrefix($0.0) && !(($0.0 == "m") && rest.hasPrefix("ms")) }) else { return nil }
            rest = rest.dropFirst(unit.count)
            total += value * factor
        }
        return total.isFinite ? total : nil
    }
}

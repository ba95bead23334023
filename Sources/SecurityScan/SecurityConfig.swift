import YAMLSource

/// `security:` in mlgate.yml: the security check's own rules, allowlists, baseline and
/// thresholds (overall and per stage). Every mistake is reported at file:line:col.
///
/// ```yaml
/// security:
///   fail_on: high
///   stages: { production: medium }
///   baseline: .mlgate/security-baseline.json
///   secrets:
///     rules:
///       - { id: internal-token, regex: 'itk_[a-z0-9]{32}', keywords: [itk_], entropy: 3, severity: high }
///     allow:
///       paths: ['^tests/fixtures/']
///       regexes: ['^AKIAIOSFODNN7EXAMPLE$']
///       fingerprints: ['0123abc:config/dev.env:secret/generic-secret:4']
/// ```
public struct SecurityConfig: Sendable {
    public var failOn: Severity?
    /// Thresholds per stage (`mlgate check run --stage S` uses the stage's).
    public var stageFailOn: [String: Severity] = [:]
    public var baseline: String?
    public var rules: [SecretRule] = []
    public var allowlist = SecretAllowlist()

    public init() {}

    /// The threshold for a stage: its own, else the overall one, else high.
    public func failOn(stage: String?) -> Severity {
        stage.flatMap { stageFailOn[$0] } ?? failOn ?? .high
    }

    public static func decode(_ node: YAMLNode) throws(SourceError) -> SecurityConfig {
        var reader = Reader()
        let config = reader.config(node)
        guard reader.diagnostics.isEmpty else { throw SourceError(reader.diagnostics) }
        return config
    }

    private struct Reader: YAMLReader {
        var diagnostics: [Diagnostic] = []

        mutating func severity(_ node: YAMLNode, _ what: String) -> Severity? {
            guard let text = string(node, what), let value = Severity(rawValue: text) else {
                report(node, "\(what) is one of \(Severity.allCases.map(\.rawValue).joined(separator: ", "))")
                return nil
            }
            return value
        }

        mutating func config(_ node: YAMLNode) -> SecurityConfig {
            var config = SecurityConfig()
            guard let map = mapping(node, "security", keys: ["fail_on", "stages", "baseline", "secrets"]) else { return config }
            if let n = map["fail_on"] { config.failOn = severity(n, "fail_on") }
            if let n = map["stages"] {
                if case .mapping(let pairs) = n.content {
                    for (key, value) in pairs {
                        guard let stage = key.scalar else { report(key, "stage names are strings"); continue }
                        if let s = severity(value, "the threshold of stage '\(stage)'") { config.stageFailOn[stage] = s }
                    }
                } else {
                    report(n, "'stages' maps stage names to thresholds: { production: medium }")
                }
            }
            if let n = map["baseline"] { config.baseline = string(n, "baseline") }
            if let n = map["secrets"], let secrets = mapping(n, "secrets", keys: ["rules", "allow"]) {
                if let rulesNode = secrets["rules"] {
                    if case .sequence(let items) = rulesNode.content {
                        for item in items { if let rule = rule(item) { config.rules.append(rule) } }
                    } else {
                        report(rulesNode, "'rules' is a list of rules, each with 'id' and 'regex'")
                    }
                }
                if let allowNode = secrets["allow"], let allow = mapping(allowNode, "allow", keys: ["paths", "regexes", "fingerprints"]) {
                    if let n = allow["paths"] { config.allowlist.paths = patterns(n, "paths") }
                    if let n = allow["regexes"] { config.allowlist.regexes = patterns(n, "regexes") }
                    if let n = allow["fingerprints"] { config.allowlist.fingerprints = Set(stringList(n, "fingerprints")) }
                }
            }
            return config
        }

        /// A list of regular expressions, each checked.
        mutating func patterns(_ node: YAMLNode, _ what: String) -> [String] {
            let list = stringList(node, what)
            for pattern in list where (try? Regex(pattern)) == nil { report(node, "'\(pattern)' in \(what) is not a valid regular expression") }
            return list
        }

        mutating func rule(_ node: YAMLNode) -> SecretRule? {
            guard let map = mapping(node, "a secret rule", keys: ["id", "description", "regex", "secret_group", "keywords", "entropy", "severity", "paths"]) else { return nil }
            guard let idNode = map["id"], let id = string(idNode, "id"), !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                report(node, "a secret rule needs an 'id' (letters, digits, - and _)")
                return nil
            }
            guard let regexNode = map["regex"], let pattern = string(regexNode, "regex") else {
                report(node, "secret rule '\(id)' needs a 'regex'")
                return nil
            }
            guard (try? Regex(pattern)) != nil else {
                report(regexNode, "secret rule '\(id)': '\(pattern)' is not a valid regular expression")
                return nil
            }
            let groups = captureGroups(in: pattern)
            var group = groups > 0 ? 1 : 0
            if let n = map["secret_group"], let g = integer(n, "secret_group", in: 0...99) {
                if g > groups { report(n, "secret rule '\(id)': the regex has \(groups) groups, not \(g)") } else { group = g }
            }
            var entropy: Double?
            if let n = map["entropy"] {
                if let text = n.scalar, let value = Double(text), (0...8).contains(value) { entropy = value } else { report(n, "entropy is bits per character, from 0 to 8") }
            }
            let keywords = map["keywords"].map { stringList($0, "keywords") } ?? []
            let paths = map["paths"].map { patterns($0, "paths") } ?? []
            let severity = map["severity"].flatMap { self.severity($0, "severity") } ?? .high
            let description = map["description"].flatMap { string($0, "description") } ?? "Secret (\(id))"
            return SecretRule(id: id, description: description, pattern: pattern, secretGroup: group, keywords: keywords, entropy: entropy,
                              severity: severity, paths: paths, showsPrefix: false)
        }
    }
}

/// How many capture groups a regular expression has: `(` not escaped, not in a bracket
/// expression, and not a `(?…)` group other than a named one.
func captureGroups(in pattern: String) -> Int {
    var count = 0, inClass = false, escaped = false
    let chars = Array(pattern)
    for (k, c) in chars.enumerated() {
        if escaped { escaped = false; continue }
        switch c {
        case "\\": escaped = true
        case "[": inClass = true
        case "]": inClass = false
        case "(" where !inClass:
            if k + 1 < chars.count, chars[k + 1] == "?" {
                let rest = String(chars[(k + 2)...].prefix(2))
                if rest.hasPrefix("<"), !rest.hasPrefix("<=") && !rest.hasPrefix("<!") { count += 1 } else if rest.hasPrefix("P<") { count += 1 }
            } else {
                count += 1
            }
        default: break
        }
    }
    return count
}

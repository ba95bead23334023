import Foundation

/// A secret-detection rule: a regular expression (RE2/PCRE syntax, as gitleaks writes them)
/// tried only on lines holding one of its keywords, the group that is the secret, and the
/// Shannon entropy that secret must reach.
public struct SecretRule: @unchecked Sendable {
    public let id: String
    public let description: String
    public let pattern: String
    /// The capture group holding the secret (0: the whole match).
    public let secretGroup: Int
    /// Lowercase words one of which a line must hold for the regex to be tried (none: every line).
    public let keywords: [String]
    /// Bits per character the secret must reach (nil: no minimum).
    public let entropy: Double?
    public let severity: Severity
    /// Regular expressions on the path: the rule applies only to matching files (none: all).
    public let paths: [String]
    /// Whether a finding may show the secret's first characters (a provider's fixed prefix).
    public let showsPrefix: Bool
    /// A catch-all rule: its match is dropped where a provider's rule matched the same value.
    public let generic: Bool
    let regex: Regex<AnyRegexOutput>
    let pathRegexes: [Regex<AnyRegexOutput>]

    /// nil when the pattern or a path pattern is not a valid regular expression.
    public init?(id: String, description: String, pattern: String, secretGroup: Int = 1, keywords: [String], entropy: Double? = nil,
                 severity: Severity = .high, paths: [String] = [], showsPrefix: Bool = true, generic: Bool = false) {
        guard let regex = try? Regex(pattern) else { return nil }
        let pathRegexes = paths.compactMap { try? Regex($0) }
        guard pathRegexes.count == paths.count else { return nil }
        (self.id, self.description, self.pattern, self.secretGroup) = (id, description, pattern, secretGroup)
        (self.keywords, self.entropy, self.severity, self.paths, self.showsPrefix) = (keywords.map { $0.lowercased() }, entropy, severity, paths, showsPrefix)
        self.generic = generic
        (self.regex, self.pathRegexes) = (regex, pathRegexes)
    }

    /// The same rule with regexes of its own (for a scanner on another thread).
    func compiledAgain() -> SecretRule? {
        SecretRule(id: id, description: description, pattern: pattern, secretGroup: secretGroup, keywords: keywords, entropy: entropy,
                   severity: severity, paths: paths, showsPrefix: showsPrefix, generic: generic)
    }

    /// Whether the rule looks at `path`.
    func applies(to path: String) -> Bool {
        pathRegexes.isEmpty || pathRegexes.contains { (try? $0.firstMatch(in: path)) != nil }
    }

    public var info: SecurityRuleInfo {
        SecurityRuleInfo(id: "secret/" + id, category: .secrets, severity: severity, summary: description,
                         help: "\(description). Revoke or rotate it at its provider first — it is in the history — then remove it and load it from the environment or a secret store. If it is not a secret, allow it: an inline `mlgate:allow` comment, or `security.secrets.allow` in mlgate.yml.")
    }
}

extension SecretRule {
    /// The built-in rules: the providers an ML repository most often leaks, and generic
    /// `key = "…"` assignments.
    public static let builtIn: [SecretRule] = [
        SecretRule(id: "aws-access-key-id", description: "AWS access key ID",
                   pattern: #"\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b"#,
                   keywords: ["akia", "asia", "abia", "acca", "a3t"], entropy: 3.0, severity: .critical),
        SecretRule(id: "aws-secret-access-key", description: "AWS secret access key",
                   pattern: #"(?i)aws_?(?:secret)?_?(?:access)?_?key(?:_id)?['"]?\s*(?::|=>|=)\s*['"]?([A-Za-z0-9/+=]{40})(?:['"\s;,]|$)"#,
                   keywords: ["aws"], entropy: 4.0, severity: .critical, showsPrefix: false),
        SecretRule(id: "gcp-service-account-key", description: "Google Cloud service-account key",
                   pattern: #""private_key"\s*:\s*"(-----BEGIN PRIVATE KEY-----[^"]{40,})""#, keywords: ["-----begin private key-----"],
                   severity: .critical, showsPrefix: false),
        SecretRule(id: "gcp-api-key", description: "Google API key", pattern: #"\b(AIza[0-9A-Za-z_\-]{35})\b"#,
                   keywords: ["aiza"], entropy: 3.5, severity: .high),
        SecretRule(id: "azure-storage-key", description: "Azure storage account key",
                   pattern: #"(?i)AccountKey=([A-Za-z0-9+/]{86}==)"#, keywords: ["accountkey="], entropy: 4.0, severity: .critical, showsPrefix: false),
        SecretRule(id: "azure-ad-client-secret", description: "Azure AD client secret",
                   pattern: #"(?:^|[\\'"\x60\s>=:(,)])([A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.\-]{31,34})(?:$|[\\'"\x60\s<),])"#,
                   keywords: ["q~"], entropy: 3.0, severity: .high),
        SecretRule(id: "github-token", description: "GitHub token",
                   pattern: #"\b((?:ghp|gho|ghu|ghs|ghr)_[0-9A-Za-z]{36})\b"#, keywords: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
                   entropy: 3.0, severity: .critical),
        SecretRule(id: "github-fine-grained-token", description: "GitHub fine-grained personal access token",
                   pattern: #"\b(github_pat_[0-9A-Za-z_]{82})\b"#, keywords: ["github_pat_"], entropy: 3.0, severity: .critical),
        SecretRule(id: "gitlab-token", description: "GitLab personal, project or deploy token",
                   pattern: #"\b((?:glpat|glptt|gldt)-[0-9A-Za-z_\-]{20,})\b"#, keywords: ["glpat-", "glptt-", "gldt-"], entropy: 3.0, severity: .critical),
        SecretRule(id: "slack-token", description: "Slack token",
                   pattern: #"\b(xox[baprse]-(?:[0-9]{10,13}-){1,3}[A-Za-z0-9-]{10,48})\b"#, keywords: ["xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-", "xoxe-"],
                   entropy: 3.0, severity: .high),
        SecretRule(id: "slack-webhook", description: "Slack incoming webhook URL",
                   pattern: #"(https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{20,}(?:/[A-Za-z0-9+/]+)*)"#,
                   keywords: ["hooks.slack.com"], severity: .medium, showsPrefix: false),
        SecretRule(id: "stripe-key", description: "Stripe secret or restricted key",
                   pattern: #"\b((?:sk|rk)_(?:live|test|prod)_[0-9A-Za-z]{10,99})\b"#, keywords: ["sk_live_", "sk_test_", "sk_prod_", "rk_live_", "rk_test_", "rk_prod_"],
                   entropy: 3.0, severity: .high),
        SecretRule(id: "openai-api-key", description: "OpenAI API key",
                   pattern: #"\b(sk-(?:proj-|svcacct-|admin-)?(?:[A-Za-z0-9_\-]{20,74}T3BlbkFJ[A-Za-z0-9_\-]{20,74}|[A-Za-z0-9_\-]{80,200}))(?:[^A-Za-z0-9_\-]|$)"#,
                   keywords: ["t3blbkfj", "sk-proj-", "sk-svcacct-", "sk-admin-"], entropy: 3.5, severity: .critical),
        SecretRule(id: "anthropic-api-key", description: "Anthropic API key",
                   pattern: #"\b(sk-ant-(?:api03|admin01)-[A-Za-z0-9_\-]{80,100})(?:[^A-Za-z0-9_\-]|$)"#, keywords: ["sk-ant-"], entropy: 3.5, severity: .critical),
        SecretRule(id: "huggingface-token", description: "Hugging Face access token",
                   pattern: #"\b((?:hf_|api_org_)[A-Za-z]{34})\b"#, keywords: ["hf_", "api_org_"], entropy: 3.0, severity: .high),
        SecretRule(id: "databricks-token", description: "Databricks personal access token",
                   pattern: #"\b(dapi[a-f0-9]{32}(?:-\d)?)\b"#, keywords: ["dapi"], entropy: 3.0, severity: .high),
        SecretRule(id: "wandb-api-key", description: "Weights & Biases API key",
                   pattern: #"(?i)wandb[\w.\-]{0,20}['"]?\s*(?::|=|,)\s*['"]?([a-f0-9]{40})\b"#, keywords: ["wandb"], entropy: 3.0, severity: .high, showsPrefix: false),
        SecretRule(id: "pypi-token", description: "PyPI upload token",
                   pattern: #"\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,})"#, keywords: ["pypi-ageichlwas5vcmc"], severity: .high),
        SecretRule(id: "npm-token", description: "npm access token", pattern: #"\b(npm_[A-Za-z0-9]{36})\b"#, keywords: ["npm_"], entropy: 3.0, severity: .high),
        SecretRule(id: "sendgrid-api-key", description: "SendGrid API key",
                   pattern: #"\b(SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})\b"#, keywords: ["sg."], entropy: 3.0, severity: .high),
        SecretRule(id: "jwt", description: "JSON Web Token",
                   pattern: #"\b(ey[A-Za-z0-9]{17,}\.ey[A-Za-z0-9/_\-]{17,}\.[A-Za-z0-9/_\-]{10,}={0,2})"#, keywords: ["eyj"], entropy: 3.0, severity: .medium),
        SecretRule(id: "database-url-password", description: "Database URL with a password",
                   pattern: #"\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql|sqlserver|clickhouse)://[^:\s/@'"]+:([^@\s/'"]{3,})@[^\s'"/]+"#,
                   keywords: ["postgres", "mysql", "mariadb", "mongodb", "redis", "amqp", "mssql", "sqlserver", "clickhouse"],
                   entropy: 2.5, severity: .high, showsPrefix: false),
        SecretRule(id: "generic-secret", description: "Secret assigned to a key, token, password or API key",
                   pattern: #"(?i)(?:api[_\-.]?key|apikey|secret|token|passwd|password|pwd|auth[_\-.]?key|access[_\-.]?key|private[_\-.]?key|client[_\-.]?secret|credentials?)[\w.\-]{0,20}['"]?\s*(?:=|:|:=|=>|\?=)\s*[fbr]?['"\x60]([0-9A-Za-z\-_.=+/@!$%^&*~]{12,150})['"\x60]"#,
                   keywords: ["key", "secret", "token", "passwd", "password", "pwd", "credential"], entropy: 3.5, severity: .medium, showsPrefix: false,
                   generic: true),
    ].compactMap { $0 }

    /// Ids of rules that are checked by code, not a regex (PEM private keys).
    public static let privateKeyRule = SecurityRuleInfo(
        id: "secret/private-key", category: .secrets, severity: .critical, summary: "Private key (PEM or OpenSSH)",
        help: "A private key is committed. Treat it as compromised: revoke it and issue a new one, then keep it out of the repository (a secret store, or the CI's secrets).")
}

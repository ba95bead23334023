import Foundation

/// How bad a finding is, in the order SARIF consumers and `--fail-on` use.
public enum Severity: String, Codable, Sendable, CaseIterable, Comparable {
    case low, medium, high, critical

    private var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }

    /// SARIF's level for it.
    public var sarifLevel: String {
        switch self {
        case .critical, .high: "error"
        case .medium: "warning"
        case .low: "note"
        }
    }

    /// GitHub code scanning's `security-severity` (CVSS-like, 0–10).
    public var securitySeverity: String {
        switch self {
        case .critical: "9.5"
        case .high: "8.0"
        case .medium: "5.5"
        case .low: "2.0"
        }
    }
}

/// How sure the rule is that a finding is real.
public enum Confidence: String, Codable, Sendable { case low, medium, high }

/// What a rule looks at.
public enum SecurityCategory: String, Codable, Sendable, CaseIterable {
    case secrets, models, workflows, dependencies
}

/// One problem the security check found, where it is, and a stable fingerprint to allow it
/// or accept it in a baseline. Secrets appear only redacted.
public struct SecurityFinding: Codable, Sendable, Equatable {
    /// The rule's id, its category first (`secret/aws-access-key-id`).
    public var rule: String
    public var category: SecurityCategory
    public var severity: Severity
    public var confidence: Confidence
    public var message: String
    public var path: String
    public var line: Int?
    public var column: Int?
    /// The commit the finding is in (nil: the working tree).
    public var commit: String?
    /// `commit:path:rule:line` (gitleaks' form; without the commit for the working tree).
    public var fingerprint: String
    /// For secrets: sha256 of rule, path and value, to recognise a baselined secret after its
    /// line moved. Never the value.
    public var secretHash: String?

    /// `detail` tells apart findings of one rule in one place (a model file's imports).
    public init(rule: String, category: SecurityCategory, severity: Severity, confidence: Confidence, message: String,
                path: String, line: Int? = nil, column: Int? = nil, commit: String? = nil, secretHash: String? = nil, detail: String? = nil) {
        (self.rule, self.category, self.severity, self.confidence, self.message) = (rule, category, severity, confidence, message)
        (self.path, self.line, self.column, self.commit, self.secretHash) = (path, line, column, commit, secretHash)
        fingerprint = [commit, path, rule, line.map(String.init), detail].compactMap { $0 }.joined(separator: ":")
    }

    /// `path:line`, as findings are shown.
    public var location: String { line.map { "\(path):\($0)" } ?? path }
}

/// What a rule is, for reports (SARIF's rule descriptors).
public struct SecurityRuleInfo: Sendable, Equatable {
    public let id: String
    public let category: SecurityCategory
    public let severity: Severity
    public let summary: String
    /// What it means and what to do, in a sentence or two.
    public let help: String

    public init(id: String, category: SecurityCategory, severity: Severity, summary: String, help: String) {
        (self.id, self.category, self.severity, self.summary, self.help) = (id, category, severity, summary, help)
    }
}

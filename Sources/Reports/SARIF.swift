import Foundation

/// One finding for a report: a rule, a message, and where.
public struct Finding: Sendable, Equatable {
    public let rule: String
    public let message: String
    public let file: String
    public let line: Int
    public let column: Int
    /// `error` or `warning` (SARIF's levels).
    public let level: String

    /// Creates a finding.
    public init(rule: String, message: String, file: String, line: Int, column: Int, level: String = "error") {
        self.rule = rule
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.level = level
    }
}

/// SARIF 2.1.0, the format GitHub code scanning and editors read.
public enum SARIF {
    /// A SARIF log with one run of `tool` holding `findings` (at their levels).
    public static func render(tool: String, version: String, findings: [Finding]) -> String {
        let rules = Array(Set(findings.map(\.rule))).sorted().map {
            Rule(id: $0, shortDescription: Text(text: $0))
        }
        let results = findings.map { finding in
            Result(ruleId: finding.rule, level: finding.level, message: Text(text: finding.message), locations: [
                Location(physicalLocation: PhysicalLocation(artifactLocation: ArtifactLocation(uri: finding.file),
                                                            region: Region(startLine: finding.line, startColumn: finding.column))),
            ])
        }
        let log = Log(schema: "https://json.schemastore.org/sarif-2.1.0.json", version: "2.1.0", runs: [
            Run(tool: Tool(driver: Driver(name: tool, version: version, informationUri: "https://github.com/mlgate/mlgate", rules: rules)),
                results: results),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(log)) ?? Data(), as: UTF8.self)
    }

    /// A rule as SARIF describes it (`tool.driver.rules[]`).
    public struct RuleDescriptor: Sendable, Equatable {
        public let id: String
        public let summary: String
        public let help: String
        /// error, warning or note.
        public let level: String
        /// GitHub code scanning's severity score, "0.0" to "10.0" (nil: none).
        public let securitySeverity: String?
        public let tags: [String]

        public init(id: String, summary: String, help: String, level: String, securitySeverity: String? = nil, tags: [String] = []) {
            (self.id, self.summary, self.help, self.level, self.securitySeverity, self.tags) = (id, summary, help, level, securitySeverity, tags)
        }
    }

    /// One result: its rule, level, message, where, and fingerprints that stay stable across runs.
    public struct Issue: Sendable, Equatable {
        public let rule: String
        public let level: String
        public let message: String
        public let file: String
        public let line: Int?
        public let column: Int?
        /// `partialFingerprints` (name → value).
        public let fingerprints: [String: String]
        /// Extra facts (`properties`): severity, confidence, commit.
        public let properties: [String: String]

        public init(rule: String, level: String, message: String, file: String, line: Int?, column: Int?,
                    fingerprints: [String: String] = [:], properties: [String: String] = [:]) {
            (self.rule, self.level, self.message, self.file, self.line, self.column) = (rule, level, message, file, line, column)
            (self.fingerprints, self.properties) = (fingerprints, properties)
        }
    }

    /// A SARIF 2.1.0 log of one run of `tool`: every rule that can report (with its help),
    /// and each result pointing at its rule by index.
    public static func render(tool: String, version: String, rules: [RuleDescriptor], issues: [Issue]) -> String {
        let index = Dictionary(rules.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        let full = FullLog(schema: "https://json.schemastore.org/sarif-2.1.0.json", version: "2.1.0", runs: [
            FullRun(tool: FullTool(driver: FullDriver(name: tool, version: version, semanticVersion: version, informationUri: "https://github.com/mlgate/mlgate",
                                                      rules: rules.map { rule in
                FullRule(id: rule.id, name: rule.id.split(whereSeparator: { $0 == "/" || $0 == "-" || $0 == "." }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(),
                         shortDescription: Text(text: rule.summary), fullDescription: Text(text: rule.summary),
                         help: Markup(text: rule.help, markdown: rule.help), defaultConfiguration: Configuration(level: rule.level),
                         properties: RuleProperties(tags: rule.tags, securitySeverity: rule.securitySeverity))
            })),
                    results: issues.map { issue in
                FullResult(ruleId: issue.rule, ruleIndex: index[issue.rule], level: issue.level, message: Text(text: issue.message),
                           locations: [FullLocation(physicalLocation: FullPhysicalLocation(
                               artifactLocation: ArtifactLocation(uri: issue.file),
                               region: issue.line.map { FullRegion(startLine: max(1, $0), startColumn: issue.column.map { max(1, $0) }) }))],
                           partialFingerprints: issue.fingerprints.isEmpty ? nil : issue.fingerprints,
                           properties: issue.properties.isEmpty ? nil : issue.properties)
            }, columnKind: "utf16CodeUnits"),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(full)) ?? Data(), as: UTF8.self)
    }

    private struct FullLog: Encodable {
        let schema: String
        let version: String
        let runs: [FullRun]
        enum CodingKeys: String, CodingKey { case schema = "$schema", version, runs }
    }
    private struct FullRun: Encodable { let tool: FullTool; let results: [FullResult]; let columnKind: String }
    private struct FullTool: Encodable { let driver: FullDriver }
    private struct FullDriver: Encodable { let name: String; let version: String; let semanticVersion: String; let informationUri: String; let rules: [FullRule] }
    private struct FullRule: Encodable {
        let id: String, name: String, shortDescription: Text, fullDescription: Text, help: Markup, defaultConfiguration: Configuration
        let properties: RuleProperties
    }
    private struct Markup: Encodable { let text: String; let markdown: String }
    private struct Configuration: Encodable { let level: String }
    private struct RuleProperties: Encodable {
        let tags: [String]
        let securitySeverity: String?
        enum CodingKeys: String, CodingKey { case tags, securitySeverity = "security-severity" }
    }
    private struct FullResult: Encodable {
        let ruleId: String, ruleIndex: Int?, level: String, message: Text, locations: [FullLocation]
        let partialFingerprints: [String: String]?, properties: [String: String]?
    }
    private struct FullLocation: Encodable { let physicalLocation: FullPhysicalLocation }
    private struct FullPhysicalLocation: Encodable { let artifactLocation: ArtifactLocation; let region: FullRegion? }
    private struct FullRegion: Encodable { let startLine: Int; let startColumn: Int? }

    private struct Log: Encodable {
        let schema: String
        let version: String
        let runs: [Run]
        enum CodingKeys: String, CodingKey { case schema = "$schema", version, runs }
    }
    private struct Run: Encodable { let tool: Tool; let results: [Result] }
    private struct Tool: Encodable { let driver: Driver }
    private struct Driver: Encodable { let name: String; let version: String; let informationUri: String; let rules: [Rule] }
    private struct Rule: Encodable { let id: String; let shortDescription: Text }
    private struct Text: Encodable { let text: String }
    private struct Result: Encodable { let ruleId: String; let level: String; let message: Text; let locations: [Location] }
    private struct Location: Encodable { let physicalLocation: PhysicalLocation }
    private struct PhysicalLocation: Encodable { let artifactLocation: ArtifactLocation; let region: Region }
    private struct ArtifactLocation: Encodable { let uri: String }
    private struct Region: Encodable { let startLine: Int; let startColumn: Int }
}

/// Findings as a JSON array of `{file, line, column, rule, message}`.
public enum FindingsJSON {
    public static func render(_ findings: [Finding]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(findings.map(Entry.init))) ?? Data(), as: UTF8.self)
    }

    private struct Entry: Encodable {
        let file: String, line: Int, column: Int, rule: String, message: String, level: String
        init(_ f: Finding) { (file, line, column, rule, message, level) = (f.file, f.line, f.column, f.rule, f.message, f.level) }
    }
}

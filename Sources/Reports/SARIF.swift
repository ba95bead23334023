import Foundation

/// One finding for a report: a rule, a message, and where.
public struct Finding: Sendable, Equatable {
    public let rule: String
    public let message: String
    public let file: String
    public let line: Int
    public let column: Int

    /// Creates a finding.
    public init(rule: String, message: String, file: String, line: Int, column: Int) {
        self.rule = rule
        self.message = message
        self.file = file
        self.line = line
        self.column = column
    }
}

/// SARIF 2.1.0, the format GitHub code scanning and editors read.
public enum SARIF {
    /// A SARIF log with one run of `tool` holding `findings` (as errors).
    public static func render(tool: String, version: String, findings: [Finding]) -> String {
        let rules = Array(Set(findings.map(\.rule))).sorted().map {
            Rule(id: $0, shortDescription: Text(text: $0))
        }
        let results = findings.map { finding in
            Result(ruleId: finding.rule, level: "error", message: Text(text: finding.message), locations: [
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
        let file: String, line: Int, column: Int, rule: String, message: String
        init(_ f: Finding) { (file, line, column, rule, message) = (f.file, f.line, f.column, f.rule, f.message) }
    }
}

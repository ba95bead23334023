import Foundation

/// Findings accepted as they are (`--baseline FILE`): a later scan reports only new ones.
/// A finding is accepted by its fingerprint, or — for a secret whose line moved — by its
/// rule, path and secret hash. The file never holds a secret, only its hash.
public struct SecurityBaseline: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        public var fingerprint: String
        public var rule: String
        public var path: String
        public var secretHash: String?
    }

    public var version = 1
    public var findings: [Entry]

    public init(_ findings: [SecurityFinding]) {
        self.findings = findings.map { Entry(fingerprint: $0.fingerprint, rule: $0.rule, path: $0.path, secretHash: $0.secretHash) }
    }

    /// Whether `finding` is one of the accepted ones.
    public func accepts(_ finding: SecurityFinding) -> Bool {
        findings.contains { entry in
            entry.fingerprint == finding.fingerprint
                || (entry.secretHash != nil && entry.secretHash == finding.secretHash && entry.rule == finding.rule && entry.path == finding.path)
        }
    }

    /// Reads a baseline file; a clear message when it is not one.
    public static func read(_ path: String) throws -> SecurityBaseline {
        guard let data = FileManager.default.contents(atPath: path) else { throw BaselineError("\(path) cannot be read; write one with --write-baseline \(path)") }
        do { return try JSONDecoder().decode(SecurityBaseline.self, from: data) } catch {
            throw BaselineError("\(path) is not a baseline file (JSON with \"version\" and \"findings\"): \(error.localizedDescription)")
        }
    }

    /// The baseline as JSON (sorted keys, one finding per line of the array).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self) + "\n"
    }

    public struct BaselineError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}

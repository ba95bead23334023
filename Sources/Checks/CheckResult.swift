import Crypto
import Foundation

/// What one check found: the CheckResult of DESIGN.md, the unit of evidence that decisions
/// and approvals cite by its digest.
public struct CheckResult: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case tests, metrics, data, security, command }
    public enum Status: String, Codable, Sendable { case pass, warn, fail, error }

    /// One problem the check reports.
    public struct Finding: Codable, Sendable, Equatable {
        public var severity: String
        public var rule: String
        public var message: String
        public var location: String?

        public init(severity: String, rule: String, message: String, location: String? = nil) {
            (self.severity, self.rule, self.message, self.location) = (severity, rule, message, location)
        }
    }

    /// A file the check read, by content.
    public struct Input: Codable, Sendable, Equatable {
        public var path: String
        public var sha256: String

        public init(path: String, sha256: String) { (self.path, self.sha256) = (path, sha256) }
    }

    public var check: String
    public var kind: Kind
    public var status: Status
    public var summary: String
    public var measurements: [String: Double]
    public var findings: [Finding]
    public var inputs: [Input]
    /// The commit that was checked.
    public var commit: String
    public var model: String?
    /// ISO 8601, UTC.
    public var startedAt: String
    public var durationMs: Int

    public init(check: String, kind: Kind, status: Status, summary: String, measurements: [String: Double] = [:],
                findings: [Finding] = [], inputs: [Input] = [], commit: String, model: String? = nil,
                startedAt: String, durationMs: Int) {
        self.check = check
        self.kind = kind
        self.status = status
        self.summary = summary
        self.measurements = measurements
        self.findings = findings
        self.inputs = inputs
        self.commit = commit
        self.model = model
        self.startedAt = startedAt
        self.durationMs = durationMs
    }

    /// The canonical JSON text: keys sorted, no insignificant whitespace.
    public var canonicalJSON: String { CanonicalJSON.text(self) }

    /// sha256 of the canonical JSON, in hex: what approvals and decisions cite.
    public var digest: String {
        SHA256.hash(data: Data(canonicalJSON.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The exit status a check command ends with: 0 pass or warn, 1 fail, 2 error.
    public var exitStatus: Int32 {
        switch status {
        case .pass, .warn: 0
        case .fail: 1
        case .error: 2
        }
    }
}

extension CheckResult {
    /// sha256 of a file's contents, in hex; nil when it cannot be read.
    public static func sha256(ofFile path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

/// JSON with keys sorted and no insignificant whitespace: the same value always gives the
/// same text (what digests are taken of), and machine output is stable.
public enum CanonicalJSON {
    public static func text(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}

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
        /// How sure the rule is (security findings; absent elsewhere).
        public var confidence: String?
        /// The commit the finding is in, when it is not the checked one (history scans).
        public var commit: String?
        /// A stable id to allow or baseline the finding (`commit:path:rule:line`).
        public var fingerprint: String?

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

    /// One rule a check applied: the measurement, what it was compared with, the champion's
    /// value and the difference where there is a champion, and the verdict.
    public struct Rule: Codable, Sendable, Equatable {
        /// The rule as written (`f1 >= champion - 0.01`, `non_inferior(roc_auc, 0.01)`).
        public var rule: String
        public var metric: String
        /// The slice the rule was applied to (`region=eu`); nil for all rows.
        public var slice: String?
        /// The candidate's value.
        public var value: Double?
        /// `>=`, `<=`, `>`, `<`, `==`, `!=`, `non_inferior` or `superior`.
        public var comparison: String
        /// The bound the value was compared with (for champion rules, computed from it).
        public var threshold: Double?
        public var champion: Double?
        /// value − champion.
        public var delta: Double?
        /// The confidence interval of the difference (paired bootstrap).
        public var ciLow: Double?
        public var ciHigh: Double?
        /// McNemar's test on the same rows (accuracy of classifiers).
        public var pValue: Double?
        /// pass, fail, or error (the rule could not be decided: a missing metric, no champion).
        public var verdict: Status
        /// Why, in words a reader can act on.
        public var message: String

        public init(rule: String, metric: String, slice: String? = nil, value: Double?, comparison: String, threshold: Double?,
                    champion: Double? = nil, delta: Double? = nil, ciLow: Double? = nil, ciHigh: Double? = nil,
                    pValue: Double? = nil, verdict: Status, message: String) {
            self.rule = rule
            self.metric = metric
            self.slice = slice
            self.value = value.flatMap { $0.isFinite ? $0 : nil }
            self.comparison = comparison
            self.threshold = threshold.flatMap { $0.isFinite ? $0 : nil }
            self.champion = champion.flatMap { $0.isFinite ? $0 : nil }
            self.delta = delta.flatMap { $0.isFinite ? $0 : nil }
            self.ciLow = ciLow.flatMap { $0.isFinite ? $0 : nil }
            self.ciHigh = ciHigh.flatMap { $0.isFinite ? $0 : nil }
            self.pValue = pValue.flatMap { $0.isFinite ? $0 : nil }
            self.verdict = verdict
            self.message = message
        }
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
    /// The rules applied, one per rule and slice (absent from the JSON when there are none,
    /// so results recorded before rules existed keep their digests).
    public var rules: [Rule]
    /// Curves and histograms behind the result, for reports (absent when there are none).
    public var series: [Series]

    public init(check: String, kind: Kind, status: Status, summary: String, measurements: [String: Double] = [:],
                findings: [Finding] = [], inputs: [Input] = [], commit: String, model: String? = nil,
                startedAt: String, durationMs: Int, rules: [Rule] = [], series: [Series] = []) {
        self.rules = rules
        self.series = series
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

    private enum CodingKeys: String, CodingKey {
        case check, kind, status, summary, measurements, findings, inputs, commit, model, startedAt, durationMs, rules, series
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        check = try c.decode(String.self, forKey: .check)
        kind = try c.decode(Kind.self, forKey: .kind)
        status = try c.decode(Status.self, forKey: .status)
        summary = try c.decode(String.self, forKey: .summary)
        measurements = try c.decodeIfPresent([String: Double].self, forKey: .measurements) ?? [:]
        findings = try c.decodeIfPresent([Finding].self, forKey: .findings) ?? []
        inputs = try c.decodeIfPresent([Input].self, forKey: .inputs) ?? []
        commit = try c.decode(String.self, forKey: .commit)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        startedAt = try c.decode(String.self, forKey: .startedAt)
        durationMs = try c.decode(Int.self, forKey: .durationMs)
        rules = try c.decodeIfPresent([Rule].self, forKey: .rules) ?? []
        series = try c.decodeIfPresent([Series].self, forKey: .series) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(check, forKey: .check)
        try c.encode(kind, forKey: .kind)
        try c.encode(status, forKey: .status)
        try c.encode(summary, forKey: .summary)
        try c.encode(measurements, forKey: .measurements)
        try c.encode(findings, forKey: .findings)
        try c.encode(inputs, forKey: .inputs)
        try c.encode(commit, forKey: .commit)
        try c.encodeIfPresent(model, forKey: .model)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(durationMs, forKey: .durationMs)
        if !rules.isEmpty { try c.encode(rules, forKey: .rules) }
        if !series.isEmpty { try c.encode(series, forKey: .series) }
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
    /// sha256 of `data`, in hex.
    public static func sha256(of data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

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

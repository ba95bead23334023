import Foundation

/// What a release manager signs: one approval (or rejection) of one version of one model at
/// one commit for one stage, over one body of evidence. The signed bytes are `text`.
public struct ApprovalStatement: Sendable, Equatable {
    public enum Verdict: String, Sendable { case approve, reject }

    public let verdict: Verdict
    public let model: String
    public let version: String
    public let commit: String
    public let stage: String
    /// The gate's `evidenceDigest` when the statement was made.
    public let evidence: String
    /// Who says they signed (the signature decides who did).
    public let signer: String
    public let time: String
    public let comment: String

    public init(verdict: Verdict, model: String, version: String, commit: String, stage: String, evidence: String,
                signer: String, time: String, comment: String) {
        self.verdict = verdict
        self.model = model
        self.version = version
        self.commit = commit
        self.stage = stage
        self.evidence = evidence
        self.signer = signer
        self.time = time
        self.comment = comment
    }

    static let header = "mlgate approval v1"

    /// The exact bytes that are signed: one `key: value` per line, in a fixed order.
    public var text: String {
        let flatComment = comment.replacingOccurrences(of: "\n", with: " ")
        return """
            \(Self.header)
            verdict: \(verdict.rawValue)
            model: \(model)
            version: \(version)
            commit: \(commit)
            stage: \(stage)
            evidence: \(evidence)
            signer: \(signer)
            time: \(time)
            comment: \(flatComment)

            """
    }

    /// Reads a statement's text back; nil when it is not one.
    public init?(text: String) {
        var fields: [String: String] = [:]
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first.map(String.init) == Self.header else { return nil }
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            fields[String(line[..<colon])] = String(line[line.index(after: colon)...].dropFirst())
        }
        guard let verdict = fields["verdict"].flatMap(Verdict.init(rawValue:)), let model = fields["model"],
              let version = fields["version"], let commit = fields["commit"], let stage = fields["stage"],
              let evidence = fields["evidence"], let signer = fields["signer"], let time = fields["time"] else { return nil }
        self.init(verdict: verdict, model: model, version: version, commit: commit, stage: stage, evidence: evidence,
                  signer: signer, time: time, comment: fields["comment"] ?? "")
        guard self.text == text else { return nil }  // only the canonical form
    }
}

/// A statement with its SSH signature (armored, `-----BEGIN SSH SIGNATURE-----`).
public struct SignedApproval: Codable, Sendable, Equatable {
    public let statement: String
    public let signature: String

    public init(statement: String, signature: String) {
        (self.statement, self.signature) = (statement, signature)
    }
}

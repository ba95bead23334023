import Checks
import Foundation

/// What the gate decided, with its reasons: the Decision of DESIGN.md.
public struct Decision: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case promote, hold, reject, rollback }

    /// A required check as the decision saw it.
    public struct CheckVerdict: Codable, Sendable, Equatable {
        public let name: String
        /// pass, warn, fail, error, or missing.
        public let status: String
        /// The digest of the result that was judged (nil when missing).
        public let digest: String?
    }

    /// Approvals as the decision counted them.
    public struct ApprovalCount: Codable, Sendable, Equatable {
        public let required: Int
        /// Principals whose approvals count.
        public let valid: [String]
        /// Why each other statement does not count.
        public let invalid: [String]
        /// Principals (and their comments) who rejected the version, with valid signatures.
        public let rejectedBy: [String]

        public init(required: Int, valid: [String], invalid: [String], rejectedBy: [String] = []) {
            (self.required, self.valid, self.invalid, self.rejectedBy) = (required, valid, invalid, rejectedBy)
        }
    }

    /// The version the stage holds now, whose evidence a challenger may be compared with.
    public struct Champion: Codable, Sendable, Equatable {
        public let version: String
        public let commit: String
    }

    public let model: String
    public let version: String
    public let commit: String
    /// The stage the version comes from (the policy's `from`, else the last stage it is in).
    public let from: String?
    public let to: String
    public let decision: Kind
    public let reasons: [String]
    public let checks: [CheckVerdict]
    public let approvals: ApprovalCount
    public let champion: Champion?
    /// True when the stage already holds the version: promoting changes nothing.
    public let alreadyThere: Bool
    /// sha256 over the required checks' names and result digests: what approvals sign.
    public let evidenceDigest: String
    public let decidedAt: String

    /// The exit status of `mlgate gate`: 0 promote, 1 reject, 3 hold (rollback: 1).
    public var exitStatus: Int32 {
        switch decision {
        case .promote: 0
        case .hold: 3
        case .reject, .rollback: 1
        }
    }

    /// The JSON text, keys sorted.
    public var json: String { CanonicalJSON.text(self) }
}

import SecurityScan
import Foundation
import YAMLSource

/// The promotion policy (`mlgate.yml` at the repository root): the models, the ordered
/// stages and what each stage requires. Vocabulary from GitHub Environments (reviewers, wait
/// timer, deployment branches) and Argo Rollouts analysis.
public struct Policy: Sendable {
    /// A model the registry tracks.
    public struct Model: Sendable {
        public let name: String
        /// Where its code lives, relative to the repository root.
        public let path: String?
        /// Its artifact (the file a deployment ships).
        public let artifact: String?
    }

    /// A check a stage requires, by the name it is recorded under.
    public struct CheckRequirement: Sendable, Equatable {
        public let name: String
        /// Whether `warn` is enough (otherwise only `pass` is).
        public let allowWarn: Bool

        public init(name: String, allowWarn: Bool) { (self.name, self.allowWarn) = (name, allowWarn) }
    }

    /// Release-manager approvals a stage requires.
    public struct Approvals: Sendable {
        /// How many valid approvals are needed.
        public let required: Int
        /// The allowed-signers file (git's format), relative to the repository root.
        public let signers: String
        /// Whether the author of the version's commit is barred from approving it.
        public let preventSelfReview: Bool
    }

    /// One stage and its requirements.
    public struct Stage: Sendable {
        public let name: String
        /// The stage a version must be in already.
        public let from: String?
        public let checks: [CheckRequirement]
        /// The least time a version must have spent in `from` (GitHub's wait timer).
        public let wait: TimeInterval?
        /// Branches (globs) the version's commit must be reachable from.
        public let branches: [String]
        public let approvals: Approvals?
        public let analysis: Analysis?
    }

    public let models: [Model]
    /// Stages in promotion order.
    public let stages: [Stage]
    /// Checks declared with their kind and options (`checks:`), in the order written.
    public var checks: [DeclaredCheck] = []
    /// `security:`: the security check's rules, allowlists, baseline and thresholds.
    public var security: SecurityConfig?
    /// The file it was read from, as shown in messages.
    public let file: String

    /// The stages when the policy names none.
    public static let defaultStageNames = ["dev", "staging", "production"]

    public func stage(_ name: String) -> Stage? { stages.first { $0.name == name } }
    public func model(_ name: String) -> Model? { models.first { $0.name == name } }
    public func check(_ name: String) -> DeclaredCheck? { checks.first { $0.name == name } }
}

/// Argo Rollouts' analysis: metrics measured after a deployment.
public struct Analysis: Sendable {
    public let metrics: [Metric]
}

/// One measured metric (Argo Rollouts' `metrics[]`).
public struct Metric: Sendable {
    /// Where a measurement comes from.
    public enum Provider: Sendable {
        /// Prometheus' HTTP query API; an instant vector's or scalar's value is `result`.
        case prometheus(address: String, query: String)
        /// A command's standard output, a number or JSON, is `result`.
        case command([String])
        /// A JSON file and a dotted key path in it.
        case file(path: String, key: String)
    }

    public let name: String
    public let provider: Provider
    /// Time between measurements.
    public let interval: TimeInterval
    /// How many measurements to take.
    public let count: Int
    /// Time to wait before the first.
    public let initialDelay: TimeInterval
    /// Expressions over `result` (mlgate's expression language).
    public let successCondition: String?
    public let failureCondition: String?
    /// Failed measurements tolerated before the analysis fails.
    public let failureLimit: Int
    /// Inconclusive measurements tolerated before the analysis is inconclusive.
    public let inconclusiveLimit: Int
    /// Measurement errors in a row tolerated before the analysis errors.
    public let consecutiveErrorLimit: Int
}

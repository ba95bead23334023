import Checks
import Foundation
import GitState
import Promotion

/// Everything a promotion decision rests on, read from git alone: the decision (recorded in
/// the stage tag, or evaluated now), the evidence it judged (found by digest, also in the
/// notes' history), candidate and champion, approvals, and what changed between the two.
public struct PromotionFacts {
    /// Where the decision comes from.
    public enum Source: Sendable {
        /// Written in the stage assignment tag `tag` at `time` (a past promotion or rollback).
        case recorded(tag: String, time: Date?)
        /// Evaluated by the gate when the report was made.
        case evaluated
    }

    /// A version as the report shows it.
    public struct VersionFacts: Sendable {
        public let version: String
        public let commit: String
        public let registeredBy: String?
        public let registeredAt: Date?
        public let message: String
        /// The stage it has been in, and since when (the candidate: the stage it comes from;
        /// the champion: the target stage).
        public let stage: String?
        public let since: Date?
    }

    /// One approval or rejection as the gate judges it.
    public struct ApprovalFacts: Sendable {
        public let signer: String
        public let principal: String?
        public let verdict: String
        public let time: String
        public let evidence: String
        public let comment: String
        /// Why it does not count (nil: it counts).
        public let problem: String?
    }

    /// A file that differs between champion and candidate.
    public struct ChangedFile: Sendable {
        public let path: String
        public let status: String
        /// `model`, `data` or `code`.
        public let kind: String
        public let sizeBefore: Int?
        public let sizeAfter: Int?
    }

    public let model: String
    public let decision: Decision
    public let source: Source
    public let candidate: VersionFacts
    public let champion: VersionFacts?
    /// The judged results, in the decision's order (nil where missing or no longer found).
    public let results: [(verdict: Decision.CheckVerdict, result: CheckResult?)]
    /// Other results recorded on the candidate's commit (for a decision without checks).
    public let otherResults: [CheckResult]
    public let approvalRules: Policy.Approvals?
    public let approvals: [ApprovalFacts]
    public let commits: [CommitInfo]
    /// True when there were more commits than listed.
    public let moreCommits: Bool
    public let files: [ChangedFile]
    public let generatedAt: Date

    /// The command that would add the approval still needed, or nil when none is.
    public var approveCommand: String? {
        guard let rules = approvalRules, rules.required > decision.approvals.valid.count, decision.decision != .reject,
              decision.decision != .rollback else { return nil }
        return "mlgate approve \(model) --version \(decision.version) --stage \(decision.to) --key ~/.ssh/id_ed25519 --comment \"…\""
    }
}

extension PromotionFacts {
    /// Gathers the facts for `version` (default: the latest) of `model` entering `stage`.
    /// `decided` is a decision just made (by `gate` or `promote`). Unless `evaluate`, a decision recorded in the version's newest assignment to the stage
    /// is the one reported; otherwise (or when there is none) the gate decides now.
    public static func gather(repository: Repository, root: String, policy: Policy?, state: RegistryState, model name: String,
                              version requested: String?, stage: String, evaluate: Bool = false, decided: Decision? = nil,
                              now: Date = Date()) throws(RegistryError) -> PromotionFacts {
        guard let model = state.model(name) else {
            throw RegistryError("no model '\(name)' is registered; register a version first: mlgate register \(name)")
        }
        let version: ModelVersion
        if let requested {
            let wanted = requested.hasPrefix("v") ? requested : "v" + requested
            guard let found = model.version(wanted) else {
                throw RegistryError("\(name) has no version \(wanted); versions: \(model.versions.map(\.version.description).joined(separator: ", "))")
            }
            version = found
        } else {
            guard let latest = model.latest else { throw RegistryError("\(name) has no registered version") }
            version = latest
        }
        let versionName = version.name

        var decision = decided
        var source = Source.evaluated
        if decision == nil, !evaluate, let (recorded, stamp) = recordedDecision(model: model, version: versionName, stage: stage) {
            (decision, source) = (recorded, .recorded(tag: stamp.tag, time: stamp.time))
        }
        if decision == nil {
            guard let policy else {
                throw RegistryError("no decision of \(name) \(versionName) for \(stage) is recorded, and there is no policy to evaluate one (mlgate.yml)")
            }
            let gate = Gate(repository: repository, policy: policy, approvals: ApprovalStore(repository: repository, root: root), now: now)
            decision = try gate.decide(Gate.Candidate(model: model, version: version), to: stage)
        }
        let chosen = decision!

        // The evidence the decision judged, by digest.
        let evidence = EvidenceStore(repository: repository)
        var results: [(Decision.CheckVerdict, CheckResult?)] = []
        for verdict in chosen.checks {
            results.append((verdict, try verdict.digest.flatMap { (digest) throws(RegistryError) in try evidence.result(digest: digest, on: chosen.commit) }))
        }
        let judgedDigests = Set(chosen.checks.compactMap(\.digest))
        let otherResults = try evidence.results(on: chosen.commit).filter { !judgedDigests.contains($0.digest) && ($0.model == nil || $0.model == name) }

        // Candidate and champion.
        let fromStage = chosen.from.flatMap { $0 == stage ? nil : $0 }
        let inFrom = fromStage.flatMap { model.current(in: $0) }.flatMap { $0.version == versionName ? $0 : nil }
        let registered = version.registered
        let candidate = VersionFacts(version: versionName, commit: chosen.commit, registeredBy: registered.author,
                                     registeredAt: registered.time, message: registered.message, stage: inFrom?.stage ?? fromStage,
                                     since: inFrom?.stamp.time)
        var champion: VersionFacts?
        if let c = chosen.champion {
            let record = model.version(c.version)?.registered
            let holder = model.current(in: stage).flatMap { $0.version == c.version ? $0 : nil }
            champion = VersionFacts(version: c.version, commit: c.commit, registeredBy: record?.author, registeredAt: record?.time,
                                    message: record?.message ?? "", stage: holder == nil ? nil : stage, since: holder?.stamp.time)
        }

        // Approvals, judged as the gate judges them.
        let rules = policy?.stage(stage)?.approvals
        var approvals: [ApprovalFacts] = []
        let store = ApprovalStore(repository: repository, root: root)
        for signed in try store.recorded(on: chosen.commit) {
            guard let statement = ApprovalStatement(text: signed.statement), statement.model == name, statement.version == versionName else { continue }
            var principal: String?, problem: String?
            if let rules {
                let judged = store.judge(signed, model: name, version: versionName, commit: chosen.commit, stage: stage,
                                         evidenceDigest: chosen.evidenceDigest, rules: rules)
                (principal, problem) = (judged.principal, judged.problem)
            } else if statement.stage != stage {
                problem = "for stage \(statement.stage)"
            } else {
                problem = "not verified: no policy names the signers"
            }
            approvals.append(ApprovalFacts(signer: statement.signer, principal: principal, verdict: statement.verdict.rawValue, time: statement.time,
                                           evidence: statement.evidence, comment: statement.comment, problem: problem))
        }

        // What changed since the champion.
        var commits: [CommitInfo] = [], files: [ChangedFile] = [], more = false
        if let base = champion?.commit, base != chosen.commit {
            let limit = 200
            do {
                commits = try repository.commits(from: base, to: chosen.commit, limit: limit + 1)
                more = commits.count > limit
                commits = Array(commits.prefix(limit))
                let policyModel = policy?.model(name)
                let inputs = Set(results.compactMap(\.1).flatMap(\.inputs).map(\.path))
                for change in try repository.changedPaths(from: base, to: chosen.commit) {
                    files.append(ChangedFile(path: change.path, status: change.status.rawValue,
                                             kind: kind(of: change.path, model: policyModel, inputs: inputs),
                                             sizeBefore: repository.blobSize(of: change.oldPath ?? change.path, at: base),
                                             sizeAfter: repository.blobSize(of: change.path, at: chosen.commit)))
                }
            } catch {
                throw RegistryError("compare \(base.prefix(7)) with \(chosen.commit.prefix(7))", error)
            }
        }
        return PromotionFacts(model: name, decision: chosen, source: source, candidate: candidate, champion: champion,
                              results: results, otherResults: otherResults, approvalRules: rules, approvals: approvals,
                              commits: commits, moreCommits: more, files: files, generatedAt: now)
    }

    /// The decision written in the version's newest assignment to (or rollback in) `stage`.
    static func recordedDecision(model: ModelRecord, version: String, stage: String) -> (Decision, RegistryStamp)? {
        for event in model.stageEvents.reversed() where event.stage == stage && event.version == version && event.kind == .assign {
            if let decision = decision(in: event.stamp.message) { return (decision, event.stamp) }
        }
        return nil
    }

    /// The Decision JSON in a tag message ("Promote …\n\n{…}").
    public static func decision(in message: String) -> Decision? {
        guard let start = message.firstIndex(of: "{"), let end = message.lastIndex(of: "}") , start < end else { return nil }
        return try? JSONDecoder().decode(Decision.self, from: Data(message[start...end].utf8))
    }

    static let modelExtensions: Set<String> = ["pkl", "pickle", "joblib", "pt", "pth", "bin", "onnx", "safetensors", "h5", "hdf5", "keras",
                                                "pb", "tflite", "ckpt", "gguf", "model", "mlmodel", "npz", "npy", "cbm", "ubj", "xgb", "lgb"]
    static let dataExtensions: Set<String> = ["csv", "tsv", "parquet", "jsonl", "ndjson", "arrow", "feather", "avro", "orc", "gz", "zst", "xz"]

    /// model (the policy's artifact, or a model file's extension), data (a check's input, or a
    /// data file's extension), else code.
    static func kind(of path: String, model: Policy.Model?, inputs: Set<String>) -> String {
        if let artifact = model?.artifact, path == artifact || path.hasPrefix(artifact + "/") { return "model" }
        let ext = (path as NSString).pathExtension.lowercased()
        if modelExtensions.contains(ext) { return "model" }
        if inputs.contains(path) || dataExtensions.contains(ext) || path.hasPrefix("data/") { return "data" }
        return "code"
    }
}

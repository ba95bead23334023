import Foundation
import GitState

/// Signed approvals and rejections, kept on the approved commit in git notes under
/// `refs/notes/mlgate-approvals` (they travel with `mlgate sync` like evidence). Nothing in
/// the store is trusted: every signature is verified when the gate counts it.
public struct ApprovalStore: ApprovalSource {
    public static let notesRef = "refs/notes/mlgate-approvals"
    public let repository: Repository
    /// The repository's working tree, against which the policy's signers file is found.
    public let root: String

    public init(repository: Repository, root: String) {
        self.repository = repository
        self.root = root
    }

    struct Document: Codable {
        var approvals: [SignedApproval]
    }

    private var store: NotesStore<Document> { NotesStore(repository: repository, ref: Self.notesRef, what: "approvals") }

    /// Signs `statement` with `key`.
    public func sign(_ statement: ApprovalStatement, key: String) throws(RegistryError) -> SignedApproval {
        do { return SignedApproval(statement: statement.text, signature: try SSHSignatures.sign(statement.text, key: key)) } catch {
            throw RegistryError(error.description)
        }
    }

    /// Records a signed statement on its commit.
    public func record(_ signed: SignedApproval, commit: String, message: String) throws(RegistryError) {
        try store.update(on: commit, message: message) { existing in
            var document = existing ?? Document(approvals: [])
            document.approvals.append(signed)
            return document
        }
    }

    /// Everything recorded on `commit`, unverified.
    public func recorded(on commit: String) throws(RegistryError) -> [SignedApproval] {
        try store.read(on: commit)?.approvals ?? []
    }

    /// One recorded statement as the gate judges it.
    public struct Judgement: Sendable {
        public let principal: String?
        public let statement: ApprovalStatement?
        /// Why it does not count, or nil when it does.
        public let problem: String?
    }

    /// Judges every statement recorded on `commit` for this promotion.
    public func judge(model: String, version: String, commit: String, stage: String, evidenceDigest: String,
                      rules: Policy.Approvals) throws(RegistryError) -> [Judgement] {
        try recorded(on: commit).map {
            judge($0, model: model, version: version, commit: commit, stage: stage, evidenceDigest: evidenceDigest, rules: rules)
        }
    }

    /// Judges one signed statement for this promotion.
    public func judge(_ signed: SignedApproval, model: String, version: String, commit: String, stage: String,
                      evidenceDigest: String, rules: Policy.Approvals) -> Judgement {
        let signers = rules.signers.hasPrefix("/") ? rules.signers : root + "/" + rules.signers
        guard let statement = ApprovalStatement(text: signed.statement) else {
            return Judgement(principal: nil, statement: nil, problem: "a recorded statement is not in mlgate's format (altered?)")
        }
        let who = statement.signer
        guard statement.model == model, statement.version == version, statement.commit == commit else {
            return Judgement(principal: nil, statement: statement, problem: "\(who)'s \(statement.verdict.rawValue) is for \(statement.model) \(statement.version), not this version")
        }
        guard statement.stage == stage else {
            return Judgement(principal: nil, statement: statement, problem: "\(who)'s \(statement.verdict.rawValue) is for stage \(statement.stage), not \(stage)")
        }
        let principals = SSHSignatures.principals(of: signed.signature, allowedSigners: signers)
        guard let principal = principals.first(where: { SSHSignatures.verify(signed.statement, signature: signed.signature, principal: $0, allowedSigners: signers) }) else {
            let reason = principals.isEmpty ? "is signed by a key not in \(rules.signers)" : "has a signature that does not verify (altered?)"
            return Judgement(principal: nil, statement: statement, problem: "\(who)'s \(statement.verdict.rawValue) \(reason)")
        }
        guard statement.evidence == evidenceDigest else {
            return Judgement(principal: principal, statement: statement, problem: "\(principal)'s \(statement.verdict.rawValue) was given for other evidence (the checks changed after it)")
        }
        if rules.preventSelfReview, statement.verdict == .approve,
           let author = (try? repository.commit(commit))?.authorEmail.lowercased(), principal.lowercased() == author {
            return Judgement(principal: principal, statement: statement, problem: "\(principal) wrote the commit and may not approve it (prevent_self_review)")
        }
        return Judgement(principal: principal, statement: statement, problem: nil)
    }

    public func approvals(model: String, version: String, commit: String, stage: String, evidenceDigest: String,
                          rules: Policy.Approvals) throws(RegistryError) -> Decision.ApprovalCount {
        var valid: [String] = [], invalid: [String] = [], rejectedBy: [String] = []
        for judgement in try judge(model: model, version: version, commit: commit, stage: stage, evidenceDigest: evidenceDigest, rules: rules) {
            if let problem = judgement.problem {
                invalid.append(problem)
            } else if let principal = judgement.principal, let statement = judgement.statement {
                if statement.verdict == .reject {
                    rejectedBy.append("\(principal)" + (statement.comment.isEmpty ? "" : ": \(statement.comment)"))
                } else if !valid.contains(principal) {
                    valid.append(principal)
                }
            }
        }
        return .init(required: rules.required, valid: valid, invalid: invalid, rejectedBy: rejectedBy)
    }
}

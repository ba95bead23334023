import Checks
import ArgumentParser
import Foundation
import GitState
import Promotion

/// Finding the user's SSH key and identity, as git's SSH signing does.
enum SigningKey {
    /// `--key`, else git's `user.signingkey` (a path), else ~/.ssh/id_ed25519, id_ecdsa, id_rsa.
    static func find(_ given: String?, repository: Repository) -> String? {
        if let given { return expand(given) }
        if let configured = repository.config("user.signingkey"), !configured.hasPrefix("key::") {
            return expand(configured)
        }
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        return ["id_ed25519", "id_ecdsa", "id_rsa"].map { "\(home)/.ssh/\($0)" }.first { FileManager.default.fileExists(atPath: $0) }
    }

    static func expand(_ path: String) -> String {
        path.hasPrefix("~/") ? FileManager.default.homeDirectoryForCurrentUser.path + String(path.dropFirst(1)) : path
    }
}

/// What `approve` and `reject` share.
struct ApprovalRequest: ParsableArguments {
    @Argument(help: "The model.")
    var name: String

    @Option(name: .long, help: "The version (default: the latest).")
    var version: String?

    @Option(name: .long, help: "The stage the approval is for.")
    var stage: String

    @Option(name: .long, help: "The SSH key to sign with: a private key, or a public key whose private half is in ssh-agent (default: git's user.signingkey, else ~/.ssh/id_ed25519).")
    var key: String?

    @Option(name: .long, help: "Who you are (default: the principal the stage's allowed-signers file lists for your key, else git's user.email).")
    var principal: String?

    @Option(name: .long, help: "A comment kept with the signature.")
    var comment: String = ""

    @Flag(name: .long, help: "Print what was recorded as one JSON object.")
    var json = false

    /// What `--json` prints.
    struct Recorded: Encodable {
        let action: String
        let model: String
        let version: String
        let commit: String
        let stage: String
        let signer: String
        let evidence: String
        let counted: Bool
    }

    @OptionGroup var context: PolicyOptions

    /// Signs and records a statement; reports whether the gate will count it.
    func sign(_ verdict: ApprovalStatement.Verdict) throws {
        let console = ConsoleOutput()
        let (registry, root, loaded) = try context.open(console: console)
        let store = ApprovalStore(repository: registry.repository, root: root)
        let gate = Gate(repository: registry.repository, policy: loaded, approvals: NoApprovals())
        let decision: Decision
        do { decision = try gate.decide(try gate.candidate(model: name, version: version, revision: nil), to: stage) } catch {
            throw fail(error, console: console)
        }
        guard let key = SigningKey.find(key, repository: registry.repository) else {
            console.err("mlgate: no SSH key found; pass --key ~/.ssh/id_ed25519 (make one with ssh-keygen -t ed25519)")
            throw ExitCode(ExitStatus.invalid)
        }
        // Who the gate will count: the principal the allowed-signers file lists for this key.
        let listed = loaded.stage(stage)?.approvals.flatMap { rules -> String? in
            guard let file = try? String(contentsOfFile: root + "/" + rules.signers, encoding: .utf8) else { return nil }
            return SSHSignatures.principals(forPublicKeyFile: key.hasSuffix(".pub") ? key : key + ".pub", allowedSigners: file).first
        }
        let signer = principal ?? listed ?? registry.repository.config("user.email") ?? registry.repository.identity().email
        let statement = ApprovalStatement(verdict: verdict, model: decision.model, version: decision.version, commit: decision.commit,
                                          stage: decision.to, evidence: decision.evidenceDigest, signer: signer,
                                          time: Timestamp.text(), comment: comment)
        let signed: SignedApproval
        do { signed = try store.sign(statement, key: key) } catch { throw fail(error, console: console) }
        // Checked before anything is written: a statement the gate would not count is refused.
        if let rules = loaded.stage(stage)?.approvals,
           let problem = store.judge(signed, model: decision.model, version: decision.version, commit: decision.commit,
                                     stage: decision.to, evidenceDigest: decision.evidenceDigest, rules: rules).problem {
            console.err("mlgate: not recorded: \(problem)")
            throw ExitCode(ExitStatus.failed)
        }
        do {
            try store.record(signed, commit: decision.commit,
                             message: "mlgate: \(verdict.rawValue) \(decision.model) \(decision.version) for \(decision.to)")
        } catch { throw fail(error, console: console) }
        if json {
            console.out(CanonicalJSON.text(Recorded(action: verdict.rawValue, model: decision.model, version: decision.version, commit: decision.commit,
                                                    stage: decision.to, signer: signer, evidence: decision.evidenceDigest,
                                                    counted: loaded.stage(stage)?.approvals != nil)))
            return
        }
        let word = verdict == .approve ? "Approved" : "Rejected"
        console.out("\(word) \(decision.model) \(decision.version) (\(decision.commit.prefix(7))) for \(decision.to) as \(signer); signed with \(key)")
        console.out("  over the evidence \(decision.evidenceDigest.prefix(12)) (\(decision.checks.map { "\($0.name): \($0.status)" }.joined(separator: ", ")))")
        if loaded.stage(stage)?.approvals == nil { console.out("  (\(stage) requires no approvals)") }
    }
}

/// `mlgate approve`: a release manager's signed approval.
struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve a model version for a stage with your SSH key (ssh-keygen -Y sign -n mlgate).",
        discussion: "The signature binds model, version, commit, stage and the digest of the evidence; it counts only if your key is in the policy's allowed-signers file.")

    @OptionGroup var request: ApprovalRequest

    func run() throws { try request.sign(.approve) }
}

/// `mlgate reject`: a release manager's signed rejection, which stops the promotion.
struct RejectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject",
        abstract: "Reject a model version for a stage with your SSH key; the gate then rejects it.")

    @OptionGroup var request: ApprovalRequest

    func run() throws { try request.sign(.reject) }
}

/// `mlgate keys`: the allowed-signers line for a key.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Print the allowed-signers line (git's format) for your SSH public key, to add to the policy's signers file.")

    @Option(name: .long, help: "The key (default: git's user.signingkey, else ~/.ssh/id_ed25519); its .pub is read.")
    var key: String?

    @Option(name: .long, help: "The principal (default: git's user.email).")
    var principal: String?

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Append EMAIL's public KEY to the allowed-signers file (the policy's, else .mlgate/allowed_signers).", valueName: "EMAIL KEY"))
    var add: [String] = []

    @Option(name: .long, help: "The allowed-signers file for --add (default: the one mlgate.yml's approvals name, else .mlgate/allowed_signers).")
    var signers: String?

    @OptionGroup var repository: RepositoryOption

    func validate() throws {
        if !add.isEmpty, add.count != 2 { throw ValidationError("--add takes an email and a public key: --add alice@example.com ~/.ssh/id_ed25519.pub") }
    }

    func run() throws {
        let console = ConsoleOutput()
        let registry = try repository.open(console: console)
        if add.count == 2 {
            try append(principal: add[0], key: SigningKey.expand(add[1]), registry: registry, console: console)
            return
        }
        guard let key = SigningKey.find(key, repository: registry.repository) else {
            console.err("mlgate: no SSH key found; pass --key ~/.ssh/id_ed25519.pub (make one with ssh-keygen -t ed25519)")
            throw ExitCode(ExitStatus.invalid)
        }
        let publicKey = key.hasSuffix(".pub") ? key : key + ".pub"
        let who = principal ?? registry.repository.config("user.email") ?? registry.repository.identity().email
        do {
            console.out(try SSHSignatures.allowedSignersLine(publicKeyFile: publicKey, principal: who))
        } catch {
            console.err("mlgate: \(error.description)")
            throw ExitCode(ExitStatus.invalid)
        }
    }

    /// `--add EMAIL KEY`: appends the allowed-signers line, unless the file has it already.
    private func append(principal: String, key: String, registry: Registry, console: ConsoleOutput) throws {
        let publicKey = key.hasSuffix(".pub") ? key : key + ".pub"
        let line: String
        do { line = try SSHSignatures.allowedSignersLine(publicKeyFile: publicKey, principal: principal) } catch {
            console.err("mlgate: \(error.description)")
            throw ExitCode(ExitStatus.invalid)
        }
        let policyFile = (try? PolicyDecoder.load(repositoryRoot: registry.root, file: PolicyDecoder.fileName))?.stages.compactMap(\.approvals?.signers).first
        let relative = signers ?? policyFile ?? ".mlgate/allowed_signers"
        let path = relative.hasPrefix("/") ? relative : registry.root + "/" + relative
        let existing = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        if existing.split(separator: "\n").contains(where: { $0 == line }) {
            console.out("\(relative) already lists \(principal) with this key")
            return
        }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let text = existing + (existing.isEmpty || existing.hasSuffix("\n") ? "" : "\n") + line + "\n"
        do { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) } catch {
            console.err("mlgate: cannot write \(relative): \(error.localizedDescription)")
            throw ExitCode(ExitStatus.invalid)
        }
        console.out("Added \(principal) to \(relative); commit it so the gate reads it")
    }
}

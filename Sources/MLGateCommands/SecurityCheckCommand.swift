import ArgumentParser
import Checks
import Foundation
import GitState
import Promotion
import Reports
import SecurityScan

/// `mlgate check security NAME`: secrets in the tree at a revision (or the working tree, the
/// changes since a revision, or the whole history), read through libgit2.
struct SecurityCheckCommand: CheckSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "security",
        abstract: "Scan for committed secrets and unsafe model files: the tree at a revision, the working tree, new changes, or the whole history.",
        discussion: """
            Built-in rules find the providers' keys and tokens (AWS, GCP, Azure, GitHub, GitLab, \
            Slack, Stripe, OpenAI, Anthropic, Hugging Face, Databricks, W&B, PyPI, npm, SendGrid), \
            private keys, JWTs, database URLs with passwords and generic key = "…" assignments; \
            model files (pickles, PyTorch archives, joblib, numpy object arrays, Keras Lambda layers) \
            that run code when loaded, and invalid safetensors; \
            mlgate.yml's `security:` adds rules, allowlists, a baseline and thresholds (see docs/security.md). \
            Findings show secrets redacted. Exit 1 when a finding is at or above --fail-on.
            Example: mlgate check security secrets --history --sarif reports/security.sarif
            """)

    @Argument(help: "The check's name (evidence is kept per model and name).")
    var name: String

    @Flag(name: .long, help: "Scan the working tree's files (tracked, and untracked ones not ignored) instead of a commit's tree.")
    var worktree = false

    @Option(name: .long, help: "Scan only the blobs the commits after REV added, up to HEAD (a pull request's changes).")
    var since: String?

    @Flag(name: .long, help: "Scan every blob of the history, each once.")
    var history = false

    @Flag(name: .long, help: "Unknown imports in model files fail (high) instead of warning (medium).")
    var strict = false

    @Flag(name: .customLong("require-hashes"), help: "Pinned requirements need --hash= too.")
    var requireHashes = false

    @Option(name: .long, parsing: .upToNextOption, help: "Only these audits: secrets, models, workflows, dependencies (default: all).")
    var only: [String] = []

    @Option(name: .customLong("fail-on"), help: "The lowest severity that fails the check: low, medium, high (default, or mlgate.yml's) or critical.")
    var failOn: String?

    @Option(name: .long, help: "Use this stage's threshold from mlgate.yml's security.stages.")
    var stage: String?

    @Option(name: .long, help: "Accepted findings (a file --write-baseline wrote): only new ones count.")
    var baseline: String?

    @Option(name: .customLong("write-baseline"), help: "Write the findings to this file as the baseline to accept.")
    var writeBaseline: String?

    @Option(name: .long, help: "Also write the findings as SARIF 2.1.0 to this file (GitHub code scanning).")
    var sarif: String?

    @Option(name: .long, help: "The policy file with the `security:` section (default: mlgate.yml at the repository root, when present).")
    var policy: String = PolicyDecoder.fileName

    @OptionGroup var options: CheckOptions

    func validate() throws {
        try Self.validateName(name)
        if [worktree, since != nil, history].filter({ $0 }).count > 1 { throw ValidationError("give one of --worktree, --since REV and --history") }
        if let failOn, Severity(rawValue: failOn) == nil { throw ValidationError("--fail-on is low, medium, high or critical, not '\(failOn)'") }
        for item in only where SecurityCategory(rawValue: item) == nil {
            throw ValidationError("--only takes secrets, models, workflows and dependencies, not '\(item)'")
        }
    }

    func result(console: ConsoleOutput) throws -> (CheckResult, Repository) {
        let (repository, commit) = try options.target(console: console)
        let root = repository.workdir?.path ?? repository.gitDirectory.path
        let config = try securityConfig(root: root, console: console)
        var check = SecurityCheck.Options(name: name)
        check.model = options.model
        check.scope = worktree ? .worktree : since.map { .since($0) } ?? (history ? .history : .tree(commit))
        check.failOn = failOn.flatMap(Severity.init(rawValue:)) ?? config.failOn(stage: stage)
        check.rules = SecretRule.builtIn + config.rules
        check.strict = strict
        check.requireHashes = requireHashes
        if !only.isEmpty { check.categories = Set(only.compactMap(SecurityCategory.init(rawValue:))) }
        check.allowlist = config.allowlist
        if let file = baseline ?? config.baseline {
            let path = file.hasPrefix("/") ? file : (baseline != nil ? FileManager.default.currentDirectoryPath : root) + "/" + file
            // The policy's baseline may not exist yet; one given on the command line must.
            if baseline != nil || FileManager.default.fileExists(atPath: path) {
                do { check.baseline = try SecurityBaseline.read(path) } catch {
                    console.err("mlgate: \(error)")
                    throw ExitCode(ExitStatus.invalid)
                }
            }
        }
        let outcome: SecurityCheck.Outcome
        do { outcome = try SecurityCheck(check).run(repository: repository, commit: commit) } catch {
            console.err("mlgate: \(error.description)")
            throw ExitCode(ExitStatus.invalid)
        }
        if let writeBaseline {
            do { try Data(SecurityBaseline(outcome.findings).json.utf8).write(to: URL(fileURLWithPath: writeBaseline)) } catch {
                console.err("mlgate: cannot write the baseline \(writeBaseline): \(error.localizedDescription)")
                throw ExitCode(ExitStatus.invalid)
            }
        }
        if let sarif {
            let text = SARIF.render(tool: "mlgate", version: MLGate.configuration.version, rules: outcome.rules.map(\.sarifDescriptor),
                                    issues: outcome.findings.map(\.sarifIssue))
            do { try Data(text.utf8).write(to: URL(fileURLWithPath: sarif)) } catch {
                console.err("mlgate: cannot write the SARIF report \(sarif): \(error.localizedDescription)")
                throw ExitCode(ExitStatus.invalid)
            }
        }
        return (outcome.result, repository)
    }

    /// mlgate.yml's `security:` section, when the file exists (an invalid one stops the check).
    private func securityConfig(root: String, console: ConsoleOutput) throws -> SecurityConfig {
        let path = policy.hasPrefix("/") ? policy : root + "/" + policy
        guard FileManager.default.fileExists(atPath: path) else {
            if policy != PolicyDecoder.fileName {
                console.err("mlgate: there is no policy file \(policy)")
                throw ExitCode(ExitStatus.invalid)
            }
            return SecurityConfig()
        }
        do { return try PolicyDecoder.load(repositoryRoot: root, file: policy).security ?? SecurityConfig() } catch {
            console.err("\(error)")
            console.err("mlgate: \(policy) is invalid; nothing was scanned (mlgate policy check lists the problems)")
            throw ExitCode(ExitStatus.invalid)
        }
    }
}

extension SecurityRuleInfo {
    var sarifDescriptor: SARIF.RuleDescriptor {
        SARIF.RuleDescriptor(id: id, summary: summary, help: help, level: severity.sarifLevel, securitySeverity: severity.securitySeverity,
                             tags: ["security", category.rawValue])
    }
}

extension SecurityFinding {
    var sarifIssue: SARIF.Issue {
        var properties = ["severity": severity.rawValue, "confidence": confidence.rawValue]
        if let commit { properties["commit"] = commit }
        return SARIF.Issue(rule: rule, level: severity.sarifLevel, message: message, file: path, line: line, column: column,
                           fingerprints: ["mlgate/v1": fingerprint], properties: properties)
    }
}

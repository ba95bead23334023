import Checks
import Foundation
import GitState
import Reports
@testable import SecurityScan
import Testing
import TestSupport
import YAMLSource

/// Secrets: each built-in provider's token is found (and shown redacted only), placeholders
/// and allowed values are not, and the scopes read what git holds — a commit's tree, the
/// working tree, the changes since a revision, every blob of the history once.
@Suite("Secrets")
struct SecretScanTests {
    /// Deterministic random text, so no real-looking secret is written in this file.
    struct Letters {
        var state: UInt64
        mutating func next(_ n: Int, from alphabet: String = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") -> String {
            let chars = Array(alphabet)
            return String((0..<n).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return chars[Int((state >> 33) % UInt64(chars.count))]
            })
        }
    }

    /// One line per provider, and the rule that must find it.
    static func providerLines() -> [(line: String, rule: String, secret: String)] {
        var r = Letters(state: 42)
        let upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", hex = "0123456789abcdef", alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        let aws = "AK" + "IA" + r.next(16, from: upper)
        let awsSecret = r.next(40, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+")
        let gh = "gh" + "p_" + r.next(36)
        let glab = "gl" + "pat-" + r.next(20)
        let slack = "xo" + "xb-" + r.next(12, from: "0123456789") + "-" + r.next(12, from: "0123456789") + "-" + r.next(24)
        let stripe = "sk" + "_live_" + r.next(24)
        let openai = "sk-" + "proj-" + r.next(30) + "T3Blbk" + "FJ" + r.next(30)
        let anthropic = "sk-" + "ant-api03-" + r.next(93, from: alpha + "0123456789_-")
        let hf = "h" + "f_" + r.next(34, from: alpha)
        let google = "AI" + "za" + r.next(35)
        let databricks = "da" + "pi" + r.next(32, from: hex)
        let npm = "np" + "m_" + r.next(36)
        let jwt = "ey" + "J" + r.next(30) + ".ey" + "J" + r.next(40) + "." + r.next(43)
        let dbPassword = r.next(14)
        let generic = r.next(24)
        return [
            ("aws_access_key_id = \(aws)", "secret/aws-access-key-id", aws),
            ("AWS_SECRET_ACCESS_KEY=\"\(awsSecret)\"", "secret/aws-secret-access-key", awsSecret),
            ("token: \(gh)", "secret/github-token", gh),
            ("GITLAB=\(glab)", "secret/gitlab-token", glab),
            ("slack = '\(slack)'", "secret/slack-token", slack),
            ("stripe.api_key = \"\(stripe)\"", "secret/stripe-key", stripe),
            ("OPENAI_API_KEY=\(openai)", "secret/openai-api-key", openai),
            ("client = Anthropic(api_key=\"\(anthropic)\")", "secret/anthropic-api-key", anthropic),
            ("login(token=\"\(hf)\")", "secret/huggingface-token", hf),
            ("GOOGLE_KEY=\(google)", "secret/gcp-api-key", google),
            ("host = \"adb.cloud\"; tok = \"\(databricks)\"", "secret/databricks-token", databricks),
            ("//registry.npmjs.org/:_authToken=\(npm)", "secret/npm-token", npm),
            ("Authorization: Bearer \(jwt)", "secret/jwt", jwt),
            ("DATABASE_URL=postgresql://app:\(dbPassword)@db.internal:5432/features", "secret/database-url-password", dbPassword),
            ("model_registry_password = \"\(generic)\"", "secret/generic-secret", generic),
        ]
    }

    func scan(_ text: String, path: String = "config.py", scanner: SecretScanner = SecretScanner()) -> [SecurityFinding] {
        Array(text.utf8).withUnsafeBytes { scanner.scan($0, path: path, commit: nil) }
    }

    @Test("every provider's token is found by its rule, at its line and column, and never shown")
    func providers() {
        let lines = Self.providerLines()
        let text = "# settings\n" + lines.map(\.line).joined(separator: "\n") + "\n"
        let findings = scan(text)
        for (k, (line, rule, secret)) in lines.enumerated() {
            let found = findings.filter { $0.line == k + 2 }
            #expect(found.map(\.rule) == [rule], "line \(k + 2) '\(line.prefix(30))…': \(found.map(\.rule))")
            if let finding = found.first {
                let column = line.utf16.distance(from: line.startIndex, to: line.range(of: secret)!.lowerBound) + 1
                #expect(finding.column == column, "\(rule)")
                #expect(!finding.message.contains(secret) && !finding.fingerprint.contains(secret))
                #expect(finding.message.contains("redacted"))
            }
        }
        #expect(findings.count == lines.count, "\(findings.map(\.rule))")
    }

    @Test("placeholders, references, low entropy, inline allows and allowlists are not findings")
    func negatives() throws {
        var r = Letters(state: 7)
        let token = "gh" + "p_" + r.next(36)
        let text = """
            password = "changeme-example-value"
            api_key = os.environ["API_KEY"]
            secret = "aaaaaaaaaaaaaaaaaaaaaaaa"
            token: ${{ secrets.HF_TOKEN }}
            AWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX
            ci_token = "\(token)"  # mlgate:allow (a revoked test token)
            password = "\(r.next(20))"  # pragma: allowlist secret

            """
        #expect(scan(text).isEmpty, "\(scan(text).map { "\($0.line!): \($0.rule)" })")

        let live = "gh" + "p_" + r.next(36)
        let file = "token = \(live)\n"
        #expect(scan(file).count == 1)
        #expect(scan(file, path: "tests/fixtures/fake.env", scanner: SecretScanner(allowlist: SecretAllowlist(paths: ["^tests/fixtures/"]))).isEmpty)
        #expect(scan(file, scanner: SecretScanner(allowlist: SecretAllowlist(regexes: ["^ghp_"]))).isEmpty)
        let fingerprint = try #require(scan(file).first?.fingerprint)
        #expect(fingerprint == "config.py:secret/github-token:1")
        #expect(scan(file, scanner: SecretScanner(allowlist: SecretAllowlist(fingerprints: [fingerprint]))).isEmpty)
        #expect(scan(file, path: "package-lock.json").isEmpty, "lock files hold hashes, not secrets")
        // Binary files are not text anyone wrote a secret into.
        #expect(scan("\u{0}\u{1}PNG" + file).isEmpty)
    }

    @Test("private keys: a PEM or OpenSSH block is found at its BEGIN line; a header alone is not")
    func privateKeys() {
        var r = Letters(state: 3)
        let body = (0..<6).map { _ in r.next(64, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") }.joined(separator: "\n")
        let pem = "key = '''\n-----BEGIN RSA " + "PRIVATE KEY-----\n\(body)\n-----END RSA " + "PRIVATE KEY-----\n'''\n"
        let findings = scan(pem)
        #expect(findings.map(\.rule) == ["secret/private-key"])
        #expect(findings.first?.line == 2)
        #expect(findings.first.map { !$0.message.contains(String(body.prefix(20))) } == true)
        // In a JSON string (a notebook's output): escaped line ends.
        let json = "{\"text\": \"-----BEGIN OPENSSH " + "PRIVATE KEY-----\\n\(body.replacingOccurrences(of: "\n", with: "\\n"))\\n-----END OPENSSH " + "PRIVATE KEY-----\\n\"}"
        #expect(scan(json, path: "out.json").map(\.rule) == ["secret/private-key"])
        let docs = "Paste your key, which starts with -----BEGIN RSA " + "PRIVATE KEY-----, into the form.\n"
        #expect(scan(docs).isEmpty)
    }

    @Test("notebooks: secrets in cells and outputs are found at their lines; image outputs are skipped")
    func notebooks() {
        var r = Letters(state: 11)
        let hf = "h" + "f_" + r.next(34, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        let stripe = "sk" + "_live_" + r.next(24)
        let image = r.next(4000, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") + "key=" + r.next(40)
        let notebook = """
            {
             "cells": [
              {
               "cell_type": "code",
               "source": [
                "from huggingface_hub import login\\n",
                "login(token=\\"\(hf)\\")"
               ],
               "outputs": [
                {
                 "data": {
                  "image/png": "\(image)",
                  "text/plain": ["stripe key sk: \(stripe)"]
                 },
                 "output_type": "display_data"
                }
               ]
              }
             ],
             "nbformat": 4
            }
            """
        let findings = scan(notebook, path: "notebooks/train.ipynb")
        #expect(findings.map(\.rule) == ["secret/huggingface-token", "secret/stripe-key"], "\(findings.map { "\($0.line!): \($0.rule)" })")
        #expect(findings.map(\.line) == [7, 13])
    }

    @Test("user rules from mlgate.yml: their regex, group, keywords, entropy and paths; mistakes at file:line:col")
    func userRules() throws {
        let yaml = """
            security:
              fail_on: medium
              stages: { production: low }
              secrets:
                rules:
                  - id: internal-token
                    regex: 'itk_([a-z0-9]{32})'
                    keywords: [itk_]
                    entropy: 3
                    severity: critical
                    paths: ['\\.env$']
                allow:
                  regexes: ['^itk_0+$']
            """
        let root = try #require(try YAMLNode.parse(yaml, file: "mlgate.yml"))
        guard case .mapping(let pairs) = root.content, let node = pairs.first?.1 else { Issue.record("no mapping"); return }
        let config = try SecurityConfig.decode(node)
        #expect(config.failOn(stage: nil) == .medium && config.failOn(stage: "production") == .low && config.failOn(stage: "staging") == .medium)
        var r = Letters(state: 5)
        let value = r.next(32, from: "abcdefghijklmnopqrstuvwxyz0123456789")
        let scanner = SecretScanner(rules: config.rules, allowlist: config.allowlist)
        let found = scan("TOKEN=itk_\(value)\n", path: "deploy/.env", scanner: scanner)
        #expect(found.map(\.rule) == ["secret/internal-token"])
        #expect(found.first?.severity == .critical)
        #expect(scan("TOKEN=itk_\(value)\n", path: "deploy/app.py", scanner: scanner).isEmpty, "the rule's paths limit it")

        let bad = "security:\n  secrets:\n    rules:\n      - { id: broken, regex: '([a-z' }\n      - { regex: 'x' }\n  fail_on: severe\n"
        let badRoot = try #require(try YAMLNode.parse(bad, file: "mlgate.yml"))
        guard case .mapping(let badPairs) = badRoot.content, let badNode = badPairs.first?.1 else { Issue.record("no mapping"); return }
        do {
            _ = try SecurityConfig.decode(badNode)
            Issue.record("an invalid security section was accepted")
        } catch {
            let text = error.description
            #expect(text.contains("mlgate.yml:4:") && text.contains("is not a valid regular expression"), "\(text)")
            #expect(text.contains("mlgate.yml:5:") && text.contains("needs an 'id'"), "\(text)")
            #expect(text.contains("mlgate.yml:6:") && text.contains("fail_on is one of low, medium, high, critical"), "\(text)")
        }
    }

    /// A repository whose history added a secret, removed it, and added another since.
    func repositoryWithHistory() throws -> (TemporaryRepository, first: String, second: String, old: String, new: String) {
        var r = Letters(state: 99)
        let old = "gh" + "p_" + r.next(36)
        let new = "sk" + "_live_" + r.next(24)
        let repo = try TemporaryRepository()
        try repo.write("train.py", "import os\n")
        try repo.write("config/dev.env", "GITHUB_TOKEN=\(old)\n")
        let first = try repo.commitAll("add config")
        try repo.write("config/dev.env", "GITHUB_TOKEN=${GITHUB_TOKEN}\n")
        let second = try repo.commitAll("read the token from the environment")
        try repo.write("serve.py", "import os\nSTRIPE = \"\(new)\"\n")
        _ = try repo.commitAll("serve")
        return (repo, first, second, old, new)
    }

    func check(_ repo: TemporaryRepository, _ scope: SecurityCheck.Scope, baseline: SecurityBaseline? = nil) throws -> SecurityCheck.Outcome {
        let repository = try Repository(discovering: repo.path)
        var options = SecurityCheck.Options(name: "secrets")
        options.scope = scope
        options.baseline = baseline
        let head = try repository.resolveCommit("HEAD")
        return try SecurityCheck(options).run(repository: repository, commit: head)
    }

    @Test("scopes: the tree holds today's secret, the history both (at the commits that added them), --since only the new one")
    func scopes() throws {
        let (repo, first, second, old, new) = try repositoryWithHistory()
        let tree = try check(repo, .tree("HEAD"))
        #expect(tree.findings.map(\.rule) == ["secret/stripe-key"])
        #expect(tree.findings.first?.location == "serve.py:2")
        #expect(tree.result.status == .fail && tree.result.kind == .security)
        #expect(tree.findings.first?.commit == nil, "a tree's findings are not pinned to a commit")
        // One rule per audit family, as the table and --junit show them.
        #expect(tree.result.rules.map(\.metric) == ["secrets.findings", "models.findings", "workflows.findings", "dependencies.findings"])
        #expect(tree.result.rules.map(\.verdict) == [.fail, .pass, .pass, .pass])
        #expect(tree.result.junitXML.contains("<testcase classname=\"mlgate.security.secrets\" name=\"secrets: nothing at or above high\"><failure"))

        let history = try check(repo, .history)
        #expect(Set(history.findings.map(\.rule)) == ["secret/github-token", "secret/stripe-key"])
        let github = try #require(history.findings.first { $0.rule == "secret/github-token" })
        #expect(github.commit == first)
        #expect(github.fingerprint == "\(first):config/dev.env:secret/github-token:1")

        let since = try check(repo, .since(second))
        #expect(since.findings.map(\.rule) == ["secret/stripe-key"])

        // Nothing of either secret in the result that is recorded as evidence.
        for outcome in [tree, history, since] {
            let json = outcome.result.canonicalJSON
            #expect(!json.contains(old) && !json.contains(new))
        }
    }

    @Test("the working tree: tracked and untracked files, not ignored ones; a baseline accepts what it lists, new findings still fail")
    func worktreeAndBaseline() throws {
        let (repo, _, _, _, _) = try repositoryWithHistory()
        var r = Letters(state: 123)
        try repo.write(".gitignore", "secrets.local\n")
        try repo.write("secrets.local", "HF=" + "h" + "f_" + r.next(34, from: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") + "\n")
        try repo.write("notes.md", "slack: " + "xo" + "xb-" + r.next(12, from: "0123456789") + "-" + r.next(12, from: "0123456789") + "-" + r.next(24) + "\n")
        let worktree = try check(repo, .worktree)
        #expect(Set(worktree.findings.map(\.path)) == ["serve.py", "notes.md"], "\(worktree.findings.map(\.location))")

        let baseline = SecurityBaseline(worktree.findings)
        let again = try check(repo, .worktree, baseline: baseline)
        #expect(again.findings.isEmpty && again.baselined == 2 && again.result.status == .pass)
        // The secret moved down a line: still the accepted one.
        try repo.write("notes.md", "# notes\n" + (try String(contentsOfFile: repo.path + "/notes.md", encoding: .utf8)))
        #expect(try check(repo, .worktree, baseline: baseline).findings.isEmpty)
        try repo.write("more.py", "key = \"" + "sk" + "_live_" + r.next(24) + "\"\n")
        let more = try check(repo, .worktree, baseline: baseline)
        #expect(more.findings.map(\.path) == ["more.py"] && more.result.status == .fail)
        // Round trip of the file.
        let decoded = try JSONDecoder().decode(SecurityBaseline.self, from: Data(baseline.json.utf8))
        #expect(decoded == baseline)
    }

    @Test("SARIF: one run, every rule with help and severity, results pointing at their rules with fingerprints")
    func sarif() throws {
        let (repo, _, _, _, _) = try repositoryWithHistory()
        let outcome = try check(repo, .history)
        let text = SARIF.render(tool: "mlgate", version: "test",
                                rules: outcome.rules.map { SARIF.RuleDescriptor(id: $0.id, summary: $0.summary, help: $0.help, level: $0.severity.sarifLevel, securitySeverity: $0.severity.securitySeverity) },
                                issues: outcome.findings.map { SARIF.Issue(rule: $0.rule, level: $0.severity.sarifLevel, message: $0.message, file: $0.path, line: $0.line, column: $0.column, fingerprints: ["mlgate/v1": $0.fingerprint]) })
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(json["version"] as? String == "2.1.0")
        let runs = try #require(json["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try #require(driver["rules"] as? [[String: Any]])
        let ids = rules.compactMap { $0["id"] as? String }
        #expect(ids.contains("secret/github-token") && ids.contains("secret/private-key"))
        #expect(rules.allSatisfy { ($0["help"] as? [String: Any])?["text"] is String && ($0["properties"] as? [String: Any])?["security-severity"] is String })
        let results = try #require(runs[0]["results"] as? [[String: Any]])
        #expect(results.count == outcome.findings.count)
        for result in results {
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(ids[index] == result["ruleId"] as? String)
            #expect((result["partialFingerprints"] as? [String: String])?["mlgate/v1"] != nil)
            let region = ((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Any]
            #expect((region?["startLine"] as? Int ?? 0) >= 1)
        }
        // The SARIF 2.1.0 object model (PyPI sarif-pydantic: types, enumerations, required
        // properties) accepts it, and refuses it with a level SARIF does not have.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mlgate-\(UUID().uuidString.prefix(8)).sarif").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let python = ProjectPaths.root + "/.build/peers-venv/bin/python"
        let check = "import json, sys\nfrom sarif_pydantic import Sarif\ndoc = json.load(open(sys.argv[1]))\nSarif.model_validate(doc)\ndoc['runs'][0]['results'][0]['level'] = 'fatal'\ntry:\n    Sarif.model_validate(doc)\n    print('accepted')\nexcept Exception:\n    print('refused')\n"
        let run = try ProcessRunner.run(python, ["-c", check, file], in: FileManager.default.temporaryDirectory.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "refused")
    }

    @Test("200 generated files of keywords, tokens, long lines and invalid UTF-8: findings at real lines, never a crash")
    func fuzz() {
        var r = Letters(state: 2026)
        let pieces: [[UInt8]] = [Array("key".utf8), Array("token = \"".utf8), Array("ghp_".utf8), Array("-----BEGIN RSA PRIVATE KEY-----".utf8),
                                 Array("-----END RSA PRIVATE KEY-----".utf8), Array("postgres://u:".utf8), Array("@h/".utf8), Array("AKIA".utf8),
                                 Array("\n".utf8), Array("\r\n".utf8), [0xFF, 0xFE], [0xC3], Array("\"".utf8), Array("mlgate:allow".utf8), Array("eyJ".utf8)]
        let scanner = SecretScanner()
        for round in 0..<200 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(r.next(1, from: "0123456789").utf8.first! - 0x30) * 12 + 1 {
                let choice = Int(r.next(1, from: "0123456789abcdefghij").utf8.first!) % (pieces.count + 2)
                if choice < pieces.count { bytes += pieces[choice] } else { bytes += Array(r.next(choice == pieces.count ? 40 : 2500).utf8) }
            }
            let findings = bytes.withUnsafeBytes { scanner.scan($0, path: round % 7 == 0 ? "n.ipynb" : "f.txt", commit: nil) }
            let lines = bytes.filter { $0 == 0x0A }.count + 1
            for finding in findings {
                #expect((1...lines).contains(finding.line ?? 0), "round \(round): line \(finding.line ?? 0) of \(lines)")
                #expect((finding.column ?? 0) >= 1)
            }
        }
    }
}

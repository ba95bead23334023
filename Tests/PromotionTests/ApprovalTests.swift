import Foundation
import Testing
import TestSupport

/// Approvals signed with SSH keys (`ssh-keygen -Y`), counted only when nobody could forge them.
@Suite("Approvals", .serialized)
struct ApprovalTests {
    /// Keys in a temporary folder (removed with the last reference): the commit's author
    /// (listed), bob (listed), mallory (not).
    final class Keys {
        let folder: String
        var author: String { folder + "/author" }
        var bob: String { folder + "/bob" }
        var mallory: String { folder + "/mallory" }

        init() throws {
            folder = NSTemporaryDirectory() + "mlgate-keys-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for name in ["author", "bob", "mallory"] {
                let made = try ProcessRunner.run("/usr/bin/env", ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", folder + "/" + name], in: folder)
                guard made.status == 0 else { throw TestSupportError("ssh-keygen failed: \(made.stderr)") }
            }
        }

        deinit { try? FileManager.default.removeItem(atPath: folder) }
    }

    func mlgate(_ arguments: [String], _ repo: TemporaryRepository) throws -> ProcessRunner.Result {
        try MLGateExecutable.run(arguments, in: repo.path)
    }

    /// churn v1.0.0 in staging with its unit check passed; production needs one approval.
    func project(_ keys: Keys) throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("mlgate.yml", """
            stages:
              staging: {}
              production:
                from: staging
                checks: [unit]
                approvals: { required: 1, signers: .mlgate/allowed_signers, prevent_self_review: true }
            """)
        try repo.write("model.txt", "weights\n")
        var signers = ""
        for (key, principal) in [(keys.author, "test@example.com"), (keys.bob, "bob@example.com")] {
            let line = try MLGateExecutable.run(["keys", "--key", key, "--principal", principal], in: repo.path)
            #expect(line.status == 0, "\(line.stderr)")
            signers += line.stdout
        }
        try repo.write(".mlgate/allowed_signers", signers)
        _ = try repo.commitAll("model")
        #expect(try mlgate(["register", "churn", "--version", "v1.0.0"], repo).status == 0)
        #expect(try mlgate(["check", "command", "unit", "--model", "churn", "--record", "--", "true"], repo).status == 0)
        #expect(try mlgate(["promote", "churn", "--to", "staging", "--no-deploy"], repo).status == 0)
        return repo
    }

    func approve(_ key: String, as principal: String, _ repo: TemporaryRepository, verb: String = "approve",
                 stage: String = "production", comment: String = "ok") throws -> ProcessRunner.Result {
        try mlgate([verb, "churn", "--version", "v1.0.0", "--stage", stage, "--key", key, "--principal", principal, "--comment", comment], repo)
    }

    @Test("only a listed signer who did not write the commit counts; what would not count is not recorded")
    func whoCounts() throws {
        let keys = try Keys()
        let repo = try project(keys)
        let holding = try mlgate(["gate", "churn", "--to", "production"], repo)
        #expect(holding.status == 3)
        #expect(holding.stdout.contains("production needs 1 approval(s), has 0"))

        let stranger = try approve(keys.mallory, as: "mallory@example.com", repo)
        #expect(stranger.status == 1)
        #expect(stranger.stderr.contains("not recorded: mallory@example.com's approve is signed by a key not in .mlgate/allowed_signers"))
        // Claiming to be bob with mallory's key changes nothing.
        #expect(try approve(keys.mallory, as: "bob@example.com", repo).status == 1)
        let author = try approve(keys.author, as: "test@example.com", repo)
        #expect(author.status == 1)
        #expect(author.stderr.contains("wrote the commit and may not approve it (prevent_self_review)"))
        #expect(try repo.git("notes", "--ref", "mlgate-approvals", "list").isEmpty, "nothing was written")

        let bob = try approve(keys.bob, as: "bob@example.com", repo)
        #expect(bob.status == 0, "\(bob.stderr)")
        let gate = try mlgate(["gate", "churn", "--to", "production", "--json"], repo)
        #expect(gate.status == 0, "\(gate.stdout)")
        #expect(gate.stdout.contains("\"valid\":[\"bob@example.com\"]"))
        #expect(try mlgate(["promote", "churn", "--to", "production", "--no-deploy"], repo).status == 0)
        let history = try mlgate(["history", "churn"], repo).stdout
        #expect(history.contains("approved"))
        #expect(history.contains("bob@example.com"))
        // In the order things happened, though all of it may fall within one second: the
        // approval after the staging assignment and before the production one it allowed.
        let json = try mlgate(["history", "churn", "--json"], repo).stdout
        let events = ((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["events"] as? [[String: Any]] ?? [])
            .map { "\($0["event"]!) \(($0["stage"] as? String) ?? "")" }
        #expect(events == ["registered ", "assigned staging", "approved production", "assigned production"], "\(events)")
    }

    @Test("an approval stops counting when the evidence changes, or when any byte of it is altered")
    func forgeries() throws {
        let keys = try Keys()
        let repo = try project(keys)
        #expect(try approve(keys.bob, as: "bob@example.com", repo).status == 0)
        #expect(try mlgate(["gate", "churn", "--to", "production"], repo).status == 0)

        // The check is recorded again, differently: new evidence, which bob has not seen.
        #expect(try mlgate(["check", "command", "unit", "--model", "churn", "--record", "--", "sh", "-c", "exit 0"], repo).status == 0)
        let stale = try mlgate(["gate", "churn", "--to", "production"], repo)
        #expect(stale.status == 3)
        #expect(stale.stdout.contains("bob@example.com's approve was given for other evidence"))

        #expect(try approve(keys.bob, as: "bob@example.com", repo, comment: "ok").status == 0)
        #expect(try mlgate(["gate", "churn", "--to", "production"], repo).status == 0)
        // Alter one character of the recorded statements (the comment), keeping everything else.
        let commit = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        let note = try repo.git("notes", "--ref", "mlgate-approvals", "show", commit)
        let altered = note.replacingOccurrences(of: "comment: ok", with: "comment: oK")
        #expect(altered != note)
        _ = try repo.git("notes", "--ref", "mlgate-approvals", "add", "-f", "-m", altered, commit)
        let tampered = try mlgate(["gate", "churn", "--to", "production"], repo)
        #expect(tampered.status == 3)
        #expect(tampered.stdout.contains("has a signature that does not verify (altered?)"))
    }

    @Test("approvals for another stage do not count; a signed rejection rejects")
    func stagesAndRejections() throws {
        let keys = try Keys()
        let repo = try project(keys)
        #expect(try approve(keys.bob, as: "bob@example.com", repo, stage: "staging").status == 0)
        let other = try mlgate(["gate", "churn", "--to", "production"], repo)
        #expect(other.status == 3)
        #expect(other.stdout.contains("is for stage staging, not production"))

        let rejected = try approve(keys.bob, as: "bob@example.com", repo, verb: "reject", comment: "drift on the holdout set")
        #expect(rejected.status == 0, "\(rejected.stderr)")
        let gate = try mlgate(["gate", "churn", "--to", "production"], repo)
        #expect(gate.status == 1)
        #expect(gate.stdout.contains("rejected by bob@example.com: drift on the holdout set"))
    }

    @Test("approve --key records the principal the allowed-signers file lists for that key, not git's user.email; keys --add appends a signer")
    func principalFromKey() throws {
        let keys = try Keys()
        let repo = try project(keys)
        // git's user.email here is the author's; bob's key is listed as bob@example.com.
        let approved = try mlgate(["approve", "churn", "--version", "v1.0.0", "--stage", "production", "--key", keys.bob, "--json"], repo)
        #expect(approved.status == 0, "\(approved.stderr)")
        let recorded = try #require(try JSONSerialization.jsonObject(with: Data(approved.stdout.utf8)) as? [String: Any], "\(approved.stdout)")
        #expect(recorded["action"] as? String == "approve" && recorded["signer"] as? String == "bob@example.com"
                && recorded["stage"] as? String == "production" && recorded["version"] as? String == "v1.0.0" && recorded["counted"] as? Bool == true)
        let json = try mlgate(["history", "churn", "--json"], repo).stdout
        let approvals = ((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["events"] as? [[String: Any]] ?? []).filter { $0["event"] as? String == "approved" }
        #expect(approvals.map { $0["by"] as? String } == ["bob@example.com"])
        #expect(try mlgate(["gate", "churn", "--to", "production", "--json"], repo).stdout.contains("\"valid\":[\"bob@example.com\"]"))

        // keys --add: the policy's signers file gains mallory's line, once.
        let added = try mlgate(["keys", "--add", "mallory@example.com", keys.mallory + ".pub"], repo)
        #expect(added.status == 0 && added.stdout.contains("Added mallory@example.com to .mlgate/allowed_signers"), "\(added.stdout)\(added.stderr)")
        let again = try mlgate(["keys", "--add", "mallory@example.com", keys.mallory + ".pub"], repo)
        #expect(again.stdout.contains("already lists"))
        let file = try String(contentsOfFile: repo.path + "/.mlgate/allowed_signers", encoding: .utf8)
        #expect(file.split(separator: "\n").filter { $0.hasPrefix("mallory@example.com ") }.count == 1)
        #expect(file.split(separator: "\n").count == 3)
    }
}

import Foundation
import GitState
import Promotion
import Testing
import TestSupport

/// `mlgate gate` and `mlgate promote` against a policy, as a CI job calls them.
@Suite("Gate and promote", .serialized)
struct GateTests {
    static let policy = """
        models:
          churn: {}
        stages:
          staging:
            checks: [unit, { name: data, allow_warn: true }]
            branches: [main]
          production:
            from: staging
            wait: 1h
            checks: [unit]
        """

    /// A repository with the policy, a deployment workflow and churn v1.0.0 registered.
    func project(deploy: String = "echo \"deploying ${{ github.event.deployment.payload.model }} ${{ github.event.deployment.payload.version }} to ${{ github.event.deployment.environment }} at ${{ github.ref }}\"") throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("mlgate.yml", Self.policy)
        try repo.write(".github/workflows/deploy.yml", """
            on: deployment
            jobs:
              deploy:
                runs-on: ubuntu-latest
                steps:
                  - run: \(deploy)
            """)
        try repo.write("model.txt", "weights\n")
        _ = try repo.commitAll("model")
        #expect(try mlgate(["register", "churn", "--version", "v1.0.0"], repo).status == 0)
        return repo
    }

    @discardableResult
    func mlgate(_ arguments: [String], _ repo: TemporaryRepository) throws -> ProcessRunner.Result {
        try MLGateExecutable.run(arguments, in: repo.path)
    }

    func record(_ check: String, _ command: String, _ repo: TemporaryRepository) throws {
        try mlgate(["check", "command", check, "--model", "churn", "--record", "--", "sh", "-c", command], repo)
    }

    @Test("missing or failed evidence rejects; passing evidence promotes, records the decision and deploys")
    func promote() throws {
        let repo = try project()
        let missing = try mlgate(["gate", "churn", "--to", "staging"], repo)
        #expect(missing.status == 1)
        #expect(missing.stdout.contains("✗ reject: churn v1.0.0"))
        #expect(missing.stdout.contains("check unit has no recorded result"))

        try record("unit", "exit 1", repo)
        try record("data", "exit 0", repo)
        let failed = try mlgate(["gate", "churn", "--to", "staging"], repo)
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("check unit failed"))

        try record("unit", "exit 0", repo)
        let gate = try mlgate(["gate", "churn", "--to", "staging", "--json"], repo)
        #expect(gate.status == 0)
        let decision = try JSONDecoder().decode(Decision.self, from: Data(gate.stdout.utf8))
        #expect(decision.decision == .promote)
        #expect(decision.checks.map(\.status) == ["pass", "pass"])
        #expect(try repo.git("tag", "-l", "churn#*").isEmpty, "gate changes nothing")

        let promote = try mlgate(["promote", "churn", "--to", "staging"], repo)
        #expect(promote.status == 0, "\(promote.stdout)\(promote.stderr)")
        #expect(promote.stdout.contains("recorded as tag churn#staging#1"))
        #expect(promote.stdout.contains("deploying churn v1.0.0 to staging at refs/tags/churn#staging#1"), "github.ref is the tag written: \(promote.stdout)")
        let message = try repo.git("tag", "-l", "--format=%(contents)", "churn#staging#1")
        #expect(message.contains("\"decision\":\"promote\""))
        #expect(try mlgate(["show", "churn#staging", "--ref"], repo).stdout == "churn@v1.0.0\n")

        // Again: nothing to change, still exit 0 for a re-run CI job.
        let again = try mlgate(["promote", "churn", "--to", "staging"], repo)
        #expect(again.status == 0)
        #expect(again.stdout.contains("already in staging"))
        #expect(try repo.git("tag", "-l", "churn#*").split(separator: "\n").count == 1)
    }

    @Test("production needs staging first, then holds on the wait timer (exit 3)")
    func fromAndWait() throws {
        let repo = try project()
        try record("unit", "exit 0", repo)
        let notInStaging = try mlgate(["gate", "churn", "--to", "production"], repo)
        #expect(notInStaging.status == 1)
        #expect(notInStaging.stdout.contains("v1.0.0 is not in staging, which production requires (staging is empty)"))
        try record("data", "echo warned; exit 0", repo)
        #expect(try mlgate(["promote", "churn", "--to", "staging", "--no-deploy"], repo).status == 0)
        let waiting = try mlgate(["gate", "churn", "--to", "production"], repo)
        #expect(waiting.status == 3)
        #expect(waiting.stdout.contains("… hold"))
        #expect(waiting.stdout.contains("the wait timer: v1.0.0 entered staging at"))
        let promote = try mlgate(["promote", "churn", "--to", "production"], repo)
        #expect(promote.status == 3)
        #expect(try repo.git("tag", "-l", "churn#production*").isEmpty)
    }

    @Test("a commit not on an accepted branch is rejected")
    func branches() throws {
        let repo = try project()
        _ = try repo.git("checkout", "-q", "-b", "experiment")
        try repo.write("model.txt", "experimental weights\n")
        _ = try repo.commitAll("experiment")
        #expect(try mlgate(["register", "churn", "--bump", "minor"], repo).status == 0)
        try record("unit", "exit 0", repo)
        try record("data", "exit 0", repo)
        let gate = try mlgate(["gate", "churn", "--to", "staging"], repo)
        #expect(gate.status == 1)
        #expect(gate.stdout.contains("is not on a branch staging accepts (main)"))
        // Evidence belongs to the commit it checked: v1.0.0 (on main) has none yet.
        let older = try mlgate(["gate", "churn", "--to", "staging", "--version", "v1.0.0"], repo)
        #expect(older.stdout.contains("check unit has no recorded result"), "evidence is per commit")
    }

    @Test("a failed deployment leaves the promotion recorded and exits 1")
    func failedDeployment() throws {
        let repo = try project(deploy: "exit 4")
        try record("unit", "exit 0", repo)
        try record("data", "exit 0", repo)
        let promote = try mlgate(["promote", "churn", "--to", "staging"], repo)
        #expect(promote.status == 1)
        #expect(promote.stderr.contains("is in staging, but its deployment workflow failed"))
        #expect(try mlgate(["show", "churn#staging", "--ref"], repo).stdout == "churn@v1.0.0\n")
    }

    @Test("unknown stages, models and versions are usage errors (exit 2)")
    func usage() throws {
        let repo = try project()
        let cases: [([String], String)] = [
            (["gate", "churn", "--to", "prod"], "there is no stage 'prod' in mlgate.yml; stages: staging, production"),
            (["gate", "fraud", "--to", "staging"], "model 'fraud' is not in mlgate.yml"),
            (["gate", "churn", "--to", "staging", "--version", "v9.9.9"], "churn has no version v9.9.9"),
            (["gate", "churn", "--to", "staging", "--version", "v1.0.0", "--rev", "HEAD"], "give --version or --rev, not both"),
        ]
        for (arguments, message) in cases {
            let result = try mlgate(arguments, repo)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    @Test("without 'from', the wait timer counts from entering the stage before, else from registration")
    func waitWithoutFrom() throws {
        let repo = try TemporaryRepository()
        try repo.write("mlgate.yml", "stages:\n  staging: {}\n  production:\n    wait: 2h\n")
        try repo.write("model.txt", "weights\n")
        _ = try repo.commitAll("model")
        #expect(try mlgate(["register", "churn", "--version", "v1.0.0"], repo).status == 0)
        let fresh = try mlgate(["gate", "churn", "--to", "production"], repo)
        #expect(fresh.status == 3)
        #expect(fresh.stdout.contains("v1.0.0 was registered at"))
        #expect(try mlgate(["promote", "churn", "--to", "staging", "--no-deploy"], repo).status == 0)
        #expect(try mlgate(["gate", "churn", "--to", "production"], repo).stdout.contains("v1.0.0 entered staging at"))
    }
}

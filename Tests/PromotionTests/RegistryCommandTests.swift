import Foundation
import Testing
import TestSupport

/// `mlgate register | status | show | history` as a user runs them.
@Suite("Registry commands")
struct RegistryCommandTests {
    func run(_ arguments: [String], in repo: TemporaryRepository) throws -> ProcessRunner.Result {
        try MLGateExecutable.run(arguments, in: repo.path)
    }

    func run(_ arguments: String..., in repo: TemporaryRepository) throws -> ProcessRunner.Result {
        try MLGateExecutable.run(arguments, in: repo.path)
    }

    @Test("register, then status, show and history say what happened")
    func story() throws {
        let repo = try TemporaryRepository()
        try repo.write("model.txt", "1\n")
        let first = try repo.commitAll("train 1")
        try repo.write("model.txt", "2\n")
        _ = try repo.commitAll("train 2")

        let registered = try run("register", "churn", first, "--version", "1.0.0", in: repo)
        #expect(registered.status == 0)
        #expect(registered.stdout.contains("Registered churn v1.0.0 at \(first.prefix(7)) (tag churn@v1.0.0)"))
        #expect(try run("register", "churn", "--bump", "minor", "-m", "retrained on November data", in: repo).stdout
            .contains("Registered churn v1.1.0"))

        let status = try run("status", in: repo)
        #expect(status.status == 0)
        #expect(status.stdout.contains("MODEL  STAGE     VERSION  COMMIT"))
        #expect(status.stdout.contains("churn  (latest)  v1.1.0"))
        #expect(try run("show", "churn@latest", "--ref", in: repo).stdout == "churn@v1.1.0\n")
        #expect(try run("show", "churn@v1.0.0", in: repo).stdout.contains("churn v1.0.0 at \(first)"))

        let history = try run("history", "churn", in: repo)
        #expect(history.stdout.contains("registered  v1.0.0"))
        #expect(history.stdout.contains("retrained on November data"))
        #expect(history.stdout.contains("Test User"))
    }

    @Test("bad input is refused with exit 2 and changes nothing; an empty stage is exit 1")
    func refusals() throws {
        let repo = try TemporaryRepository()
        try repo.write("model.txt", "1\n")
        _ = try repo.commitAll("train")
        let cases: [([String], String)] = [
            (["register", "bad name"], "is not a valid model name"),
            (["register", "churn", "--version", "1.0"], "is not a semantic version"),
            (["register", "churn", "--bump", "huge"], "--bump must be major, minor or patch"),
            (["register", "churn", "--version", "v1.0.0", "--bump", "minor"], "either --version or --bump"),
            (["register", "churn", "nosuchrev"], "does not name a commit"),
            (["status", "nosuchmodel"], "no model 'nosuchmodel' in the registry; nothing is registered yet"),
        ]
        for (arguments, message) in cases {
            let result = try MLGateExecutable.run(arguments, in: repo.path)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(try repo.git("tag", "-l").isEmpty)

        #expect(try run("register", "churn", in: repo).status == 0)
        let again = try run("register", "churn", in: repo)
        #expect(again.status == 2)
        #expect(again.stderr.contains("already registered at"))
        let empty = try run("show", "churn#production", in: repo)
        #expect(empty.status == 1)
        #expect(empty.stderr.contains("no version of churn is in production; no stage holds one of its versions yet"), "\(empty.stderr)")

        let outside = try MLGateExecutable.run(["status"], in: NSTemporaryDirectory())
        #expect(outside.status == 2)
        #expect(outside.stderr.contains("is not inside a git repository"))
    }

    @Test("deregister and deprecate write GTO's tags; the gate refuses what they mark")
    func deregisterAndDeprecate() throws {
        let (repo, shas) = try TemporaryRepository.withTrainingCommits(2)
        try repo.write("mlgate.yml", "stages:\n  staging: {}\n")
        _ = try repo.commitAll("policy")
        #expect(try run("register", "churn", shas[0], "--version", "v1.0.0", in: repo).status == 0)
        #expect(try run("register", "churn", shas[1], "--version", "v1.1.0", in: repo).status == 0)
        let gone = try run("deregister", "churn", "v1.1.0", "-m", "bad calibration", in: repo)
        #expect(gone.status == 0, "\(gone.stderr)")
        #expect(try repo.git("tag", "-l", "churn@v1.1.0!") == "churn@v1.1.0!\n")
        #expect(try run("show", "churn@latest", "--ref", in: repo).stdout == "churn@v1.0.0\n")
        let refused = try run("gate", "churn", "--to", "staging", "--version", "v1.1.0", in: repo)
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("v1.1.0 is deregistered"))
        #expect(try run("deregister", "churn", "v1.1.0", in: repo).status == 2)

        #expect(try run("deprecate", "churn", in: repo).status == 0)
        #expect(try repo.git("tag", "-l", "churn@deprecated") == "churn@deprecated\n")
        #expect(try run("gate", "churn", "--to", "staging", in: repo).stdout.contains("churn is deprecated"))
        let history = try run("history", "churn", in: repo).stdout
        #expect(history.contains("deregistered  v1.1.0"))
        #expect(history.contains("deprecated"))
    }

    @Test("--json on every registry write: one object saying what was written")
    func writesAsJSON() throws {
        let (repo, shas) = try TemporaryRepository.withTrainingCommits(2)
        func object(_ arguments: String...) throws -> [String: Any] {
            let result = try run(arguments + ["--json"], in: repo)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
        }
        let registered = try object("register", "churn", shas[0], "--version", "v1.0.0")
        #expect(registered["action"] as? String == "register" && registered["tag"] as? String == "churn@v1.0.0"
                && registered["commit"] as? String == shas[0] && registered["written"] as? Bool == true)
        let again = try object("register", "churn", shas[0], "--exists-ok")
        #expect(again["written"] as? Bool == false)
        _ = try object("register", "churn", shas[1], "--version", "v1.1.0")
        let assigned = try object("assign", "churn", "dev", "--version", "v1.1.0")
        #expect(assigned["tag"] as? String == "churn#dev#1")
        let deregistered = try object("deregister", "churn", "v1.1.0")
        #expect(deregistered["action"] as? String == "deregister" && deregistered["tag"] as? String == "churn@v1.1.0!" && deregistered["commit"] as? String == shas[1])
        let deprecated = try object("deprecate", "churn")
        #expect(deprecated["action"] as? String == "deprecate" && deprecated["tag"] as? String == "churn@deprecated")
    }
}

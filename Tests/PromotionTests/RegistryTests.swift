import Foundation
import GitState
import Promotion
import Testing
import TestSupport

@Suite("Registry in git tags")
struct RegistryTests {

    @Test("register versions: explicit, bumped, first; refusals")
    func register() throws {
        let (repo, shas) = try TemporaryRepository.withTrainingCommits(3)
        let registry = Registry(repository: try Repository(discovering: repo.path))
        #expect(try registry.register("churn", revision: shas[0]).description == "churn@v0.0.1")
        #expect(try registry.register("churn", version: SemanticVersion("v1.0.0"), revision: shas[1]).description == "churn@v1.0.0")
        #expect(try registry.register("churn", bump: .minor, revision: shas[2]).description == "churn@v1.1.0")
        #expect(throws: RegistryError.self) { try registry.register("churn", revision: shas[2]) }  // commit already has a version
        #expect(throws: RegistryError.self) { try registry.register("fraud", version: SemanticVersion("v1.0.0"), revision: "nosuchrev") }
        #expect(throws: RegistryError.self) { try registry.register("-bad-", revision: shas[0]) }

        let model = try #require(try registry.state().model("churn"))
        #expect(model.versions.map(\.version.description) == ["v0.0.1", "v1.0.0", "v1.1.0"])
        #expect(model.latest?.commit == shas[2])
        #expect(model.versions[0].registered.message == "Registering artifact churn version v0.0.1")
        // What git itself sees: an annotated tag on the commit.
        #expect(try repo.git("cat-file", "-t", "churn@v1.0.0").trimmingCharacters(in: .whitespacesAndNewlines) == "tag")
        #expect(try repo.git("rev-parse", "churn@v1.0.0^{commit}").trimmingCharacters(in: .whitespacesAndNewlines) == shas[1])
    }

    @Test("a stage's current version is the highest counter, and unassigning falls back")
    func stages() throws {
        let (repo, shas) = try TemporaryRepository.withTrainingCommits(3)
        let registry = Registry(repository: try Repository(discovering: repo.path))
        try registry.register("churn", version: SemanticVersion("v1.0.0"), revision: shas[0])
        try registry.register("churn", version: SemanticVersion("v2.0.0"), revision: shas[1])
        try registry.assign("churn", stage: "staging", commit: shas[0], message: "m")
        try registry.assign("churn", stage: "production", commit: shas[1], message: "m")
        #expect(try registry.state().model("churn")?.current(in: "production")?.version == "v2.0.0")
        // Going back to v1.0.0 with a newer assignment wins although v2.0.0 is the greater version.
        let back = try registry.assign("churn", stage: "production", commit: shas[0], message: "rollback")
        #expect(back.description == "churn#production#3")
        var model = try #require(try registry.state().model("churn"))
        #expect(model.current(in: "production")?.version == "v1.0.0")
        #expect(model.previous(in: "production")?.version == "v2.0.0")
        // Unassigning the current version leaves the previous one in the stage.
        try registry.unassign("churn", stage: "production", commit: shas[0], message: "m")
        model = try #require(try registry.state().model("churn"))
        #expect(model.current(in: "production")?.version == "v2.0.0")
        #expect(model.current(in: "staging")?.version == "v1.0.0")
        #expect(model.stageEvents.map(\.counter) == [1, 2, 3, 4])
        // An assignment on a commit with no version names the commit, as GTO does.
        try registry.assign("churn", stage: "dev", commit: shas[2], message: "m")
        #expect(try registry.state().model("churn")?.current(in: "dev")?.version == shas[2])
    }

    @Test("models whose tags interleave in the reference listing keep their own versions, stages and counters, packed or loose")
    func interleavedModels() throws {
        let (repo, shas) = try TemporaryRepository.withTrainingCommits(4)
        let registry = Registry(repository: try Repository(discovering: repo.path))
        // Listed by name, `a-b@…`, `a0@…` and `ab@…` fall between `a#…` and `a@…`.
        for (i, version) in ["v1.9.0", "v1.10.0", "v1.2.0"].enumerated() {
            try registry.register("a", version: SemanticVersion(version), revision: shas[i])
        }
        try registry.register("a-b", version: SemanticVersion("v0.1.0"), revision: shas[0])
        try registry.register("a0", version: SemanticVersion("v2.0.0"), revision: shas[3])
        try registry.register("ab", version: SemanticVersion("v3.0.0"), revision: shas[1])
        try registry.assign("a", stage: "prod", commit: shas[1], message: "m")
        try registry.assign("a-b", stage: "dev", commit: shas[0], message: "m")
        try registry.assign("a", stage: "dev", commit: shas[2], message: "m")
        _ = try registry.deregister("a", version: "v1.2.0")
        for packed in [false, true] {
            if packed { _ = try repo.git("pack-refs", "--all") }
            let state = try Registry(repository: try Repository(discovering: repo.path)).state()
            #expect(state.models.map(\.name) == ["a", "a-b", "a0", "ab"])
            let a = try #require(state.model("a"))
            #expect(a.versions.map(\.name) == ["v1.2.0", "v1.9.0", "v1.10.0"])
            #expect(a.versions.map { $0.deregistered != nil } == [true, false, false])
            #expect(a.versions.map(\.commit) == [shas[2], shas[0], shas[1]])
            #expect(a.current(in: "prod")?.version == "v1.10.0")
            #expect(a.current(in: "dev") == nil)  // a deregistered version holds no stage
            #expect(a.highestCounter == 2)
            #expect(state.model("a-b")?.current(in: "dev")?.version == "v0.1.0")
            #expect(state.model("a-b")?.highestCounter == 1)
            #expect(state.model("a0")?.versions.map(\.name) == ["v2.0.0"])
            #expect(state.model("ab")?.latest?.commit == shas[1])
        }
    }

    @Test("concurrent writers never share a counter and never lose an assignment")
    func concurrentAssignments() async throws {
        let (repo, shas) = try TemporaryRepository.withTrainingCommits(3)
        try Registry(repository: try Repository(discovering: repo.path)).register("churn", revision: shas[0])
        let writers = 8, each = 10
        let path = repo.path
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    // One repository handle per task, as libgit2 requires.
                    let registry = Registry(repository: try Repository(discovering: path))
                    for i in 0..<each {
                        try registry.assign("churn", stage: writer % 2 == 0 ? "staging" : "production", commit: shas[0], message: "writer \(writer) #\(i)")
                    }
                }
            }
            try await group.waitForAll()
        }
        let model = try #require(try Registry(repository: try Repository(discovering: repo.path)).state().model("churn"))
        #expect(model.stageEvents.count == writers * each)
        #expect(Set(model.stageEvents.map(\.counter)) == Set(1...(writers * each)))
    }
}

@Suite("Registry references")
struct RegistryPackingTests {
    @Test("writes never pack or rewrite references: past 256 loose tags, packed-refs is untouched and the registry reads the same")
    func neverPacks() throws {
        let (repo, shas) = try TemporaryRepository.withTrainingCommits(1)
        try repo.git("tag", "plain-before")
        try repo.git("pack-refs", "--all")
        let packed = try String(contentsOfFile: repo.path + "/.git/packed-refs", encoding: .utf8)
        let registry = Registry(repository: try Repository(discovering: repo.path))
        try registry.register("churn", revision: shas[0])
        for i in 0..<300 { try registry.assign("churn", stage: i % 2 == 0 ? "staging" : "production", commit: shas[0], message: "#\(i)") }
        #expect(try String(contentsOfFile: repo.path + "/.git/packed-refs", encoding: .utf8) == packed)
        let loose = (try? FileManager.default.contentsOfDirectory(atPath: repo.path + "/.git/refs/tags").count) ?? 0
        #expect(loose == 301)
        #expect(try repo.git("tag", "-l").split(separator: "\n").count == 302)
        let model = try #require(try registry.state().model("churn"))
        #expect(model.stageEvents.count == 300)
        #expect(model.current(in: "production")?.counter == 300)
    }
}

@Suite("Tag messages searched as bytes")
struct MentionsTests {
    @Test("mentions finds a phrase anywhere, as String.contains does, on ASCII and Unicode messages")
    func mentions() {
        let texts = ["", "x", "{\"decision\":\"rollback\"}", "Ünïcode ✓ {\"decision\":\"promote\"} end", "\"decision", "decision\"",
                     "prefix \"decision\":\"rollback", "\"decision\":\"rollback\"", "\"decision\"\"decision\":\"rollback\" tail"]
        for text in texts {
            #expect(RegistryStamp.mentions(text, "\"decision\"") == text.contains("\"decision\""), "\(text)")
            #expect(RegistryStamp.mentions(text, "\"decision\":\"rollback\"") == text.contains("\"decision\":\"rollback\""), "\(text)")
            #expect(RegistryStamp.mentions(text, "✓") == text.contains("✓"), "\(text)")
        }
        #expect(RegistryStamp.mentions("{\"decision\":\"rollback\"}", "\"decision\":\"rollback\""))
        #expect(!RegistryStamp.mentions("\"decision\":\"rollbac", "\"decision\":\"rollback\""))
    }
}

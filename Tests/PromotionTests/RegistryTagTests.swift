import Promotion
import Testing
import TestSupport

/// GTO's tag grammar, case by case (gto/constants.py `tag_re`).
@Suite("Registry tag grammar")
struct RegistryTagTests {
    @Test("tags GTO writes parse, and print back the same", arguments: [
        "churn@v1.2.0", "churn@v1.2.0!", "churn#prod#3", "churn#prod!#4", "churn@deprecated",
        "models=churn@v0.0.1", "a/b-c_d#staging#12", "churn@v1.0.0-rc.1+build.5", "churn@created",
        "churn@v2.0.0#7", "churn@deprecated#9", "x1#dev#1",
    ])
    func roundTrip(_ name: String) throws {
        let tag = try #require(RegistryTag(parsing: name))
        #expect(tag.description == name)
    }

    @Test("what each part means")
    func parts() throws {
        let assign = try #require(RegistryTag(parsing: "models=churn#prod#3"))
        #expect(assign.model == "models:churn")
        #expect(assign.action == .assign(stage: "prod"))
        #expect(assign.counter == 3)
        #expect(RegistryTag(parsing: "churn#prod!#4")?.action == .unassign(stage: "prod"))
        #expect(RegistryTag(parsing: "churn@v1.2.0!")?.action == .deregister(SemanticVersion("v1.2.0")!))
        #expect(RegistryTag(parsing: "churn#123")?.action == .assign(stage: "123"))
        #expect(RegistryTag(parsing: "churn#123")?.counter == nil)
    }

    @Test("tags that are not registry tags are ignored", arguments: [
        "v1.0.0", "release-1", "churn@1.0.0", "churn@v1.0", "churn@v01.0.0", "-churn@v1.0.0", "churn-@v1.0.0",
        "churn#prod#", "churn#prod#x", "churn#-prod#1", "churn@latest", "a=b=c@v1.0.0", "churn@v1.0.0-01",
    ])
    func rejected(_ name: String) {
        #expect(RegistryTag(parsing: name) == nil)
    }

    @Test("semantic version precedence and bumps")
    func versions() throws {
        let ordered = ["v1.0.0-alpha", "v1.0.0-alpha.1", "v1.0.0-alpha.beta", "v1.0.0-beta", "v1.0.0-beta.2",
                       "v1.0.0-beta.11", "v1.0.0-rc.1", "v1.0.0", "v1.0.1", "v1.2.0", "v2.0.0"].map { SemanticVersion($0)! }
        #expect(ordered == ordered.shuffled().sorted())
        #expect(SemanticVersion("v1.4.2")!.bumped(.minor).description == "v1.5.0")
        #expect(SemanticVersion("v1.4.2")!.bumped(.major).description == "v2.0.0")
        #expect(SemanticVersion("v1.4.2")!.bumped(.patch).description == "v1.4.3")
    }
}

@Suite("Semantic versions: the fast path")
struct SemanticVersionFastPathTests {
    @Test("plain vMAJOR.MINOR.PATCH texts read on the bytes agree with semver's grammar on 20,000 generated texts")
    func agreesWithGrammar() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("v0123456789..-+a")
        let grammar = /v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?/
        for _ in 0..<20_000 {
            let length = Int.random(in: 1...9, using: &generator)
            let text = "v" + String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            let parsed = SemanticVersion(text)
            if let match = text.wholeMatch(of: /v(0|[1-9][0-9]{0,17})\.(0|[1-9][0-9]{0,17})\.(0|[1-9][0-9]{0,17})/) {
                #expect(parsed == SemanticVersion(major: Int(match.1)!, minor: Int(match.2)!, patch: Int(match.3)!), "\(text)")
                #expect(parsed?.description == text)
            } else if text.wholeMatch(of: grammar) == nil {
                #expect(parsed == nil, "\(text) is not a version")
            }
        }
    }
}

extension SemanticVersionFastPathTests {
    @Test("a version's text is the text it was read from, and as interpolation writes it, on 20,000 generated versions")
    func descriptions() {
        var random = SeededRandom(state: 11)
        func next(_ bound: Int) -> Int { random.below(bound) }
        let numbers = [0, 1, 9, 10, 99, 100, 12345, 999_999_999, Int(Int32.max), 100_000_000_000_000_000]
        for _ in 0..<20_000 {
            let parts = (0..<3).map { _ in next(3) == 0 ? numbers[next(numbers.count)] : next(2000) }
            let prerelease = next(4) == 0 ? ["rc", String(next(20))] : []
            let build = next(5) == 0 ? "build.\(next(100))" : nil
            let version = SemanticVersion(major: parts[0], minor: parts[1], patch: parts[2], prerelease: prerelease, build: build)
            let expected = "v\(parts[0]).\(parts[1]).\(parts[2])" + (prerelease.isEmpty ? "" : "-" + prerelease.joined(separator: "."))
                + (build.map { "+" + $0 } ?? "")
            #expect(version.description == expected)
            #expect(SemanticVersion(expected)?.description == expected)
        }
        #expect(SemanticVersion(major: -1, minor: 0, patch: Int.max).description == "v-1.0.\(Int.max)")
    }
}

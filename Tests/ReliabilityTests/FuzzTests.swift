import Expressions
import Foundation
import Promotion
import Testing
import TestSupport
import Workflow
import YAMLSource

/// Mutations of a fixed seed corpus (the repository's own workflows, actions and policies,
/// GitHub's expression corpus, registry tag names, and known attacks: alias bombs, deep
/// nesting, huge numbers), fed to every parser mlgate has. Asserted for each input: no
/// crash, no hang, and invalid input rejected with a diagnostic at a real file:line:col.
/// Seeded, so a failure reproduces.
@Suite("Fuzzing the parsers")
struct FuzzTests {
    /// Pieces that reach the parsers' corners.
    static let dictionary = [
        "${{ ", " }}", "${{ github.event.issue.title }}", "[", "]", "{", "}", "&a ", "*a", "<<: *a", ": ", "- ", "\n  ", "\n    - ",
        "'", "\"", "\\", "#", "!!str ", "? ", "|\n", ">-\n", "---\n", "...\n", "\t", "\u{0}", "\u{FEFF}", "é", "🚀",
        "9223372036854775807", "99999999999999999999999", "1e300", "-1", "0x7FFFFFFFFFFFFFFF", ".inf", "NaN", "35792", "1e19",
        "on", "jobs", "steps", "runs-on", "needs", "uses: ./", "uses: ./.github/workflows/w.yml", "matrix", "include",
        "timeout-minutes: ", "max-parallel: ", "wait: ", "strategy", "fromJSON('", "toJSON(", "format('{0}{1}', ", "contains(",
        "hashFiles('**')", "&&", "||", "!", "==", "[*]", ".*",
    ]

    static func mutate(_ seed: String, corpus: [String], random: inout SeededRandom) -> String {
        var bytes = Array(seed.utf8)
        for _ in 0..<(1 + random.below(4)) {
            let at = random.below(bytes.count + 1)
            switch random.below(6) {
            case 0 where !bytes.isEmpty:  // flip a byte
                bytes[min(at, bytes.count - 1)] = UInt8(truncatingIfNeeded: random.next())
            case 1:  // insert a dictionary piece
                bytes.insert(contentsOf: Array(dictionary[random.below(dictionary.count)].utf8), at: at)
            case 2 where !bytes.isEmpty:  // delete a range
                let length = min(random.below(40), bytes.count - min(at, bytes.count - 1))
                bytes.removeSubrange(min(at, bytes.count - 1)..<(min(at, bytes.count - 1) + length))
            case 3 where !bytes.isEmpty:  // duplicate a range
                let start = min(at, bytes.count - 1)
                let piece = bytes[start..<min(bytes.count, start + random.below(200))]
                bytes.insert(contentsOf: Array(piece), at: random.below(bytes.count + 1))
            case 4:  // splice in part of another seed
                let other = Array(corpus[random.below(corpus.count)].utf8)
                if !other.isEmpty {
                    let start = random.below(other.count)
                    bytes.insert(contentsOf: other[start..<min(other.count, start + random.below(300))], at: at)
                }
            default:  // change indentation
                bytes.insert(contentsOf: Array(String(repeating: " ", count: random.below(9)).utf8), at: at)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Known attacks, beside the mutations.
    static let attacks: [String] = {
        var bomb = "on: push\nenv:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 { bomb += "  a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
        bomb += "jobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n"
        let deep = "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n        env: " + String(repeating: "[", count: 160) + String(repeating: "]", count: 160) + "\n"
        let deeper = String(repeating: "- ", count: 5000) + "x\n"
        let mapBomb = "a: &a {k: v}\n" + (1...20).map { "b\($0): &b\($0) {x: *\($0 == 1 ? "a" : "b\($0 - 1)"), y: *\($0 == 1 ? "a" : "b\($0 - 1)")}\n" }.joined()
        let keyBomb = "a: &a [" + Array(repeating: "x", count: 1000).joined(separator: ",") + "]\nb: &b [" + Array(repeating: "*a", count: 300).joined(separator: ",") + "]\n? *b\n: v\n"
        return [bomb, deep, deeper, mapBomb, keyBomb,
                "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    timeout-minutes: 1e300\n    steps:\n      - run: echo\n",
                "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    strategy:\n      max-parallel: 1e19\n      matrix: {a: [1]}\n    steps:\n      - run: echo\n",
                "stages:\n  production:\n    wait: 999999999999999999999d\n", "stages:\n  production:\n    wait: 9223372036854775807s\n",
                // Lint's tree rules: odd cron fields, letters that change length when lower-cased, unclosed calls.
                "on:\n  schedule:\n    - cron: '*/0 * * * *'\n    - cron: '59-0/99999999999 * * * *'\njobs:\n  j:\n    runs-on: [ubuntu-latest, İ]\n"
                    + "    if: ${{ fromJSON('İİİ') }} x\n    strategy: { matrix: { İ: [a, a], exclude: [{ İ: b }] } }\n    steps:\n"
                    + "      - run: echo ${{ fromJSON('İ') }} ${{ FROMJSON( 'x' }} ${{ matrix.İ }} ${{ steps }}\n        uses: ./İ\n"]
    }()

    static func seeds() -> [String] {
        let manager = FileManager.default
        var texts: [String] = []
        for folder in [ProjectPaths.fixtures, ProjectPaths.root + "/workflows"] {
            for path in manager.enumerator(atPath: folder)?.compactMap({ $0 as? String }) ?? [] where path.hasSuffix(".yml") || path.hasSuffix(".yaml") {
                if let text = try? String(contentsOfFile: folder + "/" + path, encoding: .utf8) { texts.append(text) }
            }
        }
        return texts + attacks
    }

    /// Every diagnostic names the file and a real position.
    static func expectLocated(_ diagnostics: [Diagnostic], file: String, input: String) {
        for diagnostic in diagnostics {
            let location = diagnostic.location
            #expect(location.file == file && location.line >= 1 && location.column >= 1,
                    "diagnostic without a position: \(diagnostic) for input: \(input.prefix(200))")
        }
    }

    /// Runs `body` and records how long it took; no input may take a second.
    static func timed(_ input: String, _ body: () -> Void) {
        let started = ContinuousClock.now
        body()
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .seconds(1), "took \(elapsed) on input: \(input.prefix(200))")
    }

    @Test("workflows, actions and policies: 3,000 mutations, every one rejected or accepted in time, with positions")
    func yamlFiles() {
        let corpus = Self.seeds()
        var random = SeededRandom(state: 2026)
        var rejected = 0
        for round in 0..<3000 {
            let input = round < Self.attacks.count ? Self.attacks[round] : Self.mutate(corpus[random.below(corpus.count)], corpus: corpus, random: &random)
            Self.timed(input) {
                let (workflow, diagnostics, tree) = WorkflowDecoder.decodeWithTree(input, file: "w.yml")
                Self.expectLocated(diagnostics, file: "w.yml", input: input)
                if let tree {
                    // Lint's tree rules, with the input as every file a workflow may name.
                    Self.expectLocated(WorkflowTreeLint.check(tree, source: input, read: { _ in input }), file: "w.yml", input: input)
                }
                if let workflow {
                    Self.expectLocated(WorkflowLinter.lint(workflow), file: "w.yml", input: input)
                    Self.expectLocated(ReusableWorkflowCalls.check(workflow) { $0 == "w.yml" ? input : nil }, file: "w.yml", input: input)
                }
                if !diagnostics.isEmpty { rejected += 1 }
                let (_, actionDiagnostics) = WorkflowDecoder.decodeActionLeniently(input, file: "action.yml")
                Self.expectLocated(actionDiagnostics, file: "action.yml", input: input)
                do { _ = try PolicyDecoder.decode(input, file: "mlgate.yml") } catch let error as SourceError {
                    Self.expectLocated(error.diagnostics, file: "mlgate.yml", input: input)
                    #expect(!error.diagnostics.isEmpty)
                } catch {
                    Issue.record("the policy decoder threw \(error)")
                }
            }
        }
        // The attacks are all refused; most mutations are too.
        for attack in Self.attacks.prefix(5) {
            let (_, diagnostics) = WorkflowDecoder.decodeLeniently(attack, file: "w.yml")
            #expect(diagnostics.contains { $0.message.contains("alias") || $0.message.contains("nested more than") }, "\(diagnostics)")
        }
        #expect(rejected > 1000)
    }

    /// Context types as the lint gives them: objects strict and loose, maps, arrays.
    static let lintTypes: [String: ExpressionType] = [
        "github": .strict(["ref": .string, "event": .looseObject, "run_number": .number]),
        "env": .map(.string), "matrix": .strict(["os": .string, "n": .number, "row": .strict(["a": .array(.number)])]),
        "steps": .strict(["build": .strict(["outputs": .map(.string), "outcome": .string])]), "needs": .strict([:]),
    ]

    @Test("expressions: GitHub's corpus and 5,000 mutations parse or fail with a position, type-check and evaluate without a crash")
    func expressions() throws {
        let folder = ProjectPaths.root + "/Tests/ExpressionsTests/Conformance"
        var corpus: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasSuffix(".json") {
            let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
            guard let cases = try JSONSerialization.jsonObject(with: data) as? [String: [[String: Any]]] else { continue }
            for list in cases.values { for entry in list { if let expr = entry["expr"] as? String { corpus.append(expr) } } }
        }
        corpus += [String(repeating: "(", count: 10_000), String(repeating: "!", count: 10_000) + "true",
                   "fromJSON('" + String(repeating: "[", count: 10_000) + "')", "format('" + String(repeating: "{0}", count: 10_000) + "', 1)",
                   "1e309 == 9223372036854775808", "toJSON(fromJSON('{\"a\": [1, 2, {\"b\": null}]}'))"]
        #expect(corpus.count > 500)
        let context = EvaluationContext(contexts: ExpressionObject([
            ("github", .object(ExpressionObject([("ref", .string("refs/heads/main")), ("event", .object(ExpressionObject([])))]))),
            ("env", .object(ExpressionObject([("A", .string("1"))]))),
        ]))
        var random = SeededRandom(state: 7)
        for round in 0..<(corpus.count + 5000) {
            let input = round < corpus.count ? corpus[round] : Self.mutate(corpus[random.below(corpus.count)], corpus: corpus, random: &random)
            Self.timed(input) {
                // The lint's type checker reads the same text: never a crash, whatever parses.
                _ = Expression.typeCheck(input, contexts: Self.lintTypes)
                do {
                    let expression = try Expression(input, allowedContexts: nil)
                    _ = try? expression.evaluate(in: context)
                } catch let error as ExpressionError {
                    #expect(!error.message.isEmpty)
                    // Positions count UTF-16 units, as GitHub's (JavaScript's) do: a character
                    // outside the BMP, or CR LF, counts twice.
                    if let position = error.position { #expect(position >= 1 && position <= input.utf16.count + 1, "\(error.message) at \(position) in \(input.prefix(100))") }
                } catch {
                    Issue.record("the expression parser threw \(error)")
                }
            }
        }
    }

    @Test("registry tag names: 20,000 mutations parse or are ignored, and what parses prints back to itself")
    func tagNames() {
        let corpus = ["churn@v1.2.0", "churn@v1.2.0!", "churn#staging#7", "churn#staging!#8", "models:churn#prod#1", "models=churn@v0.0.1",
                      "churn@deprecated", "churn@created", "a/b-c_d#e/f#999999999999999999", "x#y#1000000000000000000", "v1.0.0", "#", "@"]
        var random = SeededRandom(state: 11)
        for _ in 0..<20_000 {
            let input = Self.mutate(corpus[random.below(corpus.count)], corpus: corpus, random: &random)
            guard let tag = RegistryTag(parsing: input) else { continue }
            #expect(RegistryTag(parsing: tag.description)?.description == tag.description, "\(input) → \(tag.description)")
            if let counter = tag.counter { #expect(counter < RegistryTag.maxCounter) }
        }
    }

    @Test("through the command line: mutated workflows, policies and notes give exit 0, 1 or 2 (with a position), never a signal or a hang")
    func commandLine() throws {
        let repo = try TemporaryRepository()
        try repo.write("README.md", "fuzz\n")
        let head = try repo.commitAll()
        let corpus = Self.seeds()
        var random = SeededRandom(state: 99)
        // Memory and time bound each command: an alias bomb must not need gigabytes.
        func run(_ arguments: String) throws -> ProcessRunner.Result {
            try ProcessRunner.run("/bin/bash", ["-c", "ulimit -v 2000000; exec timeout -s KILL 20 '\(MLGateExecutable.path)' \(arguments)"], in: repo.path)
        }
        for round in 0..<60 {
            let input = round < Self.attacks.count ? Self.attacks[round] : Self.mutate(corpus[random.below(corpus.count)], corpus: corpus, random: &random)
            try repo.write(".github/workflows/fuzz.yml", input)
            try repo.write("mlgate.yml", input)
            for (command, allowed) in [("lint", [0, 1, 2]), ("run --list", [0, 2]), ("run --dry-run", [0, 2]), ("policy check", [0, 2])] as [(String, [Int32])] {
                let result = try run(command)
                #expect(allowed.contains(result.status), "mlgate \(command) exited \(result.status) on: \(input.prefix(300))\n\(result.stderr.suffix(300))")
                if result.status == 2, command != "lint" {
                    #expect(result.stderr.contains(":") && result.stderr.range(of: #"\.yml:\d+:\d+"#, options: .regularExpression) != nil,
                            "mlgate \(command): exit 2 without file:line:col: \(result.stderr.prefix(300))")
                }
            }
        }
        // Notes that are not mlgate's JSON: a clear error naming the commit, exit 2.
        for round in 0..<12 {
            let note = Self.mutate("{\"results\": [{\"check\": \"unit\", \"status\": \"pass\"}]}", corpus: ["{", "[", "null", "\"x\""], random: &random)
            try repo.git("notes", "--ref=refs/notes/mlgate", "add", "-f", "-m", note, head)
            for command in ["evidence HEAD", "check command unit --record -- true"] {
                let result = try run(command)
                #expect([0, 2].contains(result.status), "round \(round): mlgate \(command) exited \(result.status) on note \(note)\n\(result.stderr)")
                if result.status == 2 { #expect(result.stderr.contains(head), "\(result.stderr)") }
            }
        }
    }
}

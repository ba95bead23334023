import Foundation
import Testing
import TestSupport
import Workflow

/// GitHub's workflow schema (`fixtures/schema/workflow-v1.0.json`) says, for every key that
/// takes expressions, which contexts and functions may be used there. Each such key is
/// written below as a workflow with `@@` where the value goes; the test fills it with an
/// expression using each context and function the schema allows at that key, and every
/// one must lint clean. Another test checks that every definition of the schema that
/// allows expressions is reached by a key here, so a key missing from the table fails.
@Suite("Contexts and functions GitHub's schema allows, key by key")
struct SchemaContextTests {
    enum Kind { case string, boolean, number, condition }

    /// A key that takes expressions: the schema definition that says which contexts, what
    /// the value is, and a workflow with `@@` standing for the value.
    struct Site: CustomStringConvertible {
        let definition: String
        let kind: Kind
        let workflow: String
        var description: String { definition + ": " + workflow.split(separator: "\n").first { $0.contains("@@") }.map(String.init)!.trimmingCharacters(in: .whitespaces) }
    }

    static let job = "    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n"
    static func job(_ lines: String) -> String { "on: push\njobs:\n  j:\n" + lines + job }
    static func step(_ lines: String) -> String {
        "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - id: first\n        run: echo\n" + lines
    }

    static let sites: [Site] = [
        Site(definition: "run-name", kind: .string, workflow: "on: push\nrun-name: @@\njobs:\n  j:\n" + job),
        Site(definition: "workflow-env", kind: .string, workflow: "on: push\nenv:\n  X: @@\njobs:\n  j:\n" + job),
        Site(definition: "workflow-concurrency", kind: .string, workflow: "on: push\nconcurrency: @@\njobs:\n  j:\n" + job),
        Site(definition: "workflow-concurrency", kind: .string, workflow: "on: push\nconcurrency:\n  group: @@\njobs:\n  j:\n" + job),
        Site(definition: "workflow-concurrency", kind: .boolean, workflow: "on: push\nconcurrency:\n  group: g\n  cancel-in-progress: @@\njobs:\n  j:\n" + job),
        Site(definition: "workflow-call-input-default", kind: .string,
             workflow: "on:\n  workflow_call:\n    inputs:\n      x:\n        type: string\n        default: @@\njobs:\n  j:\n" + job),
        Site(definition: "workflow-output-context", kind: .string,
             workflow: "on:\n  workflow_call:\n    outputs:\n      o:\n        value: @@\njobs:\n  j:\n" + job),
        Site(definition: "job-if", kind: .condition, workflow: job("    if: @@\n")),
        Site(definition: "strategy", kind: .string, workflow: job("    strategy:\n      matrix:\n        x:\n          - @@\n")),
        Site(definition: "strategy", kind: .string, workflow: job("    strategy:\n      matrix: @@\n")),
        Site(definition: "strategy", kind: .boolean, workflow: job("    strategy:\n      matrix:\n        x: [1]\n      fail-fast: @@\n")),
        Site(definition: "strategy", kind: .number, workflow: job("    strategy:\n      matrix:\n        x: [1]\n      max-parallel: @@\n")),
        Site(definition: "snapshot-if", kind: .condition, workflow: job("    snapshot:\n      image-name: img\n      if: @@\n")),
        Site(definition: "runs-on", kind: .string, workflow: "on: push\njobs:\n  j:\n    runs-on: @@\n    steps:\n      - run: echo\n"),
        Site(definition: "runs-on", kind: .string, workflow: "on: push\njobs:\n  j:\n    runs-on:\n      - self-hosted\n      - @@\n    steps:\n      - run: echo\n"),
        Site(definition: "runs-on", kind: .string, workflow: "on: push\njobs:\n  j:\n    runs-on:\n      group: @@\n    steps:\n      - run: echo\n"),
        Site(definition: "job-env", kind: .string, workflow: job("    env:\n      X: @@\n")),
        Site(definition: "job-concurrency", kind: .string, workflow: job("    concurrency: @@\n")),
        Site(definition: "job-concurrency", kind: .boolean, workflow: job("    concurrency:\n      group: g\n      cancel-in-progress: @@\n")),
        Site(definition: "job-environment", kind: .string, workflow: job("    environment: @@\n")),
        Site(definition: "job-environment-name", kind: .string, workflow: job("    environment:\n      name: @@\n")),
        Site(definition: "string-runner-context-no-secrets", kind: .string, workflow: job("    environment:\n      name: prod\n      url: @@\n")),
        Site(definition: "job-defaults-run", kind: .string, workflow: job("    defaults:\n      run:\n        shell: @@\n")),
        Site(definition: "job-defaults-run", kind: .string, workflow: job("    defaults:\n      run:\n        working-directory: @@\n")),
        Site(definition: "string-strategy-context", kind: .string, workflow: job("    name: @@\n")),
        Site(definition: "boolean-strategy-context", kind: .boolean, workflow: job("    continue-on-error: @@\n")),
        Site(definition: "number-strategy-context", kind: .number, workflow: job("    timeout-minutes: @@\n")),
        Site(definition: "number-strategy-context", kind: .number, workflow: job("    cancel-timeout-minutes: @@\n")),
        Site(definition: "string-runner-context", kind: .string, workflow: job("    outputs:\n      o: @@\n")),
        Site(definition: "container", kind: .string, workflow: job("    container: @@\n")),
        Site(definition: "container", kind: .string, workflow: job("    container:\n      image: @@\n")),
        Site(definition: "container", kind: .string, workflow: job("    container:\n      image: node:20\n      options: @@\n")),
        Site(definition: "string-runner-context", kind: .string, workflow: job("    container:\n      image: node:20\n      env:\n        X: @@\n")),
        Site(definition: "container-registry-credentials", kind: .string,
             workflow: job("    container:\n      image: ghcr.io/acme/img\n      credentials:\n        username: @@\n        password: p\n")),
        Site(definition: "services", kind: .string, workflow: job("    services:\n      db: @@\n")),
        Site(definition: "services-container", kind: .string, workflow: job("    services:\n      db:\n        image: @@\n")),
        Site(definition: "scalar-needs-context", kind: .string,
             workflow: "on: push\njobs:\n  call:\n    uses: ./.github/workflows/called.yml\n    with:\n      x: @@\n"),
        Site(definition: "scalar-needs-context-with-secrets", kind: .string,
             workflow: "on: push\njobs:\n  call:\n    uses: ./.github/workflows/called.yml\n    secrets:\n      s: @@\n"),
        Site(definition: "string-strategy-context", kind: .string,
             workflow: "on: push\njobs:\n  call:\n    name: @@\n    uses: ./.github/workflows/called.yml\n"),
        Site(definition: "job-if", kind: .condition, workflow: "on: push\njobs:\n  call:\n    if: @@\n    uses: ./.github/workflows/called.yml\n"),
        Site(definition: "step-if", kind: .condition, workflow: step("      - if: @@\n        run: echo\n")),
        Site(definition: "step-name", kind: .string, workflow: step("      - name: @@\n        run: echo\n")),
        Site(definition: "step-env", kind: .string, workflow: step("      - run: echo\n        env:\n          X: @@\n")),
        Site(definition: "step-continue-on-error", kind: .boolean, workflow: step("      - run: echo\n        continue-on-error: @@\n")),
        Site(definition: "step-timeout-minutes", kind: .number, workflow: step("      - run: echo\n        timeout-minutes: @@\n")),
        Site(definition: "step-with", kind: .string, workflow: step("      - uses: acme/tool@v1\n        with:\n          x: @@\n")),
        Site(definition: "string-steps-context", kind: .string, workflow: step("      - run: @@\n")),
        Site(definition: "string-steps-context", kind: .string, workflow: step("      - run: echo\n        working-directory: @@\n")),
    ]

    nonisolated(unsafe) static let schema: [String: Any] = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: ProjectPaths.fixtures + "/schema/workflow-v1.0.json"))
        return (try! JSONSerialization.jsonObject(with: data) as! [String: Any])["definitions"] as! [String: Any]
    }()

    /// The contexts (`github`) and functions (`hashFiles(1,255)`) the schema allows in `definition`.
    static func allowed(in definition: String) -> [String] {
        (schema[definition] as? [String: Any])?["context"] as? [String] ?? []
    }

    /// A value of `kind` that uses `name` (a context, or a function with its arity).
    static func expression(using name: String, kind: Kind) -> String {
        let use: String
        if let open = name.firstIndex(of: "(") {
            let function = String(name[..<open])
            use = function == "hashFiles" ? "hashFiles('**/requirements.txt')" : function + "()"
            if kind == .condition, function != "hashFiles" { return "${{ \(use) }}" }
        } else {
            use = "toJSON(\(name))"
        }
        switch kind {
        case .string:
            // In YAML single quotes, as a value with `{0}` must be written.
            return "'" + "${{ format('{0}', \(use)) }}".replacingOccurrences(of: "'", with: "''") + "'"
        case .boolean, .condition: return "${{ \(use) != '' }}"
        case .number: return "${{ \(use) != '' && 10 || 20 }}"
        }
    }

    func findings(_ text: String) -> [Diagnostic] {
        let (workflow, diagnostics) = WorkflowDecoder.decodeLeniently(text, file: ".github/workflows/w.yml")
        return diagnostics + (workflow.map { WorkflowLinter.lint($0) } ?? [])
    }

    @Test("each context and function the schema allows at a key lints clean there", arguments: sites)
    func allowedEverywhere(site: Site) {
        let names = Self.allowed(in: site.definition)
        #expect(!names.isEmpty, "the schema has no contexts for \(site.definition)")
        for name in names {
            let text = site.workflow.replacingOccurrences(of: "@@", with: Self.expression(using: name, kind: site.kind))
            let found = findings(text)
            #expect(found.isEmpty, "\(name) at \(site): \(found)\n\(text)")
        }
    }

    @Test("a context the schema does not allow at a key is refused there, at the value", arguments: sites)
    func refusedElsewhere(site: Site) {
        let names = Set(Self.allowed(in: site.definition).filter { !$0.contains("(") })
        let absent = ["github", "inputs", "vars", "needs", "strategy", "matrix", "secrets", "steps", "job", "runner", "env", "jobs"]
            .filter { !names.contains($0) }
        for name in absent {
            let text = site.workflow.replacingOccurrences(of: "@@", with: Self.expression(using: name, kind: site.kind))
            let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("toJSON(\(name))") }! + 1
            #expect(findings(text).contains { $0.location.line == line && $0.message.contains("'\(name)'") },
                    "\(name) at \(site) should be refused on line \(line): \(findings(text))")
        }
    }

    @Test("every definition of the schema that takes expressions is reached by a key above")
    func everyDefinitionCovered() {
        // Definitions some key refers to (a property, a value or item type, one of a choice).
        var referenced = Set<String>()
        for case let definition as [String: Any] in Self.schema.values {
            if let mapping = definition["mapping"] as? [String: Any] {
                for property in (mapping["properties"] as? [String: Any] ?? [:]).values {
                    if let name = property as? String { referenced.insert(name) }
                    if let name = (property as? [String: Any])?["type"] as? String { referenced.insert(name) }
                }
                if let name = mapping["loose-value-type"] as? String { referenced.insert(name) }
            }
            if let name = (definition["sequence"] as? [String: Any])?["item-type"] as? String { referenced.insert(name) }
            for name in definition["one-of"] as? [String] ?? [] { referenced.insert(name) }
        }
        let withContexts = Set(Self.schema.keys.filter { !Self.allowed(in: $0).isEmpty })
        let covered = Set(Self.sites.map(\.definition))
        #expect(withContexts.intersection(referenced).subtracting(covered).isEmpty,
                "keys taking expressions with no site here: \(withContexts.intersection(referenced).subtracting(covered).sorted())")
    }

    @Test("a finding inside a YAML anchor is reported once, however many aliases repeat it; a duplicate key at the duplicate")
    func aliasesAndDuplicates() {
        let text = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    env: &shared\n      X: ${{ 1 == }}\n    steps:\n      - &bad\n        run: echo ${{ github.nope( }}\n      - *bad\n      - run: echo\n        env: *shared\n      - run: echo\n        env: *shared\n"
        let found = WorkflowError(findings(text)).diagnostics
        #expect(found.filter { $0.location.line == 6 }.count == 1, "\(found)")
        #expect(found.filter { $0.location.line == 9 }.count == 1, "\(found)")
        let duplicate = WorkflowError(findings(text + "  a:\n    runs-on: ubuntu-latest\n    steps: []\n")).diagnostics
        #expect(duplicate.contains { $0.location.line == 15 && $0.location.column == 3 && $0.message.contains("duplicate key 'a'") }, "\(duplicate)")
    }
}

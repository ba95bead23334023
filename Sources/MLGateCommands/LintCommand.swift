import ArgumentParser
import Foundation
import Reports
import Workflow
import YAMLSource

/// `mlgate lint`: checks workflow files without running them.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check workflow and action files: YAML, keys, expressions and their contexts, needs, ids, shells, globs, cron, untrusted input in scripts, and the high-severity security audits.",
        discussion: "Exit status: 0 no findings, 1 findings, 2 invalid usage (a file that cannot be read).")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, sarif }

    @Argument(help: "Workflow or action files, or folders of them (default: .github/workflows/*.yml and every action.yml under .github/).")
    var files: [String] = []

    @Option(name: .customShort("C"), help: "Run as if started in this directory.")
    var directory: String?

    @Option(name: .long, help: "Output format: text, json or sarif.")
    var format: Format = .text

    @Flag(name: .long, help: "Also report the medium-severity security audits: actions not pinned to a commit SHA, jobs on the default token permissions, secrets written into scripts.")
    var audit = false

    static func isActionFile(_ path: String) -> Bool {
        let name = URL(fileURLWithPath: path).lastPathComponent
        return name == "action.yml" || name == "action.yaml"
    }

    /// The files below `folder` whose path `include` accepts, sorted.
    static func files(below folder: String, where include: (String) -> Bool) -> [String] {
        let names = FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []
        return names.filter(include).sorted().map { folder + "/" + $0 }
    }

    /// `.yml` / `.yaml` files below a folder.
    static func yamlFiles(below folder: String) -> [String] {
        files(below: folder) { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }
    }

    /// `action.yml` / `action.yaml` files below a folder.
    static func actionFiles(below folder: String) -> [String] {
        files(below: folder, where: isActionFile)
    }

    func run() throws {
        let console = ConsoleOutput()
        let start = directory ?? FileManager.default.currentDirectoryPath
        let root = WorkflowLoader.likelyRoot(start)
        var paths: [String]
        do {
            // A folder stands for its workflow and action files.
            let given = try files.map { $0.hasPrefix("/") ? $0 : start + "/" + $0 }.flatMap { path throws -> [String] in
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return [path] }
                let found = Self.yamlFiles(below: path)
                if found.isEmpty { throw ValidationFailure("\(path): no .yml or .yaml files in this folder") }
                return found
            }
            paths = try WorkflowLoader.files(given, root: root)
        } catch let failure as ValidationFailure {
            console.err("mlgate: \(failure.description)")
            throw ExitCode(ExitStatus.invalid)
        }
        if files.isEmpty { paths += Self.actionFiles(below: root + "/.github") }
        // Files are independent: check them on every core, then report in file order, with
        // paths as the user would type them from where they are.
        let here = FileManager.default.currentDirectoryPath
        var texts: [(String, String)] = []
        for path in paths {
            let display = WorkflowLoader.relative(path, to: here)
            guard let data = FileManager.default.contents(atPath: path) else {
                console.err("mlgate: \(display): cannot read the file; check the path")
                throw ExitCode(ExitStatus.invalid)
            }
            texts.append((display, String(decoding: data, as: UTF8.self)))
        }
        let sources = texts
        let audit = self.audit
        // Self-hosted runner labels, from actionlint's own configuration file when there is one.
        let configuration = [".github/actionlint.yaml", ".github/actionlint.yml"].lazy.compactMap { name in
            FileManager.default.contents(atPath: root + "/" + name).flatMap {
                WorkflowTreeLint.Configuration.actionlint(String(decoding: $0, as: UTF8.self), file: name)
            }
        }.first ?? WorkflowTreeLint.Configuration()
        let results = ResultSlots<[Diagnostic]>(count: sources.count)
        DispatchQueue.concurrentPerform(iterations: sources.count) { index in
            // What GitHub would reject; what only mlgate cannot run is `mlgate run`'s to say.
            let (file, text) = sources[index]
            if Self.isActionFile(file) {
                let (action, diagnostics) = WorkflowDecoder.decodeActionLeniently(text, file: file)
                results.set(index, WorkflowError(diagnostics + (action.map(WorkflowLinter.lint) ?? [])).diagnostics)
                return
            }
            var (workflow, diagnostics, tree) = WorkflowDecoder.decodeWithTree(text, file: file)
            if let workflow {
                let calls = ReusableWorkflowCalls.check(workflow) { called in
                    FileManager.default.contents(atPath: root + "/" + called).map { String(decoding: $0, as: UTF8.self) }
                }
                let treeFindings = tree.map {
                    WorkflowTreeLint.check($0, source: text, configuration: configuration) { path in
                        FileManager.default.contents(atPath: root + "/" + path).map { String(decoding: $0, as: UTF8.self) }
                    }
                } ?? []
                diagnostics = WorkflowError(diagnostics + WorkflowLinter.lint(workflow, audits: audit) + calls + treeFindings).diagnostics
            }
            results.set(index, diagnostics)
        }
        let findings = results.values.flatMap { $0 }.map {
            Finding(rule: $0.rule, message: $0.message, file: $0.location.file, line: $0.location.line, column: $0.location.column)
        }
        switch format {
        case .text:
            let lines = findings.map { "\($0.file):\($0.line):\($0.column): \($0.message) [\($0.rule)]" }
            if !lines.isEmpty { console.out(lines.joined(separator: "\n")) }
            let files = "\(texts.count) file\(texts.count == 1 ? "" : "s")"
            let withFindings = Set(findings.map(\.file)).count
            console.err(findings.isEmpty ? "\(files), no problems"
                        : "\(files), \(findings.count) problem\(findings.count == 1 ? "" : "s") in \(withFindings) file\(withFindings == 1 ? "" : "s")")
        case .json: console.out(FindingsJSON.render(findings))
        case .sarif: console.out(SARIF.render(tool: "mlgate", version: MLGate.configuration.version, findings: findings))
        }
        if !findings.isEmpty { throw ExitCode(ExitStatus.failed) }
    }
}

/// One slot per task, filled from concurrent tasks and read in order afterwards.
final class ResultSlots<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Value) { lock.withLock { slots[index] = value } }

    var values: [Value] { lock.withLock { slots.compactMap { $0 } } }
}

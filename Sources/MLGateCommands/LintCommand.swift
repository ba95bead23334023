import ArgumentParser
import Foundation
import GitState
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

    @Flag(name: .long, help: "Repair what is mechanical — popular actions on majors GitHub no longer runs, disabled workflow commands (::set-output, ::save-state, ::set-env, ::add-path) echoed on their own line — write the files, and print the changes as a diff; then lint what is left.")
    var fix = false

    @Flag(name: .long, help: "Print the diff --fix would apply, without writing anything.")
    var diff = false

    static func isActionFile(_ path: String) -> Bool {
        let name = path.split(separator: "/").last ?? ""
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
        if fix || diff { try repair(&texts, paths: paths, console: console) }
        let sources = texts
        let audit = self.audit
        // Self-hosted runner labels, from actionlint's own configuration file when there is one.
        let configuration = [".github/actionlint.yaml", ".github/actionlint.yml"].lazy.compactMap { name in
            FileManager.default.contents(atPath: root + "/" + name).flatMap {
                WorkflowTreeLint.Configuration.actionlint(String(decoding: $0, as: UTF8.self), file: name)
            }
        }.first ?? WorkflowTreeLint.Configuration()
        // The files committed at HEAD, for the repository-aware warnings on the repository's
        // own workflows (.github/workflows/ at its root), listed once and only when such a
        // workflow names paths, hashFiles or a local action.
        let workflowFolder = WorkflowLoader.components(root + "/.github/workflows")
        let ownWorkflow = paths.map { Array(WorkflowLoader.components($0).dropLast()) == workflowFolder }
        // (libgit2 is started only then: its start reads the system's certificates.)
        let committed: WorkflowRepositoryChecks.Files? = FileManager.default.fileExists(atPath: root + "/.git")
            && sources.indices.contains { ownWorkflow[$0] && WorkflowRepositoryChecks.needsFiles(sources[$0].1) }
            ? (try? Repository(discovering: root)).flatMap { repository in
                (try? repository.files(at: "HEAD")).map { WorkflowRepositoryChecks.Files($0.map(\.path)) }
            } : nil
        let repositoryFiles = FileTexts(root: root)
        let results = ResultSlots<[Diagnostic]>(count: sources.count)
        DispatchQueue.concurrentPerform(iterations: sources.count) { index in
            // What GitHub would reject; what only mlgate cannot run is `mlgate run`'s to say.
            let (file, text) = sources[index]
            if Self.isActionFile(file) {
                let (action, diagnostics) = WorkflowDecoder.decodeActionLeniently(text, file: file)
                results.set(index, WorkflowError(diagnostics + (action.map { WorkflowLinter.lint($0, source: text) } ?? [])).diagnostics)
                return
            }
            var (workflow, diagnostics, tree) = WorkflowDecoder.decodeWithTree(text, file: file)
            if let workflow {
                let calls = ReusableWorkflowCalls.check(workflow) { called in
                    FileManager.default.contents(atPath: root + "/" + called).map { String(decoding: $0, as: UTF8.self) }
                }
                let read: (String) -> String? = { path in repositoryFiles.text(path) }
                let treeFindings = tree.map { WorkflowTreeLint.check($0, source: text, configuration: configuration, read: read) } ?? []
                let repositoryFindings = ownWorkflow[index] ? tree.flatMap { document in
                    committed.map { WorkflowRepositoryChecks.check(document.root, files: $0, read: read) }
                } ?? [] : []
                diagnostics = WorkflowError(diagnostics + WorkflowLinter.lint(workflow, audits: audit, source: text) + calls + treeFindings + repositoryFindings).diagnostics
            }
            results.set(index, diagnostics)
        }
        // A local action's own metadata problem is reported at its first use only.
        var seenMetadataProblems = Set<String>()
        let findings = results.values.flatMap { $0 }.filter {
            !$0.message.hasPrefix(WorkflowActionUse.metadataProblem) || seenMetadataProblems.insert($0.message).inserted
        }.map {
            Finding(rule: $0.rule, message: $0.message, file: $0.location.file, line: $0.location.line, column: $0.location.column,
                    level: $0.severity.rawValue)
        }
        // Warnings (what may be intended) are shown but do not fail the lint.
        let errors = findings.filter { $0.level == "error" }
        switch format {
        case .text:
            let lines = findings.map { "\($0.file):\($0.line):\($0.column): \($0.level == "warning" ? "warning: " : "")\($0.message) [\($0.rule)]" }
            if !lines.isEmpty { console.out(lines.joined(separator: "\n")) }
            let files = "\(texts.count) file\(texts.count == 1 ? "" : "s")"
            let withFindings = Set(errors.map(\.file)).count
            let warnings = findings.count - errors.count
            let warned = warnings == 0 ? "" : ", \(warnings) warning\(warnings == 1 ? "" : "s")"
            console.err(errors.isEmpty ? "\(files), no problems\(warned)"
                        : "\(files), \(errors.count) problem\(errors.count == 1 ? "" : "s") in \(withFindings) file\(withFindings == 1 ? "" : "s")\(warned)")
        case .json: console.out(FindingsJSON.render(findings))
        case .sarif: console.out(SARIF.render(tool: "mlgate", version: MLGate.configuration.version, findings: findings))
        }
        if !errors.isEmpty { throw ExitCode(ExitStatus.failed) }
    }
}

extension LintCommand {
    /// `--fix` and `--diff`: each file's mechanical repairs, printed as a unified diff
    /// (standard output for text, standard error beside JSON or SARIF), written back with
    /// `--fix` (atomically) so that the lint reads the repaired text.
    func repair(_ texts: inout [(String, String)], paths: [String], console: ConsoleOutput) throws {
        var repairs = 0, files = 0
        for index in texts.indices {
            let (display, text) = texts[index]
            let root = (try? YAMLNode.parse(text, file: display)) ?? nil
            let (fixed, count) = WorkflowFixes.fix(text, root: root)
            guard count > 0, fixed != text else { continue }
            let patch = WorkflowFixes.diff(text, fixed, path: display)
            if format == .text { console.out(patch, terminator: "") } else { console.err(patch, terminator: "") }
            repairs += count
            files += 1
            guard fix else { continue }
            do {
                try fixed.write(toFile: paths[index], atomically: true, encoding: .utf8)
            } catch {
                console.err("mlgate: \(display): cannot write the repaired file: \(error.localizedDescription); nothing else was written to it")
                throw ExitCode(ExitStatus.invalid)
            }
            texts[index].1 = fixed
        }
        let verb = fix ? "repaired" : "would repair"
        console.err(repairs == 0 ? "nothing to repair" : "\(verb) \(repairs) problem\(repairs == 1 ? "" : "s") in \(files) file\(files == 1 ? "" : "s")")
    }
}

/// The texts of a repository's files (local actions, reusable workflows) as lint rules ask
/// for them, each read once however many workflows name it.
final class FileTexts: @unchecked Sendable {
    private let root: String
    private let lock = NSLock()
    private var texts: [String: String?] = [:]

    init(root: String) { self.root = root }

    func text(_ path: String) -> String? {
        if let known = lock.withLock({ texts[path] }) { return known }
        let read = FileManager.default.contents(atPath: root + "/" + path).map { String(decoding: $0, as: UTF8.self) }
        lock.withLock { texts[path] = .some(read) }
        return read
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

import ArgumentParser
import Checks
import Foundation
import GitState
import Promotion

/// `mlgate check …`: the gate checks. Each prints its result and exits 0 (pass or warn),
/// 1 (fail) or 2 (error).
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run a gate check and report a CheckResult (recorded as evidence with --record, and always inside mlgate run).",
        subcommands: [CommandCheckCommand.self])
}

/// Options every check shares.
struct CheckOptions: ParsableArguments {
    @Option(name: .long, help: "The model the check is about.")
    var model: String?

    @Flag(name: .long, help: "Record the result as evidence on the commit (git notes, refs/notes/mlgate). Always on inside mlgate run.")
    var record = false

    @Option(name: .long, help: "The commit the check is about (default: HEAD, or the run's commit inside mlgate run).")
    var rev: String?

    @Flag(name: .long, help: "Print the CheckResult as JSON.")
    var json = false

    @Option(name: .long, help: "Compare against the champion: the version this stage holds now. Its version, commit and recorded evidence reach the check as MLGATE_CHAMPION_VERSION, MLGATE_CHAMPION_COMMIT and MLGATE_CHAMPION_EVIDENCE (a JSON file).")
    var against: String?

    @OptionGroup var repository: RepositoryOption

    /// Inside `mlgate run`, the run says which commit it runs (and where the repository is).
    var insideRun: Bool { ProcessInfo.processInfo.environment["MLGATE_RUN_ID"] != nil }

    /// The repository and the checked commit.
    func target(console: ConsoleOutput) throws -> (Repository, String) {
        let repository = try self.repository.open(console: console).repository
        let revision = rev ?? (insideRun ? ProcessInfo.processInfo.environment["GITHUB_SHA"] : nil) ?? "HEAD"
        do {
            return (repository, try repository.resolveCommit(revision))
        } catch {
            console.err("mlgate: '\(revision)' does not name a commit (\(error.message))")
            throw ExitCode(ExitStatus.invalid)
        }
    }

    /// The champion's variables for the check, when `--against STAGE` is given (and a file
    /// to remove afterwards). The stage may be empty: then only MLGATE_CHAMPION_STAGE is set.
    func championEnvironment(repository: Repository, console: ConsoleOutput) throws -> ([String: String], String?) {
        guard let stage = against else { return ([:], nil) }
        guard let model else {
            console.err("mlgate: --against needs --model: the champion is the model's version in \(stage)")
            throw ExitCode(ExitStatus.invalid)
        }
        var environment = ["MLGATE_CHAMPION_STAGE": stage]
        let state: RegistryState
        do { state = try RegistryState(repository: repository) } catch {
            console.err("mlgate: cannot read the registry: \(error)")
            throw ExitCode(ExitStatus.failed)
        }
        guard let champion = state.model(model)?.current(in: stage) else { return (environment, nil) }
        let results: [CheckResult]
        do { results = try EvidenceStore(repository: repository).results(on: champion.stamp.commit) } catch {
            throw fail(error, console: console)
        }
        let file = NSTemporaryDirectory() + "mlgate-champion-\(UUID().uuidString).json"
        try Data(CanonicalJSON.text(["version": AnyEncodable(champion.version), "commit": AnyEncodable(champion.stamp.commit),
                                  "results": AnyEncodable(results)]).utf8).write(to: URL(fileURLWithPath: file))
        environment["MLGATE_CHAMPION_VERSION"] = champion.version
        environment["MLGATE_CHAMPION_COMMIT"] = champion.stamp.commit
        environment["MLGATE_CHAMPION_EVIDENCE"] = file
        return (environment, file)
    }

    /// Prints the result, records it when asked, and exits with the check's status.
    func finish(_ result: CheckResult, repository: Repository, console: ConsoleOutput) throws {
        var recorded = false
        var recordingFailure: RegistryError?
        if record || insideRun {
            do {
                try EvidenceStore(repository: repository).record(result)
                recorded = true
            } catch {
                recordingFailure = error
            }
        }
        if json {
            console.out(result.canonicalJSON)
        } else {
            let mark = switch result.status { case .pass: "✓"; case .warn: "!"; case .fail: "✗"; case .error: "✗" }
            console.out("\(mark) \(result.check) \(result.status.rawValue): \(result.summary)")
            for finding in result.findings {
                console.out("  \(finding.severity) [\(finding.rule)] \(finding.message)" + (finding.location.map { " (\($0))" } ?? ""))
            }
            if recorded { console.out("  recorded on \(result.commit.prefix(7)) (\(EvidenceStore.notesRef), digest \(result.digest.prefix(12)))") }
        }
        // The check's own result is reported above even when it could not be recorded.
        if let recordingFailure {
            console.err("mlgate: \(result.check) \(result.status.rawValue), but it was not recorded: \(recordingFailure.description)")
            throw ExitCode(recordingFailure.isUsage ? ExitStatus.invalid : ExitStatus.failed)
        }
        if result.exitStatus != 0 { throw ExitCode(result.exitStatus) }
    }
}

/// `mlgate check command NAME -- CMD…`: any command as a check.
struct CommandCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "command",
        abstract: "Run any command as a check: pass when it exits 0.",
        discussion: "Example: mlgate check command unit-tests --model churn --input requirements.txt -- pytest -q")

    @Argument(help: "The check's name (evidence is kept per model and name).")
    var name: String

    @Option(name: .long, help: "A file the check depends on; its sha256 is recorded (repeatable).")
    var input: [String] = []

    @OptionGroup var options: CheckOptions

    @Argument(parsing: .postTerminator, help: "The command, after --.")
    var command: [String] = []

    func validate() throws {
        if command.isEmpty { throw ValidationError("give the command after --, e.g. mlgate check command \(name) -- pytest -q") }
        if name.isEmpty || name.contains(where: { $0.isWhitespace }) { throw ValidationError("the check's name must be one word, not '\(name)'") }
    }

    func run() throws {
        let console = ConsoleOutput()
        let (repository, commit) = try options.target(console: console)
        let directory = FileManager.default.currentDirectoryPath
        let (champion, file) = try options.championEnvironment(repository: repository, console: console)
        defer { if let file { try? FileManager.default.removeItem(atPath: file) } }
        let result = CommandCheck(name: name, command: command, model: options.model, inputs: input)
            .run(in: directory, commit: commit, environment: champion)
        try options.finish(result, repository: repository, console: console)
    }
}

/// `mlgate evidence REV`: the check results recorded on a commit.
struct EvidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "List the check results recorded as evidence on a commit.")

    @Argument(help: "The commit (default: HEAD).")
    var revision: String = "HEAD"

    @OptionGroup var query: QueryOptions

    func run() throws {
        let (console, registry) = try query.open()
        let commit: String
        do { commit = try registry.resolve(revision) } catch { throw fail(error, console: console) }
        let results: [CheckResult]
        do { results = try EvidenceStore(repository: registry.repository).results(on: commit) } catch { throw fail(error, console: console) }
        if query.json {
            console.out(CanonicalJSON.text(["commit": AnyEncodable(commit), "results": AnyEncodable(results)]))
            return
        }
        if results.isEmpty {
            console.out("No evidence on \(commit.prefix(7)). Record some with: mlgate check command NAME --record -- CMD")
            return
        }
        var rows = [["MODEL", "CHECK", "STATUS", "SUMMARY", "STARTED", "DIGEST"]]
        for r in results {
            rows.append([r.model ?? "", r.check, r.status.rawValue, r.summary, r.startedAt, String(r.digest.prefix(12))])
        }
        console.out("Evidence on \(commit.prefix(7)):")
        console.out(Table.render(rows))
    }
}

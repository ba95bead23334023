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
        subcommands: [CommandCheckCommand.self, TestsCheckCommand.self, MetricsCheckCommand.self, DataCheckCommand.self, DriftCheckCommand.self, SecurityCheckCommand.self, RunChecksCommand.self])
}

/// A `mlgate check KIND` subcommand: it makes its result, then prints, records and exits
/// as every check does. `mlgate check run` calls `result(console:)` for declared checks.
protocol CheckSubcommand: ParsableCommand {
    var options: CheckOptions { get }
    /// The check's result (bad input is printed and thrown as exit 2).
    func result(console: ConsoleOutput) throws -> (CheckResult, Repository)
}

extension CheckSubcommand {
    func run() throws {
        let console = ConsoleOutput()
        let (result, repository) = try result(console: console)
        try options.finish(result, repository: repository, console: console)
    }

    /// A check's name is one word: evidence is kept by it.
    static func validateName(_ name: String) throws {
        if name.isEmpty || name.contains(where: { $0.isWhitespace }) { throw ValidationError("the check's name must be one word, not '\(name)'") }
    }
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

    @Option(name: .long, help: "Also write the result as a JUnit report to this file (one test case per rule), for CI test views.")
    var junit: String?

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

    /// A file read from git for a check (`--baseline REV:PATH`, `--reference champion:PATH`):
    /// `PATH` at `REV`, or at `champion` (the champion's commit, given), written to a
    /// temporary file the caller removes. Returns the file and how to show it.
    func fileAtRevision(_ spec: String, option: String, revision: String, path: String, champion: String?,
                        repository: Repository, console: ConsoleOutput) throws -> (file: String, display: String) {
        let commit: String
        if revision == "champion", let champion {
            commit = champion
        } else {
            do { commit = try repository.resolveCommit(revision) } catch {
                console.err("mlgate: \(option) \(spec): '\(revision)' does not name a commit (\(error.message))")
                throw ExitCode(ExitStatus.invalid)
            }
        }
        let data: Data
        do { data = try repository.contents(of: path, at: commit) } catch {
            console.err("mlgate: \(option) \(spec): \(error.message)")
            throw ExitCode(ExitStatus.invalid)
        }
        let file = NSTemporaryDirectory() + "mlgate-\(option.dropFirst(2))-\(UUID().uuidString).csv"
        try data.write(to: URL(fileURLWithPath: file))
        return (file, "\(path)@\(commit.prefix(7))")
    }

    /// Records `result` as evidence when `--record` is given or inside `mlgate run`.
    func recordIfAsked(_ result: CheckResult, repository: Repository) -> (recorded: Bool, failure: RegistryError?) {
        guard record || insideRun else { return (false, nil) }
        do {
            try EvidenceStore(repository: repository).record(result)
            return (true, nil)
        } catch {
            return (false, error)
        }
    }

    /// Prints the result, records it when asked, and exits with the check's status.
    func finish(_ result: CheckResult, repository: Repository, console: ConsoleOutput) throws {
        if let junit {
            do { try Data(result.junitXML.utf8).write(to: URL(fileURLWithPath: junit)) } catch {
                console.err("mlgate: cannot write the JUnit report \(junit): \(error.localizedDescription)")
                throw ExitCode(ExitStatus.invalid)
            }
        }
        let (recorded, recordingFailure) = recordIfAsked(result, repository: repository)
        if json {
            console.out(result.canonicalJSON)
        } else {
            let mark = switch result.status { case .pass: "✓"; case .warn: "!"; case .fail: "✗"; case .error: "✗" }
            console.out("\(mark) \(result.check) \(result.status.rawValue): \(result.summary)")
            if !result.rules.isEmpty { console.out(RuleTable.render(result.rules)) }
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
struct CommandCheckCommand: CheckSubcommand {
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
        try Self.validateName(name)
    }

    /// The check's result (bad input is printed and thrown as exit 2).
    func result(console: ConsoleOutput) throws -> (CheckResult, Repository) {
        let (repository, commit) = try options.target(console: console)
        let directory = FileManager.default.currentDirectoryPath
        let (champion, file) = try options.championEnvironment(repository: repository, console: console)
        defer { if let file { try? FileManager.default.removeItem(atPath: file) } }
        let result = CommandCheck(name: name, command: command, model: options.model, inputs: input)
            .run(in: directory, commit: commit, environment: champion)
        return (result, repository)
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

/// `mlgate check tests NAME --report FILE…`: JUnit/xUnit reports against thresholds.
struct TestsCheckCommand: CheckSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "tests",
        abstract: "Check test reports (JUnit/xUnit XML: pytest --junitxml, swift test --xunit-output, jest-junit, Maven Surefire).",
        discussion: """
            Totals are counted from the test cases. Fails when more than --max-failures tests \
            failed or errored, when fewer than --min-tests ran (a report with no tests fails), \
            and on --min-pass-rate (passed ÷ tests that were not skipped) and --max-skipped.
            Example: mlgate check tests unit-tests --report 'reports/*.xml' --model fraud --run -- pytest --junitxml=reports/unit.xml
            """)

    @Argument(help: "The check's name (evidence is kept per model and name).")
    var name: String

    @Option(name: .customLong("report"), help: "A report file or pattern ('reports/**/*.xml'; repeatable).")
    var reports: [String] = []

    @Option(name: .customLong("max-failures"), help: "Failed plus errored tests allowed.")
    var maxFailures: Int = 0

    @Option(name: .customLong("min-pass-rate"), help: "Passed ÷ tests that were not skipped, at least (0–1).")
    var minPassRate: Double?

    @Option(name: .customLong("max-skipped"), help: "Skipped tests allowed.")
    var maxSkipped: Int?

    @Option(name: .customLong("min-tests"), help: "Tests that must be in the reports.")
    var minTests: Int = 1

    @Flag(name: .customLong("run"), help: "Run the command after -- first (its exit status is not the verdict: the report is).")
    var runFirst = false

    @OptionGroup var options: CheckOptions

    @Argument(parsing: .postTerminator, help: "With --run: the test command, after --.")
    var command: [String] = []

    func validate() throws {
        try Self.validateName(name)
        if reports.isEmpty { throw ValidationError("give the report files, e.g. mlgate check tests \(name) --report reports/junit.xml") }
        if runFirst, command.isEmpty { throw ValidationError("--run needs the test command after --") }
        if !runFirst, !command.isEmpty { throw ValidationError("a command after -- needs --run") }
        if maxFailures < 0 || minTests < 0 || (maxSkipped ?? 0) < 0 { throw ValidationError("counts must be 0 or more") }
        if let rate = minPassRate, !(0...1).contains(rate) { throw ValidationError("--min-pass-rate is a fraction from 0 to 1, not \(rate)") }
    }

    /// The check's result (bad input is printed and thrown as exit 2).
    func result(console: ConsoleOutput) throws -> (CheckResult, Repository) {
        let (repository, commit) = try options.target(console: console)
        let directory = FileManager.default.currentDirectoryPath
        if runFirst {
            // The command's own exit status is not the verdict (pytest exits 1 when a test
            // fails); the report it writes is.
            let ran = CommandCheck(name: name, command: command).run(in: directory, commit: commit)
            if ran.status == .error { console.err("mlgate: \(ran.summary)"); throw ExitCode(ExitStatus.invalid) }
        }
        var thresholds = TestsCheck.Thresholds()
        thresholds.maxFailures = maxFailures
        thresholds.minPassRate = minPassRate
        thresholds.maxSkipped = maxSkipped
        thresholds.minTests = minTests
        let result: CheckResult
        do {
            result = try TestsCheck(name: name, reports: reports, thresholds: thresholds, model: options.model)
                .run(in: directory, commit: commit)
        } catch {
            console.err("mlgate: \(error.description)")
            throw ExitCode(ExitStatus.invalid)
        }
        return (result, repository)
    }
}

/// The rules a check applied, as one table: metric, champion, candidate, delta, CI, rule, verdict.
enum RuleTable {
    static func render(_ rules: [CheckResult.Rule]) -> String {
        func number(_ value: Double?) -> String {
            guard let value else { return "" }
            if value == value.rounded(), abs(value) < 1e12 { return String(Int64(value)) }
            return String(format: "%.4f", value)
        }
        var rows = [["METRIC", "CHAMPION", "CANDIDATE", "DELTA", "CI", "RULE", "VERDICT"]]
        for rule in rules {
            let ci = rule.ciLow.map { low in "[\(number(low)), \(number(rule.ciHigh))]" } ?? ""
            let delta = rule.delta.map { ($0 >= 0 ? "+" : "") + number($0) } ?? ""
            rows.append([rule.metric + (rule.slice.map { " [\($0)]" } ?? ""), number(rule.champion), number(rule.value), delta, ci,
                         rule.rule, rule.verdict.rawValue])
        }
        // Columns no rule fills (no champion, no interval) are left out.
        let shown = rows[0].indices.filter { column in column == 0 || rows.dropFirst().contains { !$0[column].isEmpty } }
        rows = rows.map { row in shown.map { row[$0] } }
        return Table.render(rows).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
    }
}

/// `mlgate check metrics NAME …`: metrics from a file or computed from predictions, against rules.
struct MetricsCheckCommand: CheckSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Check model metrics: from a metrics file, or computed from a predictions CSV, against rules.",
        discussion: """
            Metrics computed from --predictions equal scikit-learn's: accuracy, precision, recall, f1 \
            (binary, and _macro/_weighted), roc_auc, pr_auc (average precision), log_loss, brier; \
            rmse, mae, mape, r2 for --task regression.
            Rules (--rule, repeatable): roc_auc >= 0.85 · f1 >= champion - 0.01 · recall >= champion * 0.98 · \
            non_inferior(roc_auc, 0.01) · superior(f1) · per_slice(recall) >= 0.7 (with --slice).
            The champion is the version --against STAGE holds: its recorded metrics for this check, \
            and its predictions on the same rows from --baseline FILE or REV:PATH (REV may be \
            'champion'), joined on --id.
            Example: mlgate check metrics performance --model fraud --predictions predictions/holdout.csv \
            --label label --score score --rule 'roc_auc >= 0.8' --against production --baseline champion:predictions/holdout.csv --id id --rule 'non_inferior(roc_auc, 0.02)'
            """)

    @Argument(help: "The check's name (evidence is kept per model and name).")
    var name: String

    @Option(name: .customLong("metrics"), help: "A JSON or YAML metrics file (nested keys as a.b.c).")
    var metricsFile: String?

    @Option(name: .long, help: "A predictions CSV to compute the metrics from.")
    var predictions: String?

    @Option(name: .long, help: "The column of true labels.")
    var label: String?

    @Option(name: .long, help: "The column of predicted probabilities of the positive class (binary).")
    var score: String?

    @Option(name: .long, help: "With --score: the probability from which a row is predicted positive.")
    var threshold: Double = 0.5

    @Option(name: .long, help: "The column of predicted classes (or estimates, for regression).")
    var prediction: String?

    @Option(name: .long, help: "binary, multiclass or regression (default: from the columns).")
    var task: String?

    @Option(name: .long, help: "A column to compute every metric per value of (for per_slice rules).")
    var slice: String?

    @Option(name: .long, help: "The column that identifies a row, to join with the champion's predictions.")
    var id: String?

    @Option(name: .long, help: "A rule (repeatable).")
    var rule: [String] = []

    @Option(name: .long, help: "The champion's predictions on the same rows: a file, or REV:PATH read from git (REV may be 'champion').")
    var baseline: String?

    @Option(name: .long, help: "Bootstrap resamples for non_inferior and superior.")
    var resamples: Int = 1000

    @Option(name: .long, help: "Confidence of their intervals.")
    var confidence: Double = 0.95

    @Option(name: .long, help: "The bootstrap's seed (the same seed gives the same interval).")
    var seed: UInt64 = 1

    @Flag(name: .customLong("allow-no-baseline"), help: "Let rules that need a champion pass when there is none (a first release).")
    var allowNoBaseline = false

    @OptionGroup var options: CheckOptions

    func validate() throws {
        try Self.validateName(name)
        if !(1...100_000).contains(resamples) { throw ValidationError("--resamples is from 1 to 100000, not \(resamples)") }
        if !(confidence > 0 && confidence < 1) { throw ValidationError("--confidence is between 0 and 1, not \(confidence)") }
        if !threshold.isFinite || !(0...1).contains(threshold) { throw ValidationError("--threshold is a probability from 0 to 1, not \(threshold)") }
        if score != nil, prediction != nil, task == "regression" { throw ValidationError("give --score or --prediction for a regression, not both") }
    }

    /// The check's result (bad input is printed and thrown as exit 2).
    func result(console: ConsoleOutput) throws -> (CheckResult, Repository) {
        let (repository, commit) = try options.target(console: console)
        let directory = FileManager.default.currentDirectoryPath
        var settings = MetricsCheck.Options(name: name)
        settings.model = options.model
        settings.metricsFile = metricsFile
        settings.predictions = predictions
        settings.label = label
        settings.score = score
        settings.prediction = prediction
        settings.threshold = threshold
        settings.task = task
        settings.id = id
        settings.slice = slice
        settings.rules = rule
        settings.resamples = resamples
        settings.confidence = confidence
        settings.seed = seed
        settings.allowNoBaseline = allowNoBaseline
        let (champion, temporary) = try resolveChampion(repository: repository, console: console)
        defer { if let temporary { try? FileManager.default.removeItem(atPath: temporary) } }
        let result: CheckResult
        do {
            result = try MetricsCheck(settings).run(in: directory, commit: commit, champion: champion)
        } catch {
            console.err("mlgate: \(error.description)")
            throw ExitCode(ExitStatus.invalid)
        }
        return (result, repository)
    }

    /// The champion: the version `--against` names in the registry, its recorded metrics for
    /// this check, and `--baseline` predictions (a file, or REV:PATH read through libgit2).
    private func resolveChampion(repository: Repository, console: ConsoleOutput) throws -> (MetricsCheck.Champion?, String?) {
        var champion: MetricsCheck.Champion?
        var championCommit: String?
        if let stage = options.against {
            guard let model = options.model else {
                console.err("mlgate: --against needs --model: the champion is the model's version in \(stage)")
                throw ExitCode(ExitStatus.invalid)
            }
            let state: RegistryState
            do { state = try RegistryState(repository: repository) } catch {
                console.err("mlgate: cannot read the registry: \(error)")
                throw ExitCode(ExitStatus.failed)
            }
            champion = MetricsCheck.Champion(version: nil)
            if let current = state.model(model)?.current(in: stage) {
                championCommit = current.stamp.commit
                champion?.version = current.version
                let results: [CheckResult]
                do { results = try EvidenceStore(repository: repository).results(on: current.stamp.commit) } catch {
                    throw fail(error, console: console)
                }
                champion?.measurements = results.first { $0.check == name && ($0.model == nil || $0.model == model) }?.measurements
            }
        }
        guard let baseline else { return (champion, nil) }
        if champion == nil { champion = MetricsCheck.Champion(version: nil) }
        if FileManager.default.fileExists(atPath: baseline) {
            champion?.predictions = baseline
            champion?.predictionsDisplay = baseline
            return (champion, nil)
        }
        guard let colon = baseline.firstIndex(of: ":") else {
            console.err("mlgate: --baseline \(baseline): no such file; give a file, or REV:PATH to read it from git")
            throw ExitCode(ExitStatus.invalid)
        }
        let revision = String(baseline[..<colon]), path = String(baseline[baseline.index(after: colon)...])
        // No champion yet: rules that need one decide (a fail, or a pass with --allow-no-baseline).
        if revision == "champion", championCommit == nil {
            if options.against == nil {
                console.err("mlgate: --baseline champion:\(path) needs --against STAGE")
                throw ExitCode(ExitStatus.invalid)
            }
            return (champion, nil)
        }
        let (file, display) = try options.fileAtRevision(baseline, option: "--baseline", revision: revision, path: path,
                                                         champion: championCommit, repository: repository, console: console)
        champion?.predictions = file
        champion?.predictionsDisplay = display
        return (champion, file)
    }
}

/// `mlgate check data NAME --contract FILE DATA…`: data files against a contract.
struct DataCheckCommand: CheckSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Check data files (CSV or JSON Lines, gzip or not) against a data contract.",
        discussion: """
            The contract (YAML, see docs/data-contract.md) names the columns and their rules: type, \
            nullable, min/max, in, regex, min_length/max_length, unique, mostly, severity; \
            the columns' order, other columns, row counts, compound unique keys and freshness. \
            One streaming pass: memory does not grow with the file.
            Example: mlgate check data training-data --contract data/contract.yml data/train.csv data/holdout.csv
            """)

    @Argument(help: "The check's name (evidence is kept per model and name).")
    var name: String

    @Argument(help: "The data files (CSV, or JSON Lines: .jsonl, .ndjson; .gz read as they are).")
    var files: [String] = []

    @Option(name: .long, help: "The data contract (YAML).")
    var contract: String

    @Option(name: .long, help: "The CSV field separator: one character, or 'tab'.")
    var delimiter: String = ","

    @Option(name: .long, help: "csv or jsonl (default: from each file's name).")
    var format: String?

    @Option(name: .long, help: "Sample rows shown per failing rule.")
    var samples: Int = 5

    @OptionGroup var options: CheckOptions

    func validate() throws {
        try Self.validateName(name)
        if files.isEmpty { throw ValidationError("give the data files, e.g. mlgate check data \(name) --contract contract.yml data/train.csv") }
        if delimiter != "tab", delimiter.utf8.count != 1 { throw ValidationError("--delimiter is one character (or 'tab'), not '\(delimiter)'") }
        if let format, DataCheck.Format(rawValue: format) == nil { throw ValidationError("--format is csv or jsonl, not '\(format)'") }
        if !(0...1000).contains(samples) { throw ValidationError("--samples is from 0 to 1000") }
    }

    func result(console: ConsoleOutput) throws -> (CheckResult, Repository) {
        try result(console: console, inline: nil, policy: nil)
    }

    /// The result; `inline` is a contract written in the policy file `policy` (declared checks).
    func result(console: ConsoleOutput, inline: DataContract?, policy: String?) throws -> (CheckResult, Repository) {
        let (repository, commit) = try options.target(console: console)
        let directory = FileManager.default.currentDirectoryPath
        if let inline {
            return (try run(inline, source: policy, repository: repository, commit: commit, directory: directory, console: console), repository)
        }
        let path = contract.hasPrefix("/") ? contract : directory + "/" + contract
        guard let data = FileManager.default.contents(atPath: path) else {
            console.err("mlgate: cannot read the contract \(contract)")
            throw ExitCode(ExitStatus.invalid)
        }
        let parsed: DataContract
        do { parsed = try DataContract.decode(String(decoding: data, as: UTF8.self), file: contract) } catch {
            console.err(error.description)
            console.err("mlgate: the contract \(contract) is invalid; nothing was checked")
            throw ExitCode(ExitStatus.invalid)
        }
        return (try run(parsed, source: contract, repository: repository, commit: commit, directory: directory, console: console), repository)
    }

    private func run(_ parsed: DataContract, source: String?, repository: Repository, commit: String, directory: String,
                     console: ConsoleOutput) throws -> CheckResult {
        var settings = DataCheck.Options(name: name, contract: parsed)
        settings.model = options.model
        settings.contractFile = source
        settings.files = files
        settings.delimiter = delimiter == "tab" ? 0x09 : delimiter.utf8.first!
        settings.format = format.flatMap(DataCheck.Format.init)
        settings.samples = samples
        do { return try DataCheck(settings).run(in: directory, commit: commit) } catch {
            console.err("mlgate: \(error.description)")
            throw ExitCode(ExitStatus.invalid)
        }
    }
}

/// `mlgate check drift NAME --reference FILE --current FILE`: has the data moved away from the reference?
struct DriftCheckCommand: CheckSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Compare data with a reference, column by column, with Evidently's default tests and thresholds.",
        discussion: """
            Per column, as Evidently's DataDriftPreset chooses: a reference of at most 1,000 rows is \
            compared with Kolmogorov–Smirnov (numbers) or chi-square / a Z-test for two categories \
            (drift when p < 0.05); a larger one with the Wasserstein distance normed by the \
            reference's standard deviation (numbers) or Jensen–Shannon (categories), drift at ≥ 0.1. \
            Numeric columns with at most 5 values count as categories. Dataset drift when the share \
            of drifted columns reaches --drift-share (0.5).
            The reference may be REV:PATH read from git, or champion:PATH with --against STAGE.
            Example: mlgate check drift inputs --reference champion:data/train.csv --current data/live.csv --model fraud --against production
            """)

    @Argument(help: "The check's name (evidence is kept per model and name).")
    var name: String

    @Option(name: .long, help: "The reference data (CSV): a file, REV:PATH, or champion:PATH.")
    var reference: String

    @Option(name: .long, help: "The current data (CSV).")
    var current: String

    @Option(name: .customLong("column"), help: "A column to compare (repeatable; default: all columns both files have).")
    var columns: [String] = []

    @Option(name: .long, help: "The test for every column: ks, chisquare, z, wasserstein, jensenshannon, psi.")
    var stattest: String?

    @Option(name: .customLong("stattest-for"), help: "COLUMN=TEST for one column (repeatable).")
    var stattestFor: [String] = []

    @Option(name: .long, help: "The threshold for every column (a p-value, or a distance).")
    var threshold: Double?

    @Option(name: .customLong("threshold-for"), help: "COLUMN=THRESHOLD for one column (repeatable).")
    var thresholdFor: [String] = []

    @Option(name: .customLong("drift-share"), help: "The share of drifted columns that is dataset drift.")
    var driftShare: Double = 0.5

    @Option(name: .long, help: "The CSV field separator: one character, or 'tab'.")
    var delimiter: String = ","

    @OptionGroup var options: CheckOptions

    func validate() throws {
        try Self.validateName(name)
        if let stattest, DriftCheck.StatTest(rawValue: stattest) == nil {
            throw ValidationError("--stattest is one of \(DriftCheck.StatTest.allCases.map(\.rawValue).joined(separator: ", ")), not '\(stattest)'")
        }
        for pair in stattestFor + thresholdFor where !pair.contains("=") { throw ValidationError("'\(pair)' must be COLUMN=VALUE") }
        if !(driftShare > 0 && driftShare <= 1) { throw ValidationError("--drift-share is a fraction above 0, at most 1") }
        if delimiter != "tab", delimiter.utf8.count != 1 { throw ValidationError("--delimiter is one character (or 'tab')") }
    }

    func result(console: ConsoleOutput) throws -> (CheckResult, Repository) {
        let (repository, commit) = try options.target(console: console)
        let directory = FileManager.default.currentDirectoryPath
        var settings = DriftCheck.Options(name: name, reference: reference, current: current)
        var temporary: String?
        defer { if let temporary { try? FileManager.default.removeItem(atPath: temporary) } }
        if !FileManager.default.fileExists(atPath: reference.hasPrefix("/") ? reference : directory + "/" + reference),
           let colon = reference.firstIndex(of: ":") {
            // A reference read from git: REV:PATH, or the champion's commit.
            let revision = String(reference[..<colon]), path = String(reference[reference.index(after: colon)...])
            var championCommit: String?
            if revision == "champion" {
                guard let stage = options.against, let model = options.model else {
                    console.err("mlgate: --reference champion:\(path) needs --against STAGE and --model")
                    throw ExitCode(ExitStatus.invalid)
                }
                guard let champion = (try? RegistryState(repository: repository))?.model(model)?.current(in: stage) else {
                    console.err("mlgate: \(stage) holds no version of \(model): there is no champion's reference to compare with")
                    throw ExitCode(ExitStatus.invalid)
                }
                championCommit = champion.stamp.commit
            }
            let (file, display) = try options.fileAtRevision(reference, option: "--reference", revision: revision, path: path,
                                                             champion: championCommit, repository: repository, console: console)
            temporary = file
            settings.reference = file
            settings.referenceDisplay = display
        }
        settings.model = options.model
        settings.columns = columns
        settings.stattest = stattest.flatMap(DriftCheck.StatTest.init)
        for pair in stattestFor {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard let test = DriftCheck.StatTest(rawValue: parts[1]) else {
                console.err("mlgate: --stattest-for \(pair): unknown test '\(parts[1])'")
                throw ExitCode(ExitStatus.invalid)
            }
            settings.stattestFor[parts[0]] = test
        }
        for pair in thresholdFor {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard let value = Double(parts[1]), value.isFinite, value >= 0 else {
                console.err("mlgate: --threshold-for \(pair): '\(parts[1])' is not a threshold")
                throw ExitCode(ExitStatus.invalid)
            }
            settings.thresholdFor[parts[0]] = value
        }
        settings.threshold = threshold
        settings.driftShare = driftShare
        settings.delimiter = delimiter == "tab" ? 0x09 : delimiter.utf8.first!
        do { return (try DriftCheck(settings).run(in: directory, commit: commit), repository) } catch {
            console.err("mlgate: \(error.description)")
            throw ExitCode(ExitStatus.invalid)
        }
    }
}

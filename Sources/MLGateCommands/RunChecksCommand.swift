import ArgumentParser
import Checks
import Foundation
import GitState
import Promotion

/// `mlgate check run [NAME…] [--stage STAGE]`: the checks declared in `mlgate.yml`, run as
/// their `mlgate check KIND` commands would run them, in one table.
struct RunChecksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the checks declared in mlgate.yml (all, those named, or those a stage requires).",
        discussion: """
            Each declared check runs as `mlgate check KIND NAME` with its options as flags, \
            and is recorded as evidence with --record (always inside mlgate run). Exit 0 when \
            every check passed or warned, 1 when one failed, 2 when one could not run.
            """)

    @Argument(help: "The checks to run (default: every declared check, or those --stage requires).")
    var names: [String] = []

    @Option(name: .long, help: "Run the declared checks this stage requires.")
    var stage: String?

    @Option(name: .long, help: "The policy file (default: mlgate.yml at the repository root).")
    var policy: String = PolicyDecoder.fileName

    @Option(name: .long, help: "The model the checks are about (when a check does not name one).")
    var model: String?

    @Flag(name: .long, help: "Record each result as evidence on the commit.")
    var record = false

    @Option(name: .long, help: "The commit the checks are about (default: HEAD, or the run's commit inside mlgate run).")
    var rev: String?

    @Flag(name: .long, help: "Print the results as a JSON array.")
    var json = false

    @Option(name: .long, help: "Also write the results as one JUnit report (a test suite per check, a test case per rule).")
    var junit: String?

    @OptionGroup var repository: RepositoryOption

    func run() throws {
        let console = ConsoleOutput()
        let registry = try repository.open(console: console)
        let root = registry.root
        let declared: Policy
        do { declared = try PolicyDecoder.load(repositoryRoot: root, file: policy) } catch {
            console.err("\(error)")
            console.err("mlgate: \(policy) is invalid; nothing was run (mlgate policy check lists the problems)")
            throw ExitCode(ExitStatus.invalid)
        }
        var selected: [DeclaredCheck]
        if !names.isEmpty {
            selected = []
            for name in names {
                guard let check = declared.check(name) else {
                    console.err("mlgate: no check '\(name)' is declared in \(policy); declared: \(declared.checks.map(\.name).joined(separator: ", "))")
                    throw ExitCode(ExitStatus.invalid)
                }
                selected.append(check)
            }
        } else if let stage {
            guard let required = declared.stage(stage) else {
                console.err("mlgate: there is no stage '\(stage)' in \(policy); stages: \(declared.stages.map(\.name).joined(separator: ", "))")
                throw ExitCode(ExitStatus.invalid)
            }
            selected = required.checks.compactMap { declared.check($0.name) }
            let undeclared = required.checks.map(\.name).filter { declared.check($0) == nil }
            if !undeclared.isEmpty {
                console.err("mlgate: \(stage) also requires \(undeclared.joined(separator: ", ")), not declared in \(policy): record \(undeclared.count == 1 ? "it" : "them") with mlgate check … --record")
            }
        } else {
            selected = declared.checks
        }
        guard !selected.isEmpty else {
            console.err("mlgate: no checks to run; declare them under 'checks:' in \(policy)")
            throw ExitCode(ExitStatus.invalid)
        }

        var results: [CheckResult] = []
        var rows = [["CHECK", "KIND", "STATUS", "SUMMARY"]]
        var worst: Int32 = 0
        for check in selected {
            var arguments = check.arguments
            // The shared options go before `--`.
            let separator = arguments.firstIndex(of: "--") ?? arguments.endIndex
            var shared: [String] = []
            if let model, !check.options.contains(where: { $0.key == "model" }) { shared += ["--model", model] }
            if let rev { shared += ["--rev", rev] }
            if record { shared.append("--record") }
            if let directory = repository.directory { shared += ["-C", directory] }
            arguments.insert(contentsOf: shared, at: separator)
            let outcome: (CheckResult, Repository)?
            do {
                switch check.kind {
                case .tests: outcome = try TestsCheckCommand.parse(arguments).result(console: console)
                case .metrics: outcome = try MetricsCheckCommand.parse(arguments).result(console: console)
                case .command: outcome = try CommandCheckCommand.parse(arguments).result(console: console)
                case .data:
                    if let contract = check.contract {
                        outcome = try DataCheckCommand.parse(arguments + ["--contract", "-"]).result(console: console, inline: contract, policy: policy)
                    } else {
                        outcome = try DataCheckCommand.parse(arguments).result(console: console)
                    }
                case .drift: outcome = try DriftCheckCommand.parse(arguments).result(console: console)
                case .security:
                    // The stage's own threshold (security.stages in mlgate.yml), unless the check sets one.
                    let stageArguments = stage.map { ["--stage", $0] } ?? []
                    outcome = try SecurityCheckCommand.parse(arguments + stageArguments + ["--policy", policy]).result(console: console)
                }
            } catch let exit as ExitCode {
                worst = max(worst, exit.rawValue == 0 ? 0 : ExitStatus.invalid)
                rows.append([check.name, check.kind.rawValue, "error", "could not run (see above)"])
                continue
            } catch {
                console.err("mlgate: check \(check.name) in \(policy) (line \(check.location.line)): \(error)")
                worst = max(worst, ExitStatus.invalid)
                rows.append([check.name, check.kind.rawValue, "error", "invalid options"])
                continue
            }
            guard let (result, repository) = outcome else { continue }
            let options = try CheckOptions.parse(record ? ["--record"] : [])
            let (_, failure) = options.recordIfAsked(result, repository: repository)
            if let failure {
                console.err("mlgate: \(result.check) \(result.status.rawValue), but it was not recorded: \(failure.description)")
                worst = max(worst, failure.isUsage ? ExitStatus.invalid : ExitStatus.failed)
            }
            results.append(result)
            worst = max(worst, result.exitStatus)
            rows.append([result.check, result.kind.rawValue, result.status.rawValue, result.summary])
        }
        if let junit {
            do {
                let url = URL(fileURLWithPath: junit)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(CheckResult.junitXML(results).utf8).write(to: url)
            } catch {
                console.err("mlgate: cannot write the JUnit report \(junit): \(error.localizedDescription)")
                worst = max(worst, ExitStatus.invalid)
            }
        }
        if json {
            console.out(CanonicalJSON.text(results))
        } else {
            console.out(Table.render(rows))
            for result in results {
                let failing = result.rules.filter { $0.verdict != .pass }
                if !failing.isEmpty { console.out("\(result.check):\n" + RuleTable.render(result.rules)) }
                for finding in result.findings.prefix(10) where finding.severity == "error" {
                    console.out("  \(result.check): [\(finding.rule)] \(finding.message)")
                }
            }
        }
        if worst != 0 { throw ExitCode(worst) }
    }
}

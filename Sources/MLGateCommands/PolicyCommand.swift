import ArgumentParser
import Foundation
import GitState
import Promotion

/// `mlgate policy check`: validates `mlgate.yml`.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Work with the promotion policy (mlgate.yml).",
        subcommands: [PolicyCheckCommand.self])
}

struct PolicyCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the policy: every problem as file:line:col, exit 2 when there is any.")

    @Argument(help: "The policy file (default: mlgate.yml at the repository root).")
    var file: String = PolicyDecoder.fileName

    @OptionGroup var repository: RepositoryOption

    func run() throws {
        let console = ConsoleOutput()
        let registry = try repository.open(console: console)
        let root = registry.root
        do {
            let policy = try PolicyDecoder.load(repositoryRoot: root, file: file)
            console.out("\(file): \(policy.models.count) model(s), stages \(policy.stages.map(\.name).joined(separator: " → ")); no problems")
            for stage in policy.stages {
                var needs: [String] = []
                if let from = stage.from { needs.append("from \(from)") }
                if !stage.checks.isEmpty { needs.append("checks " + stage.checks.map { $0.name + ($0.allowWarn ? " (warn ok)" : "") }.joined(separator: ", ")) }
                if let wait = stage.wait { needs.append("wait \(Int(wait))s") }
                if !stage.branches.isEmpty { needs.append("branches " + stage.branches.joined(separator: ", ")) }
                if let approvals = stage.approvals { needs.append("\(approvals.required) approval(s)") }
                if let analysis = stage.analysis { needs.append("analysis of \(analysis.metrics.map(\.name).joined(separator: ", "))") }
                console.out("  \(stage.name): " + (needs.isEmpty ? "no requirements" : needs.joined(separator: "; ")))
            }
            if !policy.checks.isEmpty {
                console.out("  declared checks: " + policy.checks.map { "\($0.name) (\($0.kind.rawValue))" }.joined(separator: ", "))
            }
        } catch {
            console.err(error.description)
            console.err("mlgate: \(error.diagnostics.count) problem\(error.diagnostics.count == 1 ? "" : "s") in the policy")
            throw ExitCode(ExitStatus.invalid)
        }
    }
}

import ArgumentParser
import Checks
import Foundation
import GitState
import Promotion

/// `mlgate monitor`: the stage's post-deploy analysis, and an automatic rollback when it fails.
struct MonitorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Run a stage's post-deploy analysis for its current version: exit 0 successful, 3 inconclusive (held for a human), 1 failed or error (rolled back automatically).")

    @Argument(help: "The model.")
    var name: String

    @Option(name: .long, help: "The stage whose analysis runs.")
    var stage: String

    @Flag(name: .customLong("no-deploy"), help: "Roll back without running the deployment workflows for the restored version.")
    var noDeploy = false

    @Flag(name: .long, help: "Print the analysis (and any rollback decision) as JSON.")
    var json = false

    @OptionGroup var context: PolicyOptions

    func run() async throws {
        let console = ConsoleOutput()
        let (registry, root, policy) = try context.open(console: console)
        guard let analysis = policy.stage(stage)?.analysis else {
            console.err("mlgate: stage '\(stage)' has no analysis in \(policy.file); add one under stages.\(stage).analysis")
            throw ExitCode(ExitStatus.invalid)
        }
        let state = try load(registry, console: console)
        let model = try findModel(name, in: state, console: console)
        guard let current = model.current(in: stage) else {
            console.err("mlgate: \(name) has no version in \(stage); there is nothing to analyse")
            throw ExitCode(ExitStatus.invalid)
        }
        if !json { console.out("Analysing \(name) \(current.version) (\(current.stamp.commit.prefix(7))) in \(stage): \(analysis.metrics.map(\.name).joined(separator: ", "))") }
        let quiet = json
        let runner = AnalysisRunner(source: MetricProviders(root: root), onMeasurement: { metric, m in
            if !quiet { console.out("  \(metric): \(m.phase.rawValue)" + (m.value.map { " (result \($0))" } ?? "") + (m.message.map { ": \($0)" } ?? "")) }
        })
        let started = Date()
        let result = runner.run(analysis)
        try record(result, commit: current.stamp.commit, started: started, repository: registry.repository, console: console)

        var decision: Decision?
        // A failed analysis with no earlier version to go back to is held for a human:
        // a stage is never emptied by an automatic rollback.
        var held: String?
        if result.phase == .failed || result.phase == .error {
            let failures = result.metrics.filter { $0.phase == .failed || $0.phase == .error }
                .map { "analysis \($0.name) \($0.phase.rawValue): \($0.summary)" + ($0.measurements.last?.value.map { " (last result \($0))" } ?? "") }
            if model.previous(in: stage) == nil {
                held = "\(stage) has no earlier version of \(name) to roll back to, so \(current.version) stays in \(stage): "
                    + "investigate, then promote a fixed version or roll back by hand (mlgate rollback \(name) --stage \(stage) --to VERSION --reason …)"
            } else {
                do {
                    decision = try Rollback(repository: registry.repository).perform(model: name, stage: stage, to: nil, reasons: failures)
                } catch {
                    throw fail(error, console: console)
                }
            }
        }
        if json {
            console.out(CanonicalJSON.text(["analysis": AnyEncodable(result), "rollback": AnyEncodable(decision), "held": AnyEncodable(held)]))
        } else {
            for metric in result.metrics { console.out("  → \(metric.name) \(metric.phase.rawValue): \(metric.summary)") }
            console.out("Analysis \(result.phase.rawValue)")
            if let decision {
                console.out("✗ rollback: \(decision.model) in \(stage) → \(decision.version)")
                for reason in decision.reasons { console.out("  - \(reason)") }
            }
            if let held { console.out("… hold: \(held)") }
        }
        switch result.phase {
        case .successful: return
        case .inconclusive: throw ExitCode(ExitStatus.pending)
        case .failed, .error:
            if held != nil { throw ExitCode(ExitStatus.pending) }
            if let decision, !noDeploy { _ = try await Deployment.restore(decision, registry: registry, root: root, console: console) }
            throw ExitCode(ExitStatus.failed)
        }
    }

    /// The analysis as evidence on the analysed commit (check `analysis-STAGE`).
    func record(_ result: AnalysisRunner.Result, commit: String, started: Date, repository: Repository, console: ConsoleOutput) throws {
        let status: CheckResult.Status = switch result.phase {
        case .successful: .pass
        case .inconclusive: .warn
        case .failed: .fail
        case .error: .error
        }
        var measurements: [String: Double] = [:]
        for metric in result.metrics {
            if let text = metric.measurements.last?.value, let value = Double(text) { measurements[metric.name] = value }
        }
        let findings = result.metrics.filter { $0.phase != .successful }.map {
            CheckResult.Finding(severity: $0.phase == .inconclusive ? "warning" : "error", rule: "analysis-\($0.phase.rawValue)", message: "\($0.name): \($0.summary)")
        }
        let evidence = CheckResult(check: "analysis-\(stage)", kind: .metrics, status: status,
                                   summary: "post-deploy analysis \(result.phase.rawValue): " + result.metrics.map { "\($0.name) \($0.phase.rawValue)" }.joined(separator: ", "),
                                   measurements: measurements, findings: findings, commit: commit, model: name,
                                   startedAt: Timestamp.text(started),
                                   durationMs: Int(Date().timeIntervalSince(started) * 1000))
        do { try EvidenceStore(repository: repository).record(evidence) } catch { throw fail(error, console: console) }
    }
}

/// `mlgate rollback`: put a stage back by hand.
struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Put a stage back to its previous version (or --to VERSION), recording why, and deploy it.")

    @Argument(help: "The model.")
    var name: String

    @Option(name: .long, help: "The stage.")
    var stage: String

    @Option(name: .long, help: "The version to restore (default: the stage's previous version).")
    var to: String?

    @Option(name: .long, help: "Why (kept in the decision).")
    var reason: String

    @Flag(name: .customLong("no-deploy"), help: "Do not run the deployment workflows for the restored version.")
    var noDeploy = false

    @Flag(name: .long, help: "Print the Decision as JSON.")
    var json = false

    @OptionGroup var repository: RepositoryOption

    func run() async throws {
        let console = ConsoleOutput()
        let registry = try repository.open(console: console)
        let root = registry.root
        let decision: Decision
        do {
            decision = try Rollback(repository: registry.repository).perform(model: name, stage: stage, to: to, reasons: ["by hand: \(reason)"])
        } catch {
            throw fail(error, console: console)
        }
        if json {
            console.out(decision.json)
        } else {
            console.out("✓ rollback: \(decision.model) in \(stage) → \(decision.version)")
            for reason in decision.reasons { console.out("  - \(reason)") }
        }
        if !noDeploy, try await Deployment.restore(decision, registry: registry, root: root, console: console) != ExitStatus.success {
            throw ExitCode(ExitStatus.failed)
        }
    }
}

import ArgumentParser
import Foundation
import GitState
import Promotion
import Runner

/// The repository and its policy, for the commands that judge promotions.
struct PolicyOptions: ParsableArguments {
    @Option(name: .long, help: "The policy file (default: mlgate.yml at the repository root).")
    var policy: String = PolicyDecoder.fileName

    @OptionGroup var repository: RepositoryOption

    /// The registry, the working tree's root and the policy (problems in it: exit 2).
    func open(console: ConsoleOutput) throws -> (Registry, String, Policy) {
        let registry = try repository.open(console: console)
        let root = registry.root
        do {
            return (registry, root, try PolicyDecoder.load(repositoryRoot: root, file: policy))
        } catch {
            console.err(error.description)
            throw ExitCode(ExitStatus.invalid)
        }
    }
}

/// What `gate` and `promote` share: the model, the target stage, which version, the policy.
struct PromotionRequest: ParsableArguments {
    @Argument(help: "The model.")
    var name: String

    @Option(name: .long, help: "The stage to enter.")
    var to: String

    @Option(name: .long, help: "The version (default: the latest).")
    var version: String?

    @Option(name: .long, help: "The commit whose registered version to promote.")
    var rev: String?

    @Flag(name: .long, help: "Print the Decision as JSON.")
    var json = false

    @OptionGroup var context: PolicyOptions

    /// Evaluates the policy; prints the decision. Returns it with the registry. Inside a
    /// workflow the promotion report goes to the step summary.
    func decide(console: ConsoleOutput) throws -> (Decision, Registry, String) {
        if version != nil, rev != nil {
            console.err("mlgate: give --version or --rev, not both")
            throw ExitCode(ExitStatus.invalid)
        }
        let (registry, root, loaded) = try context.open(console: console)
        let gate = Gate(repository: registry.repository, policy: loaded,
                        approvals: ApprovalStore(repository: registry.repository, root: root))
        do {
            let candidate = try gate.candidate(model: name, version: version, revision: rev)
            let decision = try gate.decide(candidate, to: to)
            StepSummary.append(decision, registry: registry, root: root, policy: loaded, console: console)
            return (decision, registry, root)
        } catch {
            throw fail(error, console: console)
        }
    }

    func show(_ decision: Decision, console: ConsoleOutput) {
        if json {
            console.out(decision.json)
            return
        }
        let mark = switch decision.decision { case .promote: "✓"; case .hold: "…"; case .reject, .rollback: "✗" }
        console.out("\(mark) \(decision.decision.rawValue): \(decision.model) \(decision.version) (\(decision.commit.prefix(7))) → \(decision.to)")
        for reason in decision.reasons { console.out("  - \(reason)") }
    }
}

/// `mlgate gate`: may this version enter the stage? Changes nothing.
struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Decide whether a model version may enter a stage, and why. Exit 0 promote, 1 reject, 3 hold; changes nothing.")

    @OptionGroup var request: PromotionRequest

    func run() throws {
        let console = ConsoleOutput()
        let (decision, _, _) = try request.decide(console: console)
        request.show(decision, console: console)
        if decision.exitStatus != 0 { throw ExitCode(decision.exitStatus) }
    }
}

/// `mlgate promote`: the gate, then the stage tag and the `deployment` event.
struct PromoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Gate a model version and, when it may, assign it to the stage (a NAME#STAGE#N tag holding the decision) and run the workflows on: deployment.")

    @OptionGroup var request: PromotionRequest

    @Flag(name: .customLong("no-deploy"), help: "Record the promotion without running the deployment workflows.")
    var noDeploy = false

    func run() async throws {
        let console = ConsoleOutput()
        let (decision, registry, root) = try request.decide(console: console)
        request.show(decision, console: console)
        guard decision.decision == .promote else { throw ExitCode(decision.exitStatus) }
        if decision.alreadyThere { return }
        let tag: RegistryTag
        do {
            tag = try registry.assign(decision.model, stage: decision.to, commit: decision.commit,
                                      message: "Promote \(decision.model) \(decision.version) to \(decision.to)\n\n\(decision.json)\n")
            if !request.json { console.out("  recorded as tag \(tag)") }
        } catch {
            throw fail(error, console: console)
        }
        if noDeploy { return }
        let status = try await Deployment.emit(model: decision.model, version: decision.version, commit: decision.commit,
                                               stage: decision.to, tag: tag.description, root: root, console: console)
        // The deployment may have run the stage's analysis, which may have rolled back: say
        // what the stage holds now, not what was written before.
        let holder = (try? registry.state())?.model(decision.model)?.current(in: decision.to)
        if holder?.version != decision.version {
            let now = holder.map { "\(decision.to) holds \($0.version) again" } ?? "\(decision.to) holds no version"
            console.err("mlgate: \(decision.model) \(decision.version) was promoted to \(decision.to), but it was rolled back during its deployment: \(now)")
            throw ExitCode(ExitStatus.failed)
        }
        if status != ExitStatus.success {
            console.err("mlgate: \(decision.model) \(decision.version) is in \(decision.to), but its deployment workflow failed")
            throw ExitCode(ExitStatus.failed)
        }
    }
}

/// A GitHub `deployment` event for a promoted version: the workflows with `on: deployment`
/// run at the version's commit, with `github.event.deployment.environment`, `.sha` and
/// `.payload` (model, version).
enum Deployment {
    /// Deploys the version a rollback restored, marked as a rollback (nothing when the stage
    /// was left empty).
    static func restore(_ rollback: Decision, registry: Registry, root: String, console: ConsoleOutput) async throws -> Int32 {
        guard rollback.version != rollback.champion?.version else { return ExitStatus.success }
        // The assignment the rollback wrote is the stage's current one: its tag is the ref.
        let tag = (try? registry.state())?.model(rollback.model)?.current(in: rollback.to)?.stamp.tag
        return try await emit(model: rollback.model, version: rollback.version, commit: rollback.commit, stage: rollback.to,
                              tag: tag, root: root, rollback: true, console: console)
    }

    /// `rollback` marks the payload (`payload.rollback: true`), so a post-deploy workflow can
    /// skip analysing a version that was just restored.
    /// `tag` (the stage assignment that was written) is the run's `github.ref`, as a
    /// deployment's ref is on GitHub; without one, the version's commit.
    static func emit(model: String, version: String, commit: String, stage: String, tag: String?, root: String, rollback: Bool = false,
                     console: ConsoleOutput) async throws -> Int32 {
        let sources = (try? RevisionWorkspace.workflowFiles(repositoryAt: root, revision: commit)) ?? []
        let triggered = WorkflowLoader.load(sources: sources).workflows.filter { $0.trigger("deployment") != nil }
        guard !triggered.isEmpty else {
            console.out("  no workflow at \(commit.prefix(7)) runs on: deployment; nothing to deploy")
            return ExitStatus.success
        }
        let payload: [String: Any] = ["deployment": [
            "environment": stage, "sha": commit, "ref": tag ?? "\(RegistryTag.encode(model))@\(version)", "task": "deploy",
            "description": "mlgate: \(model) \(version) to \(stage)",
            "payload": ["model": model, "version": version, "rollback": rollback] as [String: Any],
        ]]
        let file = NSTemporaryDirectory() + "mlgate-deployment-\(UUID().uuidString).json"
        try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys]).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        console.out("  deploying: \(triggered.map(\.file).joined(separator: ", ")) with environment \(stage)")
        let run = try RunCommand.parse(triggered.map(\.file) + ["--event", "deployment", "--eventpath", file, "--rev", tag.map { "refs/tags/" + $0 } ?? commit, "-C", root])
        return try await run.execute(console: console)
    }
}

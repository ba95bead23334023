import ArgumentParser
import Foundation
import GitState
import Checks
import Promotion

/// `mlgate assign` and `mlgate unassign`: GTO's plain stage assignment, for registries
/// without a policy. A stage mlgate.yml names has requirements that only `mlgate promote`
/// checks, so there the plain commands need `--force`, which the tag's message records.
struct AssignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign",
        abstract: "Put a version in a stage without the gate (GTO's gto assign), for registries without a policy.",
        discussion: """
            The version is --version V, or the one registered on REV (default HEAD; a commit with no \\
            version is registered first, as GTO does). When mlgate.yml has the stage, use mlgate \\
            promote, which checks its requirements, or --force, which the tag's message records.
            Example: mlgate assign churn staging --version v1.2.0
            """)

    @Argument(help: "The model.")
    var name: String

    @Argument(help: "The stage.")
    var stage: String

    @Argument(help: "The commit whose version to assign (default: HEAD), when --version is not given.")
    var revision: String?

    @Option(name: .long, help: "The version to assign, as vX.Y.Z.")
    var version: String?

    @Flag(name: .long, help: "Assign even though mlgate.yml has this stage (its requirements are not checked; the tag says so).")
    var force = false

    @Option(name: .customShort("m"), help: "The tag's message.")
    var message: String?

    @Flag(name: .long, help: "Print what was written as one JSON object.")
    var json = false

    @OptionGroup var repository: RepositoryOption

    func validate() throws {
        if version != nil, revision != nil { throw ValidationError("give --version or a revision, not both") }
    }

    func run() throws {
        let console = ConsoleOutput()
        let registry = try repository.open(console: console)
        try StageWrite.refusePolicyStage(stage, force: force, verb: "assign", registry: registry, console: console)
        func attempt<T>(_ body: () throws(RegistryError) -> T) throws -> T {
            do { return try body() } catch { throw fail(error, console: console) }
        }
        var state = try attempt { () throws(RegistryError) in try registry.state() }
        let commit: String
        var registered: RegistryTag?
        if let version {
            let text = version.hasPrefix("v") ? version : "v" + version
            guard let found = state.model(name)?.version(text) else {
                console.err("mlgate: \(name) has no version \(text)" + (state.model(name).map { "; versions: " + $0.versions.map(\.version.description).joined(separator: ", ") } ?? "; it is not registered"))
                throw ExitCode(ExitStatus.invalid)
            }
            commit = found.commit
        } else {
            commit = try attempt { () throws(RegistryError) in try registry.resolve(revision ?? "HEAD") }
            if state.model(name)?.versions.contains(where: { $0.commit == commit && $0.deregistered == nil }) != true {
                registered = try attempt { () throws(RegistryError) in try registry.register(name, version: nil, bump: nil, revision: commit, message: nil, existsOK: true) }
                state = try attempt { () throws(RegistryError) in try registry.state() }
            }
        }
        let versionText = state.model(name)?.versions.last { $0.commit == commit && $0.deregistered == nil }?.version.description ?? version ?? ""
        let text = (message ?? "Assigning stage \(stage) to artifact \(name) version \(versionText)")
            + (force ? " (--force: the requirements mlgate.yml sets for \(stage) were not checked)" : "")
        let tag = try attempt { () throws(RegistryError) in try registry.assign(name, stage: stage, commit: commit, message: text) }
        StageWrite.report(action: "assign", model: name, stage: stage, version: versionText, commit: commit, tag: tag.description,
                          registered: registered?.description, forced: force, json: json, console: console)
    }
}

struct UnassignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unassign",
        abstract: "Take the version a stage holds out of it without the gate (GTO's stage deprecation), for registries without a policy.")

    @Argument(help: "The model.")
    var name: String

    @Argument(help: "The stage.")
    var stage: String

    @Flag(name: .long, help: "Unassign even though mlgate.yml has this stage (the tag says so).")
    var force = false

    @Option(name: .customShort("m"), help: "The tag's message.")
    var message: String?

    @Flag(name: .long, help: "Print what was written as one JSON object.")
    var json = false

    @OptionGroup var repository: RepositoryOption

    func run() throws {
        let console = ConsoleOutput()
        let registry = try repository.open(console: console)
        try StageWrite.refusePolicyStage(stage, force: force, verb: "unassign", registry: registry, console: console)
        let state: RegistryState
        do { state = try registry.state() } catch { throw fail(error, console: console) }
        guard let current = state.model(name)?.current(in: stage) else {
            console.err("mlgate: no version of \(name) is in \(stage); nothing to unassign")
            throw ExitCode(ExitStatus.invalid)
        }
        let text = (message ?? "Unassigning stage \(stage) from artifact \(name) version \(current.version)")
            + (force ? " (--force: the requirements mlgate.yml sets for \(stage) were not checked)" : "")
        let tag: RegistryTag
        do { tag = try registry.unassign(name, stage: stage, commit: current.stamp.commit, message: text) } catch { throw fail(error, console: console) }
        StageWrite.report(action: "unassign", model: name, stage: stage, version: current.version, commit: current.stamp.commit,
                          tag: tag.description, registered: nil, forced: force, json: json, console: console)
    }
}

/// What the plain stage commands share.
enum StageWrite {
    /// A stage the policy names is promoted through the gate: refused without `--force` (exit 2).
    static func refusePolicyStage(_ stage: String, force: Bool, verb: String, registry: Registry, console: ConsoleOutput) throws {
        guard !force, FileManager.default.fileExists(atPath: registry.root + "/" + PolicyDecoder.fileName),
              let policy = try? PolicyDecoder.load(repositoryRoot: registry.root, file: PolicyDecoder.fileName),
              policy.stage(stage) != nil else { return }
        console.err("mlgate: \(PolicyDecoder.fileName) has a '\(stage)' stage with requirements; use mlgate promote (or rollback), which checks them, or --force to \(verb) without them (the tag's message records it)")
        throw ExitCode(ExitStatus.invalid)
    }

    struct Written: Encodable {
        let action: String
        let model: String
        let stage: String
        let version: String
        let commit: String
        let tag: String
        let registered: String?
        let forced: Bool
    }

    static func report(action: String, model: String, stage: String, version: String, commit: String, tag: String, registered: String?,
                       forced: Bool, json: Bool, console: ConsoleOutput) {
        if json {
            console.out(CanonicalJSON.text(Written(action: action, model: model, stage: stage, version: version, commit: commit, tag: tag,
                                                   registered: registered, forced: forced)))
            return
        }
        if let registered { console.out("Registered \(model) \(version) at \(commit.prefix(7)) (tag \(registered))") }
        console.out("\(action == "assign" ? "Assigned" : "Unassigned") \(model) \(version) \(action == "assign" ? "to" : "from") \(stage) (tag \(tag))"
                    + (forced ? "; forced past \(PolicyDecoder.fileName)'s requirements" : ""))
    }
}

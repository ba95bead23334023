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
            The version is --version V, or the one registered on REV (default HEAD; a commit with no \
            version is registered first, as GTO does). When mlgate.yml has the stage, use mlgate \
            promote, which checks its requirements, or --force, which the tag's message records.
            Example: mlgate assign churn staging --version v1.2.0
            """)

    @OptionGroup var change: StageChange

    @Argument(help: "The commit whose version to assign (default: HEAD), when --version is not given.")
    var revision: String?

    @Option(name: .long, help: "The version to assign, as vX.Y.Z.")
    var version: String?

    var name: String { change.name }
    var stage: String { change.stage }

    func validate() throws {
        if version != nil, revision != nil { throw ValidationError("give --version or a revision, not both") }
    }

    func run() throws {
        let console = ConsoleOutput()
        let registry = try change.open(verb: "assign", console: console)
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
        let text = change.tagMessage(default: "Assigning stage \(stage) to artifact \(name) version \(versionText)")
        let tag = try attempt { () throws(RegistryError) in try registry.assign(name, stage: stage, commit: commit, message: text) }
        change.report(action: "assign", version: versionText, commit: commit, tag: tag.description, registered: registered?.description, console: console)
    }
}

struct UnassignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unassign",
        abstract: "Take the version a stage holds out of it without the gate (GTO's stage deprecation), for registries without a policy.")

    @OptionGroup var change: StageChange

    func run() throws {
        let console = ConsoleOutput()
        let (name, stage) = (change.name, change.stage)
        let registry = try change.open(verb: "unassign", console: console)
        let state: RegistryState
        do { state = try registry.state() } catch { throw fail(error, console: console) }
        guard let current = state.model(name)?.current(in: stage) else {
            console.err("mlgate: no version of \(name) is in \(stage); nothing to unassign")
            throw ExitCode(ExitStatus.invalid)
        }
        let text = change.tagMessage(default: "Unassigning stage \(stage) from artifact \(name) version \(current.version)")
        let tag: RegistryTag
        do { tag = try registry.unassign(name, stage: stage, commit: current.stamp.commit, message: text) } catch { throw fail(error, console: console) }
        change.report(action: "unassign", version: current.version, commit: current.stamp.commit, tag: tag.description, registered: nil, console: console)
    }
}

/// What `assign` and `unassign` share: the model and stage, `--force` past a policy stage,
/// the tag's message, `--json`, and how what was written is told.
struct StageChange: ParsableArguments {
    @Argument(help: "The model.")
    var name: String

    @Argument(help: "The stage.")
    var stage: String

    @Flag(name: .long, help: "Go ahead even though mlgate.yml has this stage (its requirements are not checked; the tag says so).")
    var force = false

    @Option(name: .customShort("m"), help: "The tag's message.")
    var message: String?

    @Flag(name: .long, help: "Print what was written as one JSON object.")
    var json = false

    @OptionGroup var repository: RepositoryOption

    /// The registry, once a stage the policy names is refused without `--force` (exit 2): it
    /// is promoted through the gate.
    func open(verb: String, console: ConsoleOutput) throws -> Registry {
        let registry = try repository.open(console: console)
        guard !force, FileManager.default.fileExists(atPath: registry.root + "/" + PolicyDecoder.fileName),
              let policy = try? PolicyDecoder.load(repositoryRoot: registry.root, file: PolicyDecoder.fileName),
              policy.stage(stage) != nil else { return registry }
        console.err("mlgate: \(PolicyDecoder.fileName) has a '\(stage)' stage with requirements; use mlgate promote (or rollback), which checks them, or --force to \(verb) without them (the tag's message records it)")
        throw ExitCode(ExitStatus.invalid)
    }

    /// `-m`, else the default; `--force` is recorded either way.
    func tagMessage(default text: String) -> String {
        (message ?? text) + (force ? " (--force: the requirements mlgate.yml sets for \(stage) were not checked)" : "")
    }

    func report(action: String, version: String, commit: String, tag: String, registered: String?, console: ConsoleOutput) {
        if json {
            console.out(CanonicalJSON.text(Written(action: action, model: name, version: version, commit: commit, tag: tag,
                                                   stage: stage, registered: registered, forced: force)))
            return
        }
        if let registered { console.out("Registered \(name) \(version) at \(commit.prefix(7)) (tag \(registered))") }
        console.out("\(action == "assign" ? "Assigned" : "Unassigned") \(name) \(version) \(action == "assign" ? "to" : "from") \(stage) (tag \(tag))"
                    + (force ? "; forced past \(PolicyDecoder.fileName)'s requirements" : ""))
    }
}

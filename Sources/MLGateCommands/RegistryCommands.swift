import ArgumentParser
import Checks
import Foundation
import GitState
import Promotion

/// Where the registry is: `-C DIR`, else the current directory.
struct RepositoryOption: ParsableArguments {
    @Option(name: .customShort("C"), help: "Use the repository containing this directory.")
    var directory: String?

    func open(console: ConsoleOutput) throws -> Registry {
        // Inside `mlgate run` the workspace may be a revision's copy (--rev, deployments):
        // the run names the repository.
        let environment = ProcessInfo.processInfo.environment
        let insideRun = environment["MLGATE_RUN_ID"] != nil ? environment["MLGATE_REPOSITORY"] : nil
        let path = directory ?? insideRun ?? FileManager.default.currentDirectoryPath
        do {
            return Registry(repository: try Repository(discovering: path))
        } catch {
            console.err("mlgate: \(path) is not inside a git repository (\(error.message)); run mlgate there, or pass -C DIR")
            throw ExitCode(ExitStatus.invalid)
        }
    }
}

/// `--json` and `-C DIR`, for the commands that read the registry.
struct QueryOptions: ParsableArguments {
    @Flag(name: .long, help: "Write JSON.")
    var json = false

    @OptionGroup var repository: RepositoryOption

    /// The console and the opened registry.
    func open() throws -> (ConsoleOutput, Registry) {
        let console = ConsoleOutput()
        return (console, try repository.open(console: console))
    }
}

extension RepositoryOption {
    /// Opens the registry, makes one change and prints what it did; a refused change prints
    /// why and exits 2 (the user's input) or 1.
    func write(_ change: (Registry) throws(RegistryError) -> String) throws {
        let console = ConsoleOutput()
        let registry = try open(console: console)
        do { console.out(try change(registry)) } catch { throw fail(error, console: console) }
    }
}

/// Prints a registry error and exits: 2 for the user's input, 1 otherwise.
func fail(_ error: RegistryError, console: ConsoleOutput) -> ExitCode {
    console.err("mlgate: \(error.description)")
    return ExitCode(error.isUsage ? ExitStatus.invalid : ExitStatus.failed)
}

/// The registry's state, or the error printed and the exit status thrown.
func load(_ registry: Registry, console: ConsoleOutput) throws -> RegistryState {
    do {
        let state = try registry.state()
        ProcessLifetime.keep(state)
        return state
    } catch {
        throw fail(error, console: console)
    }
}

/// The model `name`, or an error naming the models there are (exit 2).
func findModel(_ name: String, in state: RegistryState, console: ConsoleOutput) throws -> ModelRecord {
    guard let model = state.model(name) else {
        console.err("mlgate: no model '\(name)' in the registry" + StatusCommand.known(state))
        throw ExitCode(ExitStatus.invalid)
    }
    return model
}

/// `mlgate register`: a new version of a model, as GTO's `NAME@vX.Y.Z` tag.
struct RegisterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Register a model version: an annotated tag NAME@vX.Y.Z on the commit (GTO's format).",
        discussion: "Without --version or --bump the latest version's patch number is raised (v0.0.1 for the first).")

    @Argument(help: "The model's name (letters, digits, '-', '_', '/'; 'folder:name' allowed).")
    var name: String

    @Argument(help: "The commit to register (default: HEAD).")
    var revision: String = "HEAD"

    @Option(name: .long, help: "The version, as vMAJOR.MINOR.PATCH.")
    var version: String?

    @Option(name: .long, help: "Raise the latest version: major, minor or patch.")
    var bump: String?

    @Option(name: .customShort("m"), help: "The tag's message.")
    var message: String?

    @Flag(name: .customLong("exists-ok"), help: "If the commit already has a version, say so and exit 0 (for CI jobs that run again).")
    var existsOK = false

    @Flag(name: .long, help: "Print what was written as one JSON object.")
    var json = false

    @OptionGroup var repository: RepositoryOption

    func run() throws {
        let console = ConsoleOutput()
        var parsedVersion: SemanticVersion?
        if let version {
            guard let parsed = SemanticVersion(version.hasPrefix("v") ? version : "v" + version) else {
                console.err("mlgate: '\(version)' is not a semantic version; write it as v1.2.3")
                throw ExitCode(ExitStatus.invalid)
            }
            parsedVersion = parsed
        }
        var part: SemanticVersion.Part?
        if let bump {
            guard let parsed = SemanticVersion.Part(rawValue: bump) else {
                console.err("mlgate: --bump must be major, minor or patch, not '\(bump)'")
                throw ExitCode(ExitStatus.invalid)
            }
            part = parsed
        }
        if parsedVersion != nil, part != nil {
            console.err("mlgate: give either --version or --bump, not both")
            throw ExitCode(ExitStatus.invalid)
        }
        let registry = try repository.open(console: console)
        do {
            let before = try registry.state().model(name)?.versions.count ?? 0
            let tag = try registry.register(name, version: parsedVersion, bump: part, revision: revision, message: message, existsOK: existsOK)
            let commit = try registry.resolve(revision)
            let fresh = (try registry.state().model(name)?.versions.count ?? 0) > before
            if json {
                console.out(CanonicalJSON.text(Written(action: "register", model: name, version: tag.action.versionText, commit: commit,
                                                       tag: tag.description, written: fresh)))
            } else {
                console.out("\(fresh ? "Registered" : "Already registered:") \(name) \(tag.action.versionText) at \(commit.prefix(7)) (tag \(tag))")
            }
        } catch {
            throw fail(error, console: console)
        }
    }
}

/// `mlgate deregister` and `mlgate deprecate`: GTO's `NAME@vX.Y.Z!` and `NAME@deprecated`.
struct DeregisterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deregister",
        abstract: "Deregister a version (tag NAME@vX.Y.Z!): it can no longer be promoted and is not the latest.")

    @Argument(help: "The model.")
    var name: String

    @Argument(help: "The version, as vX.Y.Z.")
    var version: String

    @Option(name: .customShort("m"), help: "Why (the tag's message).")
    var message: String?

    @Flag(name: .long, help: "Print what was written as one JSON object.")
    var json = false

    @OptionGroup var repository: RepositoryOption

    func run() throws {
        try repository.write { registry throws(RegistryError) in
            let tag = try registry.deregister(name, version: version, message: message)
            let commit = try registry.state().model(name)?.version(version)?.commit ?? ""
            return json ? CanonicalJSON.text(Written(action: "deregister", model: name, version: version, commit: commit, tag: tag.description, written: true))
                : "Deregistered \(name) \(version) (tag \(tag))"
        }
    }
}

struct DeprecateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deprecate",
        abstract: "Deprecate a model (tag NAME@deprecated): the gate refuses to promote it from then on.")

    @Argument(help: "The model.")
    var name: String

    @Option(name: .customShort("m"), help: "Why (the tag's message).")
    var message: String?

    @Flag(name: .long, help: "Print what was written as one JSON object.")
    var json = false

    @OptionGroup var repository: RepositoryOption

    func run() throws {
        try repository.write { registry throws(RegistryError) in
            let tag = try registry.deprecate(name, message: message)
            let commit = try registry.state().model(name)?.deprecated?.commit ?? ""
            return json ? CanonicalJSON.text(Written(action: "deprecate", model: name, version: nil, commit: commit, tag: tag.description, written: true))
                : "Deprecated \(name) (tag \(tag))"
        }
    }
}

/// What a registry write prints with `--json`: one object (absent fields are left out).
struct Written: Encodable {
    let action: String
    let model: String
    let version: String?
    let commit: String
    let tag: String
    /// false when nothing new was written (`register --exists-ok` on a registered commit).
    var written: Bool? = nil
    /// Stage changes: the stage, the version registered first, and whether `--force` was used.
    var stage: String? = nil
    var registered: String? = nil
    var forced: Bool? = nil
}

/// `mlgate status`: every model's latest version and what each stage holds.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each model's latest version and the version in each stage, since when and by whom.")

    @Argument(help: "Only this model.")
    var name: String?

    @Flag(name: .long, help: "Include deprecated models (hidden otherwise, as GTO hides them).")
    var all = false

    @OptionGroup var query: QueryOptions

    func run() throws {
        let (console, registry) = try query.open()
        let state = try load(registry, console: console)
        var models = state.models.filter { all || $0.deprecated == nil }
        // Models only annotated at HEAD (artifacts.yaml, dvc.yaml), as gto show lists them.
        let annotated = ((try? registry.repository.resolveCommit("HEAD")).map { ArtifactAnnotation.read(repository: registry.repository, commit: $0) } ?? [:])
            .keys.filter { state.model($0) == nil }.sorted()
        if let name {
            if annotated.contains(name) {
                let report = [ModelStatus(annotated: name)]
                console.out(query.json ? CanonicalJSON.text(["models": report]) : "\(name): annotated in artifacts.yaml, not registered; mlgate register \(name) registers it")
                return
            }
            let model = try findModel(name, in: state, console: console)
            try Self.refuseDeprecated(model, all: all, console: console)
            models = [model]
        }
        let report = models.map(ModelStatus.init) + (name == nil ? annotated.map(ModelStatus.init(annotated:)) : [])
        if query.json {
            console.out(CanonicalJSON.text(["models": report]))
            return
        }
        if report.isEmpty {
            console.out("No models are registered. Register one with: mlgate register NAME")
            return
        }
        var rows = [["MODEL", "STAGE", "VERSION", "COMMIT", "SINCE", "BY"]]
        for model in report {
            if let latest = model.latest {
                rows.append([model.name, "(latest)", latest.version, String(latest.commit.prefix(7)), latest.since ?? "", latest.by ?? ""])
            }
            for stage in model.stages {
                rows.append([model.name, stage.stage, stage.version, String(stage.commit.prefix(7)), stage.since ?? "", stage.by ?? ""])
            }
            if model.deprecated { rows.append([model.name, "(deprecated)", "", "", "", ""]) }
            if model.annotatedOnly { rows.append(["*" + model.name, "(annotated, not registered)", "", "", "", ""]) }
        }
        console.out(Table.render(rows))
    }

    /// A deprecated model is hidden unless `--all` (GTO's `--deprecated`): says so, exit 1.
    static func refuseDeprecated(_ model: ModelRecord, all: Bool, console: ConsoleOutput) throws {
        guard let deprecated = model.deprecated, !all else { return }
        console.err("mlgate: \(model.name) is deprecated" + (deprecated.time.map { " (since \(Timestamp.text($0)))" } ?? "") + "; add --all to show it")
        throw ExitCode(ExitStatus.failed)
    }

    static func known(_ state: RegistryState) -> String {
        state.models.isEmpty ? "; nothing is registered yet" : "; models: " + state.models.map(\.name).joined(separator: ", ")
    }
}

/// One model in `mlgate status --json`.
struct ModelStatus: Encodable {
    struct Entry: Encodable {
        let stage: String
        let version: String
        let commit: String
        /// The tag that put it there: the version's, or (for `show NAME#STAGE`) the stage
        /// assignment's, as GTO's JSON describes a stage.
        let tag: String
        let since: String?
        let by: String?
        /// The version's own tag, when `tag` is an assignment's.
        var versionTag: String? = nil
    }

    let name: String
    let latest: Entry?
    let stages: [Entry]
    let deprecated: Bool

    init(_ model: ModelRecord) {
        name = model.name
        latest = model.latest.map { Entry(stage: "latest", version: $0.version.description, commit: $0.commit,
                                          tag: $0.registered.tag, since: $0.registered.time.map { Timestamp.text($0) }, by: $0.registered.author) }
        stages = Stages.ordered(model.stages).compactMap { stage in
            model.current(in: stage).map {
                Entry(stage: stage, version: $0.version, commit: $0.stamp.commit, tag: $0.stamp.tag,
                      since: $0.stamp.time.map { Timestamp.text($0) }, by: $0.stamp.author)
            }
        }
        deprecated = model.deprecated != nil
    }

    /// A model annotated in artifacts.yaml (or dvc.yaml) but never registered.
    init(annotated name: String) {
        (self.name, latest, stages, deprecated, annotatedOnly) = (name, nil, [], false, true)
    }

    /// Annotated at HEAD, not registered (GTO lists it as `*NAME`).
    var annotatedOnly = false
}

/// `mlgate show`: one version, GTO's shortcuts (`NAME#STAGE`, `NAME@latest`, `NAME@vX.Y.Z`).
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a model's versions (NAME), the version a stage holds (NAME#STAGE), the latest (NAME@latest) or one version (NAME@v1.2.0).")

    @Argument(help: "NAME, NAME#STAGE, NAME@latest or NAME@vX.Y.Z.")
    var reference: String

    @Flag(name: .long, help: "Print only the version's tag (for scripts).")
    var ref = false

    @Flag(name: .long, help: "Show a deprecated model too (hidden otherwise, as GTO hides it).")
    var all = false

    @OptionGroup var query: QueryOptions

    /// One version of a model, as `show NAME` lists it (GTO's `gto show NAME`).
    struct VersionRow: Encodable {
        let version: String
        let commit: String
        /// When it was registered, and by whom.
        let created: String?
        let author: String?
        /// The stages it holds now.
        let stages: [String]
        let ref: String
        let deregistered: Bool
        /// What artifacts.yaml (or dvc.yaml) says about the model at this version's commit.
        var annotation: ArtifactAnnotation? = nil
        /// Annotated at this commit but not registered (GTO's discovered version).
        var registered = true
    }

    func run() throws {
        let console = ConsoleOutput()
        guard let split = reference.firstIndex(where: { $0 == "#" || $0 == "@" }) else {
            try showVersions(of: reference, console: console)
            return
        }
        let name = String(reference[..<split])
        let selector = String(reference[reference.index(after: split)...])
        let registry = try query.repository.open(console: console)
        let state = try load(registry, console: console)
        let model = try findModel(name, in: state, console: console)
        try StatusCommand.refuseDeprecated(model, all: all, console: console)
        let entry: ModelStatus.Entry
        if reference[split] == "#" {
            guard let current = model.current(in: selector) else {
                let holders = Stages.ordered(model.stages).compactMap { stage in model.current(in: stage).map { "\(stage) (\($0.version))" } }
                console.err("mlgate: no version of \(name) is in \(selector)" +
                            (holders.isEmpty ? "; no stage holds one of its versions yet" : "; \(name)'s versions are in " + holders.joined(separator: ", ")))
                throw ExitCode(ExitStatus.failed)
            }
            let versionTag = model.version(current.version)?.registered.tag ?? current.stamp.tag
            entry = .init(stage: selector, version: current.version, commit: current.stamp.commit, tag: current.stamp.tag,
                          since: current.stamp.time.map { Timestamp.text($0) }, by: current.stamp.author, versionTag: versionTag)
        } else {
            let found = (selector == "latest" || selector == "greatest") ? model.latest : model.version(selector)
            guard let version = found else {
                console.err("mlgate: \(name) has no version '\(selector)'; versions: " + model.versions.map(\.version.description).joined(separator: ", "))
                throw ExitCode(ExitStatus.invalid)
            }
            entry = .init(stage: "", version: version.name, commit: version.commit, tag: version.registered.tag,
                          since: version.registered.time.map { Timestamp.text($0) }, by: version.registered.author)
        }
        if ref {
            // The version's tag, as `gto show NAME#STAGE --ref` prints it.
            console.out(entry.versionTag ?? entry.tag)
        } else if query.json {
            console.out(CanonicalJSON.text(entry))
        } else {
            console.out("\(name) \(entry.version) at \(entry.commit)" + (entry.stage.isEmpty ? "" : " in \(entry.stage)") +
                        (entry.since.map { " since \($0)" } ?? "") + (entry.by.map { " by \($0)" } ?? ""))
        }
    }
}

/// `mlgate history`: everything the registry recorded for a model, oldest first.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List every registration, stage assignment, removal, rollback and signed approval of a model (or of every model, newest first), with who and when.")

    @Argument(help: "The model (default: every model, newest first, as gto history lists them).")
    var name: String?

    @Flag(name: .long, help: "The other order: newest first for one model, oldest first for all.")
    var reverse = false

    @OptionGroup var query: QueryOptions

    struct Event: Encodable {
        var model: String?
        let time: String?
        let event: String
        let version: String
        let stage: String?
        let commit: String
        let tag: String
        let by: String?
        let message: String
        /// Time, then the registry's counter (an approval sits just before the assignment it
        /// allowed), then the order written.
        var sortKey: (Date, Double) = (.distantPast, 0)
        enum CodingKeys: String, CodingKey { case model, time, event, version, stage, commit, tag, by, message }
    }

    func run() throws {
        let (console, registry) = try query.open()
        let state = try load(registry, console: console)
        let models = try name.map { [try findModel($0, in: state, console: console)] } ?? state.models
        var events: [Event] = []
        for model in models {
            state.readTags(of: model)  // every tag is needed: one pass over the object database
            let own = Self.events(of: model, registry: registry).map { event -> Event in
                var tagged = event
                if name == nil { tagged.model = model.name }
                return tagged
            }
            events += own
        }
        events = events.enumerated().sorted { ($0.element.sortKey.0, $0.element.sortKey.1, $0.offset) < ($1.element.sortKey.0, $1.element.sortKey.1, $1.offset) }.map(\.element)
        // One model reads as a story, oldest first; all models as a journal, newest first (GTO's).
        if (name == nil) != reverse { events.reverse() }
        if query.json {
            console.out(name.map { CanonicalJSON.text(["model": AnyEncodable($0), "events": AnyEncodable(events)]) }
                        ?? CanonicalJSON.text(["events": AnyEncodable(events)]))
            return
        }
        var rows = [(name == nil ? ["MODEL"] : []) + ["TIME", "EVENT", "VERSION", "STAGE", "COMMIT", "BY", "MESSAGE"]]
        for e in events {
            rows.append((name == nil ? [e.model ?? ""] : []) + [e.time ?? "", e.event, e.version, e.stage ?? "", String(e.commit.prefix(7)), e.by ?? "",
                         String(e.message.split(separator: "\n").first ?? "")])
        }
        console.out(Table.render(rows))
    }

    /// A model's events, oldest first.
    static func events(of model: ModelRecord, registry: Registry) -> [Event] {
        RegistryTimeline.events(of: model, repository: registry.repository).map {
            var event = Event(model: nil, time: $0.time.map { Timestamp.text($0) }, event: $0.event, version: $0.version, stage: $0.stage,
                              commit: $0.commit, tag: $0.tag, by: $0.by, message: $0.message)
            event.sortKey = ($0.time ?? .distantPast, $0.order)
            return event
        }
    }
}

extension ShowCommand {
    /// `show NAME`: every version, newest first, with its commit, registration, stages and
    /// annotation; a model only annotated (artifacts.yaml, dvc.yaml) shows its commit as its
    /// version, as GTO shows a discovered artifact.
    func showVersions(of name: String, console: ConsoleOutput) throws {
        let registry = try query.repository.open(console: console)
        let state = try load(registry, console: console)
        var rows: [VersionRow] = []
        if let model = state.model(name) {
            try StatusCommand.refuseDeprecated(model, all: all, console: console)
            let holders = Dictionary(model.stages.compactMap { stage in model.current(in: stage).map { ($0.version, stage) } }, uniquingKeysWith: { a, b in a + "," + b })
            rows = model.versions.reversed().map { version in
                let text = version.name
                var row = VersionRow(version: text, commit: version.commit, created: version.registered.time.map { Timestamp.text($0) },
                                     author: version.registered.author, stages: Stages.ordered(holders[text].map { $0.split(separator: ",").map(String.init) } ?? []),
                                     ref: version.registered.tag, deregistered: version.deregistered != nil)
                row.annotation = ArtifactAnnotation.read(repository: registry.repository, commit: version.commit)[name]
                return row
            }
        } else if let head = try? registry.repository.resolveCommit("HEAD"),
                  let annotation = ArtifactAnnotation.read(repository: registry.repository, commit: head)[name] {
            let info = try? registry.repository.commit(head)
            var row = VersionRow(version: head, commit: head, created: info.map { Timestamp.text($0.time) }, author: info?.authorName,
                                 stages: [], ref: head, deregistered: false)
            row.annotation = annotation
            row.registered = false
            rows = [row]
        } else {
            _ = try findModel(name, in: state, console: console)
        }
        let artifact = (try? PolicyDecoder.load(repositoryRoot: registry.root, file: PolicyDecoder.fileName))?.models.first { $0.name == name }?.artifact
        if ref {
            for row in rows { console.out(row.ref) }
        } else if query.json {
            console.out(CanonicalJSON.text(["model": AnyEncodable(name), "versions": AnyEncodable(rows), "artifact": AnyEncodable(artifact)]))
        } else {
            var table = [["VERSION", "STAGES", "COMMIT", "CREATED", "BY", "REF"]]
            for row in rows {
                table.append([row.registered ? row.version : "*" + String(row.version.prefix(7)),
                              row.deregistered ? "(deregistered)" : row.stages.joined(separator: ", "), String(row.commit.prefix(7)),
                              row.created ?? "", row.author ?? "", row.registered ? row.ref : String(row.ref.prefix(7))])
            }
            console.out(Table.render(table))
            if let annotation = rows.first?.annotation {
                console.out("\(name): " + [annotation.type, annotation.path, annotation.description.isEmpty ? nil : annotation.description].compactMap { $0 }.joined(separator: " · ")
                            + (annotation.labels.isEmpty ? "" : " [\(annotation.labels.joined(separator: ", "))]") + " (artifacts.yaml)")
            }
            if rows.contains(where: { !$0.registered }) { console.out("* annotated, not registered: mlgate register \(name) registers it") }
            if let artifact { console.out("artifact: \(artifact) (\(PolicyDecoder.fileName))") }
        }
    }
}

extension RegistryTag.Action {
    /// The version a registration tag names, as text.
    var versionText: String {
        switch self {
        case .register(let v), .deregister(let v): v.description
        default: ""
        }
    }
}

/// Stage names in promotion order: the usual ones (dev … staging … production) first, then
/// the rest by name.
enum Stages {
    static let conventional = ["dev", "development", "test", "staging", "prod", "production"]

    static func ordered(_ stages: [String]) -> [String] {
        conventional.filter(stages.contains) + stages.filter { !conventional.contains($0) }.sorted()
    }
}


/// Left-aligned columns separated by two spaces.
enum Table {
    static func render(_ rows: [[String]]) -> String {
        var widths: [Int] = []
        for row in rows {
            for (i, cell) in row.enumerated() {
                if widths.count <= i { widths.append(0) }
                widths[i] = max(widths[i], cell.count)
            }
        }
        return rows.map { row in
            row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }.joined(separator: "\n")
    }
}

/// Wraps values of different types for one JSON object.
struct AnyEncodable: Encodable {
    let encodeValue: (Encoder) throws -> Void
    init(_ value: some Encodable) { encodeValue = value.encode }
    func encode(to encoder: Encoder) throws { try encodeValue(encoder) }
}

import ArgumentParser
import Dispatch
import Expressions
import Foundation
import Runner
import Workflow

/// `mlgate run`: runs GitHub Actions workflows on this host.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run GitHub Actions workflows on this host, with GitHub's semantics.",
        discussion: """
        Runs the workflows in .github/workflows/ (or the files given) that the event triggers.
        Exit status: 0 all jobs succeeded, 1 a job failed (or a workflow file was invalid while the others ran), 2 invalid workflows or usage (nothing ran), 130 interrupted (129 hang-up, 143 SIGTERM).
        """)

    @Argument(help: "Workflow files (default: .github/workflows/*.yml).")
    var workflows: [String] = []

    @Option(name: .long, help: "The event that triggers the run.")
    var event: String = "push"

    @Option(name: .long, help: "A JSON event payload; its fields override the synthesized ones.")
    var eventpath: String?

    @Option(name: .long, help: "For push: the commit before the push; the event carries REV..HEAD.")
    var since: String?

    @Option(name: .long, help: "For pull_request: the base branch; the event carries the changes since the merge base.")
    var base: String?

    @Option(name: .long, help: "Run the workflows as they are at this revision, in a fresh workspace written from its tree.")
    var rev: String?

    @Option(name: .customLong("action-dir"), help: "A folder holding remote actions as OWNER/REPO (folders or git repositories; repeatable). Used before fetching.")
    var actionDirs: [String] = []

    @Option(name: .customLong("github-url"), help: "Where remote actions and reusable workflows are fetched from (default: $GITHUB_SERVER_URL, else https://github.com): GitHub Enterprise or a mirror.")
    var githubURL: String?

    @Flag(name: .long, help: "Fetch nothing: remote actions come only from --action-dir and the cache ($XDG_CACHE_HOME/mlgate/actions).")
    var offline = false

    @Option(name: .customShort("P"), help: ArgumentHelp("Where jobs with a runs-on label run: LABEL=host or LABEL=skip (repeatable). By default ubuntu-*, linux and self-hosted run here; windows-* and macos-* are skipped with a warning.", valueName: "LABEL=host|skip"))
    var platforms: [String] = []

    @Option(name: [.customShort("j"), .long], help: "Run only this job (and the jobs it needs).")
    var job: String?

    @Option(name: .customLong("input"), help: "A workflow_dispatch input, NAME=VALUE (repeatable).")
    var inputs: [String] = []

    @Option(name: .customLong("secret"), help: "A secret, NAME=VALUE (repeatable). Masked in all output.")
    var secrets: [String] = []

    @Option(name: .customLong("secret-file"), help: "A dotenv file of secrets.")
    var secretFile: String?

    @Option(name: .customLong("var"), help: "A configuration variable (vars context), NAME=VALUE (repeatable).")
    var vars: [String] = []

    @Option(name: .customLong("var-file"), help: "A dotenv file of configuration variables.")
    var varFile: String?

    @Option(name: .customLong("env-file"), help: "A dotenv file of environment variables for every step.")
    var envFile: String?

    @Option(name: .customShort("C"), help: "Run as if started in this directory.")
    var directory: String?

    @Option(name: .customLong("max-parallel"), help: "How many jobs may run at once.")
    var maxParallel: Int = max(4, ProcessInfo.processInfo.activeProcessorCount)

    @Flag(name: .customLong("no-prelaunch"),
          help: "Start each step's shell only when the step begins. (By default the next bash step's shell starts while a step runs, and is used only if nothing it started with has changed.)")
    var noPrelaunch = false

    @Flag(name: .long, help: "List workflows, their jobs and triggers.")
    var list = false

    @Flag(name: .long, help: "Show the job graph.")
    var graph = false

    @Flag(name: .customLong("dry-run"), help: "Validate and plan without running anything.")
    var dryRun = false

    @Flag(name: .long, help: "Write one JSON event per line.")
    var json = false

    func run() async throws {
        let console = ConsoleOutput()
        do {
            let status = try await execute(console: console)
            throw ExitCode(status)
        } catch let failure as ValidationFailure {
            console.err("mlgate: \(failure.description)")
            throw ExitCode(ExitStatus.invalid)
        } catch let error as DotEnv.FormatError {
            console.err("mlgate: \(error.description)")
            throw ExitCode(ExitStatus.invalid)
        }
    }

    func execute(console: ConsoleOutput) async throws -> Int32 {
        if maxParallel < 1 { throw ValidationFailure("--max-parallel must be at least 1") }
        let start = directory ?? FileManager.default.currentDirectoryPath
        guard FileManager.default.fileExists(atPath: start) else { throw ValidationFailure("-C \(start): no such directory") }

        // Parse while libgit2 starts, at the likely root; confirm the root through libgit2.
        let given = workflows.map { $0.hasPrefix("/") ? $0 : start + "/" + $0 }
        let likelyRoot = WorkflowLoader.likelyRoot(start)
        let actions = ActionDirectories(actionDirs.map { $0.hasPrefix("/") ? $0 : start + "/" + $0 })
        let likelyPaths = try? WorkflowLoader.files(given, root: likelyRoot)
        var loaded = likelyPaths.map { WorkflowLoader.load($0, root: likelyRoot) }
        let root: String
        do { root = try RepositorySnapshot.root(of: start) } catch { throw ValidationFailure(error.description) }
        if let rev {
            // The workflow files as they are at the revision.
            do {
                let sources = workflows.isEmpty
                    ? try RevisionWorkspace.workflowFiles(repositoryAt: root, revision: rev)
                    : try workflows.map { ($0, try RevisionWorkspace.file($0, repositoryAt: root, revision: rev)) }
                if sources.isEmpty { throw ValidationFailure("no workflows in .github/workflows/ at '\(rev)'") }
                loaded = WorkflowLoader.load(sources: sources)
            } catch let failure as RevisionWorkspace.Failure {
                throw ValidationFailure(failure.description)
            }
        } else if root != URL(fileURLWithPath: likelyRoot).standardizedFileURL.path || loaded == nil {
            loaded = WorkflowLoader.load(try WorkflowLoader.files(given, root: root), root: root)
        }
        let loadedWorkflows = loaded!
        // A file GitHub would refuse fails alone: its problems are shown, and the other
        // workflows are listed and run as GitHub runs them. With -j, only the job's own
        // workflow matters.
        let invalidFiles = Set(loadedWorkflows.diagnostics.map(\.location.file))
        if !invalidFiles.isEmpty {
            for d in loadedWorkflows.diagnostics { console.err(d.description) }
            let count = loadedWorkflows.diagnostics.count
            console.err("mlgate: \(count) problem\(count == 1 ? "" : "s") in \(invalidFiles.sorted().joined(separator: ", ")): "
                        + (invalidFiles.count == 1 ? "that workflow does" : "those workflows do") + " not run; the others do")
        }
        let invalidStatus = invalidFiles.isEmpty || job != nil ? ExitStatus.success : ExitStatus.invalid
        if loadedWorkflows.workflows.isEmpty, !invalidFiles.isEmpty { return ExitStatus.invalid }
        if list {
            let facts = try eventFacts(try snapshot(start, forRun: false))
            printList(loadedWorkflows.workflows, facts: facts, console: console)
            return invalidStatus
        }
        if graph {
            for workflow in loadedWorkflows.workflows { console.out(JobGraph.render(workflow)) }
            return invalidStatus
        }

        let repository = try snapshot(start, forRun: !dryRun)
        let facts = try eventFacts(repository)
        var triggered: [Workflow] = []
        for workflow in loadedWorkflows.workflows {
            let decision = workflow.decide(for: facts)
            if decision.runs { triggered.append(workflow) } else { console.err("mlgate: \(workflow.file) does not run: \(decision.reason)") }
        }
        if let job, !triggered.contains(where: { $0.job(job) != nil }) {
            throw ValidationFailure("no triggered workflow has a job '\(job)'")
        }

        var options = RunOptions(workspace: root)
        do { options.runnerLabels = try RunnerLabels(parsing: platforms) } catch { throw ValidationFailure(error.description) }
        options.eventName = event
        options.maxParallel = maxParallel
        options.prelaunch = !noPrelaunch
        options.hostEnvironment = ProcessInfo.processInfo.environment
        if let text = ProcessInfo.processInfo.environment["MLGATE_CANCEL_GRACE_SECONDS"] {
            guard let grace = Double(text), grace >= 0, grace <= 3600 else {
                throw ValidationFailure("MLGATE_CANCEL_GRACE_SECONDS must be a number of seconds from 0 to 3600, not '\(text)'")
            }
            options.killGrace = .milliseconds(Int64(grace * 1000))
        }
        if let secretFile { options.secrets = try DotEnv.read(secretFile) }
        options.secrets.merge(try DotEnv.pairs(secrets, option: "--secret")) { _, new in new }
        if let varFile { options.vars = try DotEnv.read(varFile) }
        options.vars.merge(try DotEnv.pairs(vars, option: "--var")) { _, new in new }
        if let envFile { options.extraEnv = try DotEnv.read(envFile) }
        options.inputs = try DotEnv.pairs(inputs, option: "--input")
        if let eventpath {
            guard let data = FileManager.default.contents(atPath: eventpath) else {
                throw ValidationFailure("--eventpath \(eventpath): cannot read the file")
            }
            do { options.eventPayload = ExpressionValueBox(try JSON.parse(String(decoding: data, as: UTF8.self))) } catch {
                throw ValidationFailure("--eventpath \(eventpath): invalid JSON: \(error.message)")
            }
            options.eventPath = eventpath
        }

        var plans: [(Workflow, [Job])] = []
        for workflow in triggered {
            if job != nil, workflow.job(job!) == nil { continue }
            try InputValidation.check(options.inputs, against: workflow, event: event)
            do { plans.append((workflow, try RunPlanner.select(workflow, only: job))) } catch {
                for d in error.diagnostics { console.err(d.description) }
                return ExitStatus.invalid
            }
        }

        if dryRun {
            for (workflow, jobs) in plans {
                console.out(DryRun.describe(workflow, jobs: jobs, reason: workflow.decide(for: facts).reason))
            }
            return invalidStatus
        }
        if plans.isEmpty {
            console.err("mlgate: no workflow is triggered by '\(event)'; nothing to run")
            return invalidStatus
        }

        options.repositoryRoot = root
        options.actionDirectories = actions
        let environment = ProcessInfo.processInfo.environment
        let toolCache = environment["RUNNER_TOOL_CACHE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? URL(fileURLWithPath: ActionCache.defaultRoot(environment: environment)).deletingLastPathComponent().path + "/toolcache"
        try? FileManager.default.createDirectory(atPath: toolCache, withIntermediateDirectories: true)
        options.toolCache = toolCache
        options.actionCache = ActionCache(root: ActionCache.defaultRoot(environment: environment),
                                          serverURL: githubURL ?? environment["GITHUB_SERVER_URL"] ?? "https://github.com",
                                          token: options.secrets["GITHUB_TOKEN"] ?? environment["GITHUB_TOKEN"], offline: offline)
        let cancellation = CancellationScope(grace: options.killGrace)
        let interrupts = InterruptHandler(cancellation: cancellation)
        defer { interrupts.stop() }
        if let rev {
            do { options.workspace = try RevisionWorkspace.materialize(repositoryAt: root, revision: rev) } catch {
                throw ValidationFailure(error.description)
            }
            options.revision = rev
            cancellation.removeOnStop(options.workspace)
        }
        defer { if rev != nil { try? FileManager.default.removeItem(atPath: options.workspace) } }
        let reporter: any RunReporter = json ? JSONLinesReporter(console: console) : HumanReporter(console: console)
        let runner = WorkflowRunner(reporter: reporter)
        var status = ExitStatus.success
        for (workflow, jobs) in plans {
            let report = await runner.run(workflow, jobs: jobs, options: options, repository: repository, cancellation: cancellation)
            if report.interrupted { return interrupts.exitStatus }
            if report.result == .failure { status = ExitStatus.failed }
        }
        // An invalid workflow is a failed run on GitHub too.
        return invalidStatus == ExitStatus.success ? status : ExitStatus.failed
    }

    private func printList(_ workflows: [Workflow], facts: EventFacts, console: ConsoleOutput) {
        func width(_ values: [String], _ title: String) -> Int { (values + [title]).map(\.count).max()! + 2 }
        let events = workflows.map { $0.triggers.map(\.event).joined(separator: ",") }
        let (w1, w2, w3) = (width(workflows.map(\.file), "WORKFLOW"), width(workflows.flatMap { $0.jobs.map(\.id) }, "JOB"),
                            width(events, "EVENTS"))
        func row(_ a: String, _ b: String, _ c: String, _ d: String) -> String {
            a.padding(toLength: w1, withPad: " ", startingAt: 0) + b.padding(toLength: w2, withPad: " ", startingAt: 0)
                + c.padding(toLength: w3, withPad: " ", startingAt: 0) + d
        }
        var lines = [row("WORKFLOW", "JOB", "EVENTS", "ON \(facts.event.uppercased())")]
        for (workflow, events) in zip(workflows, events) {
            let decision = workflow.decide(for: facts)
            for job in workflow.jobs {
                lines.append(row(workflow.file, job.id, events, decision.runs ? "runs" : "skipped: \(decision.reason)"))
            }
        }
        console.out(lines.joined(separator: "\n"))
    }

    /// The repository's facts, with the range `--since` or `--base` asks for.
    private func snapshot(_ start: String, forRun: Bool) throws -> RepositorySnapshot {
        if since != nil, base != nil { throw ValidationFailure("use --since (for push) or --base (for pull_request), not both") }
        if base != nil, !event.hasPrefix("pull_request") {
            throw ValidationFailure("--base applies to pull_request events; add --event pull_request")
        }
        if since != nil, event != "push" { throw ValidationFailure("--since applies to push events") }
        var base = self.base
        if base == nil, event.hasPrefix("pull_request") { base = "main" }
        do {
            return try RepositorySnapshot.read(workspace: start, forRun: forRun, since: since, base: base, revision: rev)
        } catch {
            throw ValidationFailure(error.description + (self.base == nil && base != nil ? "; pass --base BRANCH" : ""))
        }
    }

    /// What GitHub would know about this event: the ref (for pull requests, the base branch
    /// from the payload), the files the pushed commit changed, and the payload's `action`.
    private func eventFacts(_ repository: RepositorySnapshot) throws -> EventFacts {
        var payload: ExpressionValue = .null
        if let eventpath, let data = FileManager.default.contents(atPath: eventpath) {
            payload = (try? JSON.parse(String(decoding: data, as: UTF8.self))) ?? .null
        }
        var ref = repository.range?.baseRef ?? repository.ref
        var activity: String?
        if case .object(let object) = payload {
            if case .string(let action)? = object["action"] { activity = action }
            if case .string(let pushed)? = object["ref"] { ref = pushed }
            if case .object(let pr)? = object["pull_request"], case .object(let base)? = pr["base"],
               case .string(let baseRef)? = base["ref"] {
                ref = baseRef.hasPrefix("refs/") ? baseRef : "refs/heads/" + baseRef
            }
        }
        if event.hasPrefix("pull_request"), activity == nil { activity = "opened" }
        return EventFacts(event: event, ref: ref, changedPaths: repository.changedPaths, activity: activity)
    }
}

/// Forwards Ctrl-C, a hang-up and SIGTERM to the run: the first cancels it (steps get
/// SIGINT, then SIGTERM and SIGKILL after the grace period; `always()`/`cancelled()` steps
/// still run; the run's temporary files are removed), a second kills what is left at once,
/// removes the run's temporary files and exits. The exit status is 128 + the signal: 130
/// for SIGINT, 129 for SIGHUP, 143 for SIGTERM.
final class InterruptHandler: @unchecked Sendable {
    private static let signals = [SIGINT, SIGTERM, SIGHUP]
    private var sources: [DispatchSourceSignal] = []
    /// What each signal did before, restored by `stop`.
    private var previous: [Int32: __sighandler_t?] = [:]
    private let lock = NSLock()
    private var count = 0
    private var received: Int32?

    init(cancellation: CancellationScope) {
        for sig in Self.signals {
            previous[sig] = signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self] in
                if isFirst(sig) {
                    ConsoleOutput().err("mlgate: \(Self.name(sig)); cancelling the run (Ctrl-C again to stop at once)")
                    cancellation.cancel(.interrupted)
                } else {
                    cancellation.killAll()
                    cancellation.removeTemporaryPaths()
                    fflush(nil)
                    // Not exit(): job threads may be inside libgit2, and exit's handlers
                    // (libcrypto's among them) must not run under them.
                    _exit(exitStatus)
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// 128 + the first signal received (130 when none was: cancelled otherwise).
    var exitStatus: Int32 {
        lock.withLock { received.map { 128 + $0 } ?? ExitStatus.interrupted }
    }

    /// Stops handling the signals; they do what they did before.
    func stop() {
        for source in sources { source.cancel() }
        for (sig, handler) in previous { signal(sig, handler) }
    }

    /// Counts a signal; true for the first, which is the one the exit status reports.
    private func isFirst(_ sig: Int32) -> Bool {
        lock.withLock {
            count += 1
            if count == 1 { received = sig }
            return count == 1
        }
    }

    private static func name(_ sig: Int32) -> String {
        switch sig {
        case SIGHUP: "hang-up (SIGHUP)"
        case SIGTERM: "terminated (SIGTERM)"
        default: "interrupted"
        }
    }
}

/// Everything a run needs besides the workflow itself.
public struct RunOptions: Sendable {
    /// The workspace: the repository working tree by default.
    public var workspace: String
    /// The event name (`push` unless given).
    public var eventName: String = "push"
    /// A user-supplied event payload (`--eventpath`), overriding synthesized fields.
    public var eventPayload: ExpressionValueBox?
    /// The path the payload came from, when given.
    public var eventPath: String?
    /// `workflow_dispatch` inputs (`--input`).
    public var inputs: [String: String] = [:]
    /// Secrets (`--secret`, `--secret-file`).
    public var secrets: [String: String] = [:]
    /// Configuration variables (`--var`, `--var-file`).
    public var vars: [String: String] = [:]
    /// Extra environment for every step (`--env-file`).
    public var extraEnv: [String: String] = [:]
    /// Run only this job (and nothing else), when set.
    public var onlyJob: String?
    /// Jobs that may run at once across the whole run.
    public var maxParallel: Int = 4
    /// Time between SIGINT and SIGTERM when cancelling a step.
    public var killGrace: Duration = .milliseconds(7_500)
    /// `--rev`: the revision whose tree the workspace was written from, or nil for the live
    /// working tree.
    public var revision: String?
    /// Which `runs-on` labels run on this host and which are skipped (`-P`).
    public var runnerLabels = RunnerLabels()
    /// Where remote actions are found on disk (`--action-dir`).
    public var actionDirectories = ActionDirectories([])
    /// Where remote actions and reusable workflows not in an `--action-dir` are fetched
    /// to; nil: only `--action-dir`s.
    public var actionCache: ActionCache?
    /// `RUNNER_TOOL_CACHE`: a folder that outlives the run, so `actions/setup-python` and
    /// the like keep their downloads between runs as on a self-hosted runner (nil: one per run).
    public var toolCache: String?
    /// The repository's working tree (the workspace, unless running at a revision).
    public var repositoryRoot: String = ""
    /// Whether the next bash step's shell is started while the current step runs (see
    /// `PrelaunchedShell`); `--no-prelaunch` turns it off.
    public var prelaunch = true
    /// The invoking environment, inherited by steps like a self-hosted runner's.
    public var hostEnvironment: [String: String] = [:]

    /// Why a remote `uses` (`owner/repo[/path]@ref`) cannot be had, or nil when it can: from
    /// an `--action-dir`, else fetched into the cache (once per run).
    public func unavailable(_ uses: String) -> String? {
        if actionDirectories.contains(uses) { return nil }
        if let actionCache { return actionCache.prepare(uses) }
        return RunPlanner.notInActionDirectories(uses, actionDirectories)
    }

    /// Where `uses` is read from: the `--action-dir`s, else the cache.
    var actionSources: ActionDirectories {
        ActionDirectories(actionDirectories.folders + (actionCache.map { [$0.root] } ?? []))
    }

    /// Creates options for a workspace.
    public init(workspace: String) {
        self.workspace = workspace
    }
}

import Expressions

/// A sendable wrapper so options can carry a parsed payload.
public struct ExpressionValueBox: Sendable {
    public let value: ExpressionValue
    public init(_ value: ExpressionValue) { self.value = value }
}

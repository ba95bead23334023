import Expressions
import Foundation
import Workflow
import GitState

/// Values fixed for a whole run: repository facts, event, inputs, secrets, ids and paths.
struct RunContext: Sendable {
    let workflow: Workflow
    let options: RunOptions
    let repository: RepositorySnapshot
    let runId: String
    /// The run's temporary root; each job instance gets a folder below it (`RUNNER_TEMP`).
    let tempRoot: String
    /// Where mlgate keeps its own per-step files (file-command files, step scripts): a
    /// tmpfs when the machine has one, since creating files there costs far less than on a
    /// disk file system, and nothing outside mlgate depends on where they are.
    let scratchRoot: String
    /// Job folders not removed yet (see `JobFolders`); shared with called workflows.
    let pendingRemovals: DispatchGroup

    /// The context a called workflow's jobs run in: its own workflow, inputs and secrets;
    /// the same run, repository, event, folders and masker (its secrets are masked too).
    func calling(_ called: Workflow, file: String, inputs: ExpressionValue, secrets: [String: String]) -> RunContext {
        var nestedOptions = options
        nestedOptions.secrets = secrets
        for value in secrets.values { masker.add(value) }
        return RunContext(workflow: called, options: nestedOptions, repository: repository, runId: runId, tempRoot: tempRoot,
                          scratchRoot: scratchRoot, pendingRemovals: pendingRemovals, eventPath: eventPath, event: event,
                          inputs: inputs, masker: masker, callChain: callChain + [file])
    }
    let eventPath: String
    let event: ExpressionValue
    let inputs: ExpressionValue
    let masker: SecretMasker
    /// The workflow files from the top of the run to this one (reusable workflows calling
    /// each other), to refuse cycles and nesting deeper than GitHub allows.
    var callChain: [String] = []

    var workspace: String { options.workspace }

    /// The `github` context for a job.
    func github(job: String) -> ExpressionValue {
        let r = repository
        let pairs: [(String, ExpressionValue)] = [
            ("action", .string("")), ("action_path", .string("")), ("action_ref", .string("")),
            ("action_repository", .string("")), ("action_status", .string("")),
            ("actor", .string(r.actor)), ("actor_id", .string("0")),
            ("api_url", .string("https://api.github.com")),
            ("base_ref", .string(baseRef)), ("env", .string("")),
            ("event", event), ("event_name", .string(options.eventName)), ("event_path", .string(eventPath)),
            ("graphql_url", .string("https://api.github.com/graphql")),
            ("head_ref", .string(headRef)), ("job", .string(job)), ("path", .string("")),
            ("ref", .string(ref.full)), ("ref_name", .string(ref.name)), ("ref_protected", .bool(false)),
            ("ref_type", .string(r.refType)),
            ("repository", .string(r.repository)), ("repository_id", .string("0")),
            ("repository_owner", .string(r.owner)), ("repository_owner_id", .string("0")),
            ("repositoryUrl", .string("git://github.com/\(r.repository).git")),
            ("retention_days", .string("90")),
            ("run_attempt", .string("1")), ("run_id", .string(runId)), ("run_number", .string(String(r.runNumber))),
            ("secret_source", .string("None")), ("server_url", .string("https://github.com")),
            ("sha", .string(r.sha)), ("token", .string(options.secrets["GITHUB_TOKEN"] ?? "")),
            ("triggering_actor", .string(r.actor)),
            ("workflow", .string(workflow.displayName)),
            ("workflow_ref", .string("\(r.repository)/\(workflow.file)@\(r.ref)")),
            ("workflow_sha", .string(r.sha)),
            ("workspace", .string(workspace)),
        ]
        return .object(ExpressionObject(pairs))
    }

    /// `github.ref` as GitHub sets it: the pushed ref, or `refs/pull/N/merge` for a pull
    /// request (whose `sha` here is the head commit: no test merge is made locally).
    var ref: (full: String, name: String) {
        if options.eventName.hasPrefix("pull_request"), case .object(let e) = event,
           let number = e["number"].map({ JSNumber.format($0.numberValue) }) {
            return ("refs/pull/\(number)/merge", "\(number)/merge")
        }
        return (repository.ref, repository.refName)
    }

    var headRef: String {
        guard options.eventName.hasPrefix("pull_request"), case .object(let e) = event,
              case .object(let pr)? = e["pull_request"], case .object(let head)? = pr["head"] else { return "" }
        return head["ref"]?.stringValue ?? ""
    }

    var baseRef: String {
        guard options.eventName.hasPrefix("pull_request"), case .object(let e) = event,
              case .object(let pr)? = e["pull_request"], case .object(let base)? = pr["base"] else { return "" }
        return base["ref"]?.stringValue ?? ""
    }

    /// The `GITHUB_*` / `RUNNER_*` variables every step gets; they win over user `env`.
    func defaultEnvironment(job: String, action: String, runnerTemp: String) -> [String: String] {
        let r = repository
        return [
            "CI": "true", "GITHUB_ACTIONS": "true",
            "GITHUB_ACTION": action, "GITHUB_ACTOR": r.actor, "GITHUB_ACTOR_ID": "0",
            "GITHUB_API_URL": "https://api.github.com", "GITHUB_GRAPHQL_URL": "https://api.github.com/graphql",
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_BASE_REF": baseRef, "GITHUB_HEAD_REF": headRef,
            "GITHUB_EVENT_NAME": options.eventName, "GITHUB_EVENT_PATH": eventPath,
            "GITHUB_JOB": job, "GITHUB_REF": ref.full, "GITHUB_REF_NAME": ref.name,
            "GITHUB_REF_PROTECTED": "false", "GITHUB_REF_TYPE": r.refType,
            "GITHUB_REPOSITORY": r.repository, "GITHUB_REPOSITORY_OWNER": r.owner,
            "GITHUB_REPOSITORY_ID": "0", "GITHUB_REPOSITORY_OWNER_ID": "0",
            "GITHUB_RETENTION_DAYS": "90", "GITHUB_RUN_ATTEMPT": "1", "GITHUB_RUN_ID": runId,
            "GITHUB_RUN_NUMBER": String(r.runNumber), "GITHUB_SHA": r.sha,
            "GITHUB_TRIGGERING_ACTOR": r.actor, "GITHUB_WORKFLOW": workflow.displayName,
            "GITHUB_WORKFLOW_REF": "\(r.repository)/\(workflow.file)@\(r.ref)", "GITHUB_WORKFLOW_SHA": r.sha,
            "GITHUB_WORKSPACE": workspace,
            "RUNNER_ARCH": Self.runnerArch, "RUNNER_OS": "Linux", "RUNNER_NAME": "mlgate",
            "RUNNER_ENVIRONMENT": "self-hosted", "RUNNER_TEMP": runnerTemp,
            "RUNNER_TOOL_CACHE": options.toolCache ?? tempRoot + "/_tool",
            // For `mlgate check` inside a run: record evidence on the run's commit, in the
            // repository (which is not the workspace under --rev).
            "MLGATE_RUN_ID": runId, "MLGATE_REPOSITORY": options.repositoryRoot.isEmpty ? workspace : options.repositoryRoot,
        ]
    }

    /// The `runner` context.
    func runner(temp: String) -> ExpressionValue {
        .object(strings: [("name", "mlgate"), ("os", "Linux"), ("arch", Self.runnerArch), ("temp", temp),
                          ("tool_cache", options.toolCache ?? tempRoot + "/_tool"), ("environment", "self-hosted")])
    }

    static var runnerArch: String {
        #if arch(arm64)
        "ARM64"
        #else
        "X64"
        #endif
    }

    /// `secrets` (plus `GITHUB_TOKEN` when given).
    var secrets: ExpressionValue {
        .object(ExpressionObject(options.secrets.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
    }

    /// `vars`.
    var vars: ExpressionValue {
        .object(ExpressionObject(options.vars.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
    }
}

/// Event payloads as GitHub sends them, synthesized from the repository.
enum EventPayload {
    static func synthesize(event: String, repository r: RepositorySnapshot, workflowFile: String,
                           inputs: [(String, String)], crons: [String] = []) -> ExpressionValue {
        let owner = ExpressionValue.object(strings: [("login", r.owner), ("name", r.owner)])
        let repository = ExpressionValue.object(ExpressionObject([
            ("name", .string(String(r.repository.split(separator: "/").last ?? ""))),
            ("full_name", .string(r.repository)), ("owner", owner),
            ("default_branch", .string(r.refType == "branch" ? r.refName : "main")),
        ]))
        let sender = ExpressionValue.object(strings: [("login", r.actor)])
        var pairs: [(String, ExpressionValue)] = []
        switch event {
        case "push":
            let commits = (r.range?.commits ?? r.headCommit.map { [$0] } ?? []).suffix(2048).map(commitPayload)
            let before = r.range?.baseSha ?? r.parentSha ?? String(repeating: "0", count: 40)
            pairs = [
                ("ref", .string(r.ref)), ("before", .string(before)),
                ("after", .string(r.sha)), ("created", .bool(r.range == nil && r.parentSha == nil)), ("deleted", .bool(false)),
                ("forced", .bool(false)), ("base_ref", .null),
                ("compare", .string("https://github.com/\(r.repository)/compare/\(before.prefix(12))...\(r.sha.prefix(12))")),
                ("commits", .array(ExpressionArray(Array(commits)))),
                ("head_commit", commits.last ?? .null),
                ("pusher", .object(strings: [("name", r.actor), ("email", r.actorEmail)])),
            ]
        case "pull_request", "pull_request_target":
            let range = r.range
            let baseRef = range?.baseRef ?? "refs/heads/main"
            let baseName = baseRef.hasPrefix("refs/heads/") ? String(baseRef.dropFirst(11)) : baseRef
            let title = r.headCommit?.message.split(separator: "\n").first.map(String.init) ?? ""
            let pullRequest = ExpressionValue.object(ExpressionObject([
                ("number", .number(1)), ("state", .string("open")), ("title", .string(title)), ("body", .string("")),
                ("draft", .bool(false)), ("merged", .bool(false)),
                ("user", .object(strings: [("login", r.actor)])),
                ("head", .object(ExpressionObject([("ref", .string(r.refName)), ("sha", .string(r.sha)),
                                                   ("label", .string("\(r.owner):\(r.refName)")), ("repo", repository)]))),
                ("base", .object(ExpressionObject([("ref", .string(baseName)), ("sha", .string(range?.baseSha ?? "")),
                                                   ("label", .string("\(r.owner):\(baseName)")), ("repo", repository)]))),
                ("merge_commit_sha", .null),
                ("commits", .number(Double(range?.commits.count ?? 0))),
                ("changed_files", .number(Double(range?.changedPaths.count ?? 0))),
            ]))
            pairs = [("action", .string("opened")), ("number", .number(1)), ("pull_request", pullRequest)]
        case "workflow_dispatch":
            pairs = [("inputs", .object(strings: inputs)), ("ref", .string(r.ref)), ("workflow", .string(workflowFile))]
        case "workflow_call":
            pairs = [("inputs", .object(strings: inputs))]
        case "schedule":
            // The cron line that fired: the workflow's first.
            pairs = [("schedule", .string(crons.first ?? ""))]
        case "deployment":
            // GitHub's deployment payload; environment and payload come from --eventpath when given.
            pairs = [("action", .string("created")), ("deployment", .object(ExpressionObject([
                ("id", .number(1)), ("sha", .string(r.sha)), ("ref", .string(r.refName)), ("task", .string("deploy")),
                ("environment", .string("production")), ("original_environment", .string("production")),
                ("payload", .object(ExpressionObject([]))), ("description", .null),
                ("creator", .object(strings: [("login", r.actor)])),
                ("transient_environment", .bool(false)), ("production_environment", .bool(true)),
            ])))]
        default:
            break
        }
        pairs += [("repository", repository), ("sender", sender)]
        return .object(ExpressionObject(pairs))
    }

    /// A commit as push payloads list it.
    static func commitPayload(_ c: CommitInfo) -> ExpressionValue {
        .object(ExpressionObject([
            ("id", .string(c.sha)), ("message", .string(c.message.trimmingCharacters(in: .newlines))),
            ("timestamp", .string(iso8601(c.time))),
            ("author", .object(strings: [("name", c.authorName), ("email", c.authorEmail)])),
            ("committer", .object(strings: [("name", c.committerName), ("email", c.committerEmail)])),
            ("distinct", .bool(true)),
        ]))
    }

    /// `2026-11-23T18:25:57Z` (UTC), as GitHub writes commit timestamps.
    static func iso8601(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let n = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%SZ", &parts)
        return String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `base` with `override`'s fields replacing or merging into it, recursively.
    static func merge(_ base: ExpressionValue, _ override: ExpressionValue) -> ExpressionValue {
        guard case .object(let b) = base, case .object(let o) = override else { return override }
        var result = b
        for (key, value) in o.pairs {
            let merged = result[key].map { merge($0, value) } ?? value
            result = result.setting(key, to: merged)
        }
        return .object(result)
    }
}

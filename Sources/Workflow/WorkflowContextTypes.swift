import Expressions
import YAMLSource

/// The type of each context as the workflow defines it (actionlint's types): `github`,
/// `runner`, `job` and `strategy` are fixed; `inputs` comes from the declared inputs, `matrix`
/// from the rows and includes, `steps` and `needs` from the ids and outputs in scope.
enum WorkflowContextTypes {
    static let github = ExpressionType.strict(Dictionary(uniqueKeysWithValues: [
        "action", "action_path", "action_ref", "action_repository", "action_status", "actor", "actor_id", "api_url", "base_ref",
        "env", "event_name", "event_path", "graphql_url", "head_ref", "job", "output", "path", "ref", "ref_name", "ref_type",
        "repository", "repository_id", "repository_owner", "repository_owner_id", "repository_visibility", "repositoryurl",
        "run_attempt", "run_id", "run_number", "secret_source", "server_url", "sha", "state", "step_summary", "token",
        "triggering_actor", "workflow", "workflow_ref", "workflow_sha", "workspace",
    ].map { ($0, ExpressionType.string) }).merging([
        "artifact_cache_size_limit": .number, "retention_days": .number, "ref_protected": .bool, "event": .looseObject,
    ]) { a, _ in a })

    static let runner = ExpressionType.strict(Dictionary(uniqueKeysWithValues:
        ["arch", "debug", "environment", "name", "os", "temp", "tool_cache"].map { ($0, ExpressionType.string) }))

    static let job = ExpressionType.strict([
        "check_run_id": .number,
        "container": .strict(["id": .string, "network": .string]),
        "services": .map(.strict(["id": .string, "network": .string, "ports": .map(.string)])),
        "status": .string,
    ])

    /// actionlint types `strategy` as an object that may hold other properties.
    static let strategy = ExpressionType.object(properties: [
        "fail-fast": .bool, "job-index": .number, "job-total": .number, "max-parallel": .number,
    ], mapped: .any)

    /// The contexts every expression of the workflow sees (`matrix`, `steps` and `needs` are
    /// set per job and step).
    static func base(_ root: YAMLNode) -> [String: ExpressionType] {
        [
            "github": github, "runner": runner, "job": job, "strategy": strategy,
            "env": .map(.string), "vars": .map(.string), "secrets": secrets(root),
            "inputs": inputs(root), "matrix": .strict([:]), "steps": .strict([:]), "needs": .strict([:]),
            "jobs": .map(.strict(["outputs": .map(.string), "result": .string])),
        ]
    }

    /// `secrets`: the secrets a reusable workflow declares (and those GitHub always passes)
    /// when `workflow_call` is its only trigger; any name otherwise (a caller's inherited
    /// secrets, or the repository's).
    static func secrets(_ root: YAMLNode) -> ExpressionType {
        guard let on = root["on"], on.entries.map(\.0) == ["workflow_call"],
              case .mapping(let declared) = on["workflow_call"]?["secrets"]?.content else { return .map(.string) }
        var properties: [String: ExpressionType] = ["github_token": .string, "actions_step_debug": .string, "actions_runner_debug": .string]
        for (name, _) in declared { if let name = name.scalar { properties[name.lowercased()] = .string } }
        return .strict(properties)
    }

    /// `inputs`: each declared input of `workflow_dispatch` and `workflow_call` by its type.
    static func inputs(_ root: YAMLNode) -> ExpressionType {
        var properties: [String: ExpressionType] = [:]
        for event in ["workflow_dispatch", "workflow_call"] {
            for (name, input) in root["on"]?[event]?["inputs"]?.entries ?? [] {
                let type: ExpressionType
                switch input["type"]?.scalar {
                case "boolean": type = .bool
                case "number": type = .number
                case "string", "choice", "environment": type = .string
                default: type = event == "workflow_dispatch" ? .string : .any
                }
                properties[name.lowercased()] = properties[name.lowercased()].map { $0.merged(with: type) } ?? type
            }
        }
        return .strict(properties)
    }

    /// `matrix`: each axis typed by its values, each include entry's keys by theirs; a loose
    /// object when the matrix is computed.
    static func matrix(_ node: YAMLNode?) -> ExpressionType {
        guard let node else { return .strict([:]) }
        guard case .mapping(let entries) = node.content else { return .looseObject }
        var properties: [String: ExpressionType] = [:]
        func add(_ name: String, _ type: ExpressionType) {
            properties[name] = properties[name].map { $0.merged(with: type) } ?? type
        }
        for (key, value) in entries {
            guard let name = key.scalar?.lowercased() else { continue }
            if name.has("${{") { return .looseObject }
            switch name {
            case "exclude": continue
            case "include":
                guard let items = value.items else { return .looseObject }
                for item in items {
                    guard case .mapping(let pairs) = item.content else { return .looseObject }
                    for (k, v) in pairs { if let k = k.scalar { add(k.lowercased(), of(v)) } }
                }
            default:
                if let items = value.items {
                    add(name, items.dropFirst().reduce(items.first.map(of) ?? .any) { $0.merged(with: of($1)) })
                } else {
                    add(name, .any)  // computed values (${{ fromJSON(…) }})
                }
            }
        }
        return .strict(properties)
    }

    /// The type of a YAML value as it reaches an expression: plain scalars resolved as YAML
    /// 1.2's core schema resolves them, mappings as objects, sequences as arrays.
    static func of(_ node: YAMLNode) -> ExpressionType {
        switch node.content {
        case .scalar(let text, let quoted):
            if quoted { return .string }
            if text.has("${{") { return .any }
            switch text {
            case "true", "True", "TRUE", "false", "False", "FALSE": return .bool
            case "null", "Null", "NULL", "~", "": return .null
            default:
                let numeric = text.first.map { "0123456789-+.".contains($0) } == true && (Double(text) != nil || text.hasPrefix("0x") || text.hasPrefix("0o"))
                    || [".inf", ".Inf", ".INF", "-.inf", "+.inf", ".nan", ".NaN", ".NAN"].contains(text)
                return numeric ? .number : .string
            }
        case .sequence(let items):
            return .array(items.dropFirst().reduce(items.first.map(of) ?? .any) { $0.merged(with: of($1)) })
        case .mapping(let pairs):
            var properties: [String: ExpressionType] = [:]
            for (k, v) in pairs { if let k = k.scalar { properties[k.lowercased()] = of(v) } }
            return .strict(properties)
        }
    }

    /// `steps`: the steps before this one, each with its outputs (known for local and popular
    /// actions, any name otherwise), conclusion and outcome.
    static func steps(_ outputs: [String: Set<String>?]) -> ExpressionType {
        .strict(outputs.mapValues { names in
            .strict(["outputs": names.map { .strict(Dictionary(uniqueKeysWithValues: $0.map { ($0, ExpressionType.string) })) } ?? .map(.string),
                     "conclusion": .string, "outcome": .string])
        })
    }

    /// `needs`: the jobs needed, each with its outputs (when known) and result.
    static func needs(_ needed: Set<String>, outputs: [String: Set<String>?]) -> ExpressionType {
        var properties: [String: ExpressionType] = [:]
        for id in needed {
            let known: Set<String>? = outputs[id] ?? nil
            properties[id] = .strict(["outputs": known.map { .strict(Dictionary(uniqueKeysWithValues: $0.map { ($0, ExpressionType.string) })) } ?? .map(.string),
                                      "result": .string])
        }
        return .strict(properties)
    }
}

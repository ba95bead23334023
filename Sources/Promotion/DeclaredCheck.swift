import Checks
import YAMLSource

/// A check declared in `mlgate.yml`'s `checks:` section: its name, its kind, and its options
/// written as the `mlgate check KIND` flags are (`max-failures: 0`, `rules: [...]`).
/// `mlgate check run` runs them; a stage's `checks:` names them.
public struct DeclaredCheck: Sendable {
    /// An option's value: one word, or a list (a repeatable flag).
    public enum Value: Sendable, Equatable {
        case scalar(String)
        case list([String])
        case flag(Bool)
    }

    /// Which `mlgate check` subcommand runs it.
    public enum Kind: String, Sendable { case tests, metrics, data, drift, security, command }

    public let name: String
    public let kind: Kind
    /// Options in the order written.
    public let options: [(key: String, value: Value)]
    /// Where it was declared.
    public let location: SourceLocation
    /// A data check's contract, when written inline (`contract:` as a mapping).
    public var contract: DataContract?

    public init(name: String, kind: Kind, options: [(key: String, value: Value)], location: SourceLocation,
                contract: DataContract? = nil) {
        (self.name, self.kind, self.options, self.location, self.contract) = (name, kind, options, location, contract)
    }

    /// The options each kind takes (as its flags are named), and those that are lists.
    static let optionsByKind: [Kind: Set<String>] = [
        .command: ["run", "input", "against", "model"],
        .tests: ["report", "run", "max-failures", "min-pass-rate", "max-skipped", "min-tests", "model"],
        .metrics: ["metrics", "predictions", "label", "score", "threshold", "prediction", "task", "slice", "id", "rule",
                   "baseline", "against", "resamples", "confidence", "seed", "allow-no-baseline", "model"],
        .data: ["contract", "data", "delimiter", "format", "samples", "model"],
        .drift: ["reference", "current", "column", "stattest", "stattest-for", "threshold", "threshold-for", "drift-share",
                 "delimiter", "against", "model"],
        .security: ["worktree", "since", "history", "fail-on", "baseline", "sarif", "strict", "require-hashes", "only", "model"],
    ]

    /// Plural spellings accepted for the repeatable options.
    static let aliases = ["rules": "rule", "reports": "report", "inputs": "input", "columns": "column"]

    /// The command-line arguments of `mlgate check KIND` for this check (without the kind),
    /// the command (for `run`) after `--`.
    public var arguments: [String] {
        var words = [name]
        var command: [String] = []
        for (key, value) in options where key == "data" {
            // The data files are the command's arguments.
            switch value {
            case .scalar(let text): words.append(text)
            case .list(let items): words += items
            case .flag: break
            }
        }
        for (key, value) in options where key != "data" {
            if key == "run" {
                switch value {
                case .scalar(let text): command = ["sh", "-c", text]
                case .list(let items): command = items
                case .flag: break
                }
                if kind == .tests { words.append("--run") }
                continue
            }
            switch value {
            case .scalar(let text): words += ["--" + key, text]
            case .list(let items): for item in items { words += ["--" + key, item] }
            case .flag(let on): if on { words.append("--" + key) }
            }
        }
        if !command.isEmpty { words += ["--"] + command }
        return words
    }
}

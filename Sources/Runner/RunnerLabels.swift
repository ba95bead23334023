import Expressions

/// Which `runs-on` labels run on this host and which are skipped (act's `--platform`, as
/// `-P LABEL=host|skip`). By default GitHub's Linux labels (`ubuntu-*`, `linux`), `self-hosted`
/// and the architecture labels run here; `windows-*` and `macos-*` are skipped with a warning,
/// never run silently on Linux; any other label (a self-hosted runner's own, such as `gpu`)
/// runs here only beside `self-hosted`, and is skipped otherwise, with the `-P` that would run it.
public struct RunnerLabels: Sendable, Equatable {
    /// What to do with a job whose runner has a label.
    public enum Choice: String, Sendable, Equatable {
        case host, skip
    }

    /// The user's choices, by lower-cased label (`-P`).
    public var mapping: [String: Choice]

    public init(mapping: [String: Choice] = [:]) {
        self.mapping = Dictionary(mapping.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, new in new })
    }

    /// Parses `-P` values: `LABEL=host` or `LABEL=skip`.
    public init(parsing values: [String]) throws(ParseError) {
        var mapping: [String: Choice] = [:]
        for value in values {
            let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let choice = Choice(rawValue: parts[1].lowercased()) else {
                throw ParseError(description: "-P \(value): write LABEL=host (run jobs with that label on this host) or LABEL=skip")
            }
            mapping[parts[0]] = choice
        }
        self.init(mapping: mapping)
    }

    /// A `-P` value that cannot be used.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Whether a job whose `runs-on` is `value` runs here; when not, why, and what would run it.
    public func decide(_ value: ExpressionValue) -> (choice: Choice, reason: String?) {
        let labels = Self.labels(of: value)
        if labels.isEmpty { return (.host, nil) }
        var unknown: [String] = []
        var hasSelfHosted = false
        for label in labels {
            let folded = label.lowercased()
            if let chosen = mapping[folded] {
                if chosen == .skip { return (.skip, "runs-on '\(label)' is mapped to skip (-P \(label)=skip)") }
                continue
            }
            if folded == "self-hosted" { hasSelfHosted = true }
            switch Self.builtin(folded) {
            case .host?: continue
            case .skip?:
                return (.skip, "runs-on '\(label)' needs a \(folded.hasPrefix("windows") ? "Windows" : "macOS") runner, and this host runs Linux; run it here anyway with -P \(label)=host")
            case nil: unknown.append(label)
            }
        }
        if !unknown.isEmpty, !hasSelfHosted {
            let hint = unknown.map { "-P \($0)=host" }.joined(separator: " ")
            return (.skip, "runs-on '\(unknown.joined(separator: "', '"))' is not a label this host is known to have; run it here with \(hint)")
        }
        return (.host, nil)
    }

    static func builtin(_ label: String) -> Choice? {
        if label.hasPrefix("ubuntu") || ["linux", "self-hosted", "x64", "x86_64", "amd64", "arm64", "aarch64"].contains(label) { return .host }
        if label.hasPrefix("windows") || label.hasPrefix("macos") || label == "macos" { return .skip }
        return nil
    }

    /// The labels of `runs-on`: a string, a list, or `{ group, labels }`.
    static func labels(of value: ExpressionValue) -> [String] {
        switch value {
        case .string(let label): return label.isEmpty ? [] : [label]
        case .array(let array): return array.items.flatMap(labels)
        case .object(let object):
            var result: [String] = []
            if case .string(let group)? = object["group"] { result.append("group:\(group)") }
            if let labels = object["labels"] { result += Self.labels(of: labels) }
            return result
        default: return []
        }
    }
}

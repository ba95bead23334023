import Yams

/// A YAML node as GitHub reads workflow files (and mlgate reads its policy): every scalar keeps its text and whether it
/// was quoted (YAML 1.2 core schema: only `true`/`false` are booleans, `on` is a string),
/// and every node keeps its position.
public struct YAMLNode: Sendable {
    /// The node's content.
    public indirect enum Content: Sendable {
        case scalar(String, quoted: Bool)
        case sequence([YAMLNode])
        case mapping([(key: YAMLNode, value: YAMLNode)])
    }

    /// The content.
    public let content: Content
    /// Where the node starts.
    public let location: SourceLocation

    /// The scalar text, or nil for a collection.
    public var scalar: String? {
        if case .scalar(let s, _) = content { return s }
        return nil
    }

    /// Whether the node is an unquoted null (`~`, `null`, empty).
    public var isNull: Bool {
        if case .scalar(let s, let quoted) = content, !quoted { return s.isEmpty || s == "~" || s == "null" || s == "Null" || s == "NULL" }
        return false
    }

    /// A short name of the node's kind for messages.
    public var kindName: String {
        switch content {
        case .scalar: isNull ? "null" : "a string"
        case .sequence: "a sequence"
        case .mapping: "a mapping"
        }
    }

    /// Parses one YAML document. Syntax errors and duplicate keys become diagnostics.
    public static func parse(_ text: String, file: String) throws(SourceError) -> YAMLNode? {
        do {
            // The encoding is given: Yams would otherwise look it up in the environment per parse.
            guard let node = try Yams.compose(yaml: text, .basic, .default, .utf8) else { return nil }
            return YAMLNode(node, file: file)
        } catch let error as YamlError {
            throw SourceError([diagnostic(for: error, file: file)])
        } catch {
            throw SourceError([Diagnostic(SourceLocation(file: file, line: 1, column: 1), "cannot read YAML: \(error)")])
        }
    }

    private init(_ node: Node, file: String) {
        let mark = node.mark
        location = SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
        switch node {
        case .scalar(let scalar):
            content = .scalar(scalar.string, quoted: scalar.style == .singleQuoted || scalar.style == .doubleQuoted
                              || scalar.style == .literal || scalar.style == .folded)
        case .sequence(let sequence):
            content = .sequence(sequence.map { YAMLNode($0, file: file) })
        case .mapping(let mapping):
            content = .mapping(mapping.map { (key: YAMLNode($0.key, file: file), value: YAMLNode($0.value, file: file)) })
        case .alias:
            content = .scalar("", quoted: false)
        }
    }

    private static func diagnostic(for error: YamlError, file: String) -> Diagnostic {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return Diagnostic(at(mark), "invalid YAML: \(what)", rule: "yaml")
        case let .duplicatedKeysInMapping(duplicates, context):
            return Diagnostic(at(context.mark), "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in mapping; each key may appear once", rule: "syntax-check")
        case let .reader(problem, _, _, _):
            return Diagnostic(SourceLocation(file: file, line: 1, column: 1), "cannot read YAML: \(problem)")
        default:
            return Diagnostic(SourceLocation(file: file, line: 1, column: 1), "cannot read YAML: \(error)")
        }
    }
}

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

    /// Creates a node.
    public init(content: Content, location: SourceLocation) {
        self.content = content
        self.location = location
    }

    /// Parses one YAML document. Syntax errors, duplicate keys, nesting deeper than 64
    /// levels and aliases that expand past 200,000 nodes become diagnostics (see
    /// `YAMLComposer`).
    public static func parse(_ text: String, file: String) throws(SourceError) -> YAMLNode? {
        try YAMLComposer(file: file).compose(text)?.root
    }

    /// Parses one YAML document as `parse` does, with what only the text shows: the anchors
    /// no alias uses.
    public static func parseDocument(_ text: String, file: String) throws(SourceError) -> YAMLDocument? {
        try YAMLComposer(file: file).compose(text)
    }
}

/// A parsed YAML document: its tree, and the anchors (`&name`) no alias (`*name`) uses.
public struct YAMLDocument: Sendable {
    public let root: YAMLNode
    /// Anchors defined and never used, where each is defined.
    public let unusedAnchors: [(name: String, location: SourceLocation)]
}

internal import CYaml

/// Builds a `YAMLNode` tree straight from libyaml's event stream, without recursion, and
/// bounds what a document may cost before anything reads it:
///
/// - nesting deeper than `maxDepth` collections is refused at the collection that goes too
///   deep (a document nested a few hundred brackets deep would otherwise overflow a
///   thread's stack in whatever walks the tree);
/// - aliases may not expand the document past `maxNodes` nodes ("billion laughs": nine
///   levels of aliases to ten copies each expand to 10⁹ nodes); refused at the alias that
///   crosses the limit, like the alias limits of other YAML libraries;
/// - a key that appears twice in a mapping is refused at the second occurrence.
struct YAMLComposer {
    /// Collections nested deeper than this are refused. Real workflows, actions and policies
    /// nest well under 20 levels.
    static let maxDepth = 64
    /// The most nodes a document may hold once its aliases are expanded.
    static let maxNodes = 200_000

    let file: String

    /// A collection being read: its start, its anchor, the items so far, and how many nodes
    /// it holds with its aliases expanded.
    private struct Frame {
        let isMapping: Bool
        let location: SourceLocation
        let anchor: String?
        var items: [YAMLNode] = []
        var size = 1
        /// The keys seen so far (mappings), for duplicate detection.
        var keys: Set<String> = []
    }

    /// Parses the single document in `text` (nil when the stream holds none).
    func compose(_ text: String) throws(SourceError) -> YAMLDocument? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw SourceError([Diagnostic(at(line: 0, column: 0), "cannot read YAML: out of memory")])
        }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBufferPointer { buffer throws(SourceError) -> YAMLDocument? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            return try read(&parser)
        }
    }

    private func read(_ parser: inout yaml_parser_t) throws(SourceError) -> YAMLDocument? {
        var stack: [Frame] = []
        var anchors: [String: (node: YAMLNode, size: Int)] = [:]
        // Every anchor defined, in order, and whether an alias named it before it was defined
        // again.
        var definitions: [(name: String, location: SourceLocation, used: Bool)] = []
        var latestDefinition: [String: Int] = [:]
        var root: YAMLNode?
        var documents = 0
        var total = 0
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else { throw SourceError([syntaxError(parser)]) }
            defer { yaml_event_delete(&event) }
            let location = at(line: event.start_mark.line, column: event.start_mark.column)
            // The node this event completes: its size with aliases expanded, how many nodes
            // it adds to the document now (a collection's own node was added when it opened,
            // its items as they came), and its anchor.
            var finished: (node: YAMLNode, size: Int, added: Int, anchor: String?)?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return root.map { YAMLDocument(root: $0, unusedAnchors: definitions.filter { !$0.used }.map { ($0.name, $0.location) }) }
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 {
                    throw SourceError([Diagnostic(location, "expected a single YAML document, but found another; remove the '---' that starts it", rule: "yaml")])
                }
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let value = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
                let quoted = scalar.style != YAML_PLAIN_SCALAR_STYLE && scalar.style != YAML_ANY_SCALAR_STYLE
                finished = (YAMLNode(content: .scalar(value, quoted: quoted), location: location), 1, 1, Self.text(scalar.anchor))
            case YAML_ALIAS_EVENT:
                let name = Self.text(event.data.alias.anchor) ?? ""
                guard let anchored = anchors[name] else {
                    throw SourceError([Diagnostic(location, "YAML alias '*\(name)' names no anchor defined before it; define '&\(name)' first", rule: "yaml")])
                }
                if let index = latestDefinition[name] { definitions[index].used = true }
                finished = (anchored.node, anchored.size, anchored.size, nil)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                if stack.count >= Self.maxDepth {
                    throw SourceError([Diagnostic(location, "YAML nested more than \(Self.maxDepth) levels deep; flatten this \(isMapping ? "mapping" : "sequence")", rule: "yaml")])
                }
                let anchor = isMapping ? Self.text(event.data.mapping_start.anchor) : Self.text(event.data.sequence_start.anchor)
                stack.append(Frame(isMapping: isMapping, location: location, anchor: anchor))
                total += 1
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                let frame = stack.removeLast()
                let content: YAMLNode.Content
                if frame.isMapping {
                    content = .mapping(stride(from: 0, to: frame.items.count - 1, by: 2).map { (key: frame.items[$0], value: frame.items[$0 + 1]) })
                } else {
                    content = .sequence(frame.items)
                }
                finished = (YAMLNode(content: content, location: frame.location), frame.size, 0, frame.anchor)
            default:
                continue
            }
            guard let (node, size, added, anchor) = finished else { continue }
            total += added
            if total > Self.maxNodes {
                throw SourceError([Diagnostic(location, "YAML aliases expand this document past \(Self.maxNodes) nodes; use fewer or smaller aliases", rule: "yaml")])
            }
            if let anchor {
                anchors[anchor] = (node, size)
                latestDefinition[anchor] = definitions.count
                definitions.append((anchor, node.location, false))
            }
            guard !stack.isEmpty else {
                root = node
                continue
            }
            let index = stack.count - 1
            if stack[index].isMapping, stack[index].items.count % 2 == 0, let key = node.scalar {
                if !stack[index].keys.insert(key).inserted {
                    throw SourceError([Diagnostic(location, "duplicate key '\(key)' in mapping; each key may appear once", rule: "syntax-check")])
                }
            }
            stack[index].items.append(node)
            stack[index].size += size
        }
    }

    private func at(line: Int, column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line + 1, column: column + 1)
    }

    private static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }

    /// libyaml's own error, at its position.
    private func syntaxError(_ parser: yaml_parser_t) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown problem"
        switch parser.error {
        case YAML_READER_ERROR:
            return Diagnostic(at(line: 0, column: 0), "cannot read YAML: \(problem) at byte \(parser.problem_offset)", rule: "yaml")
        case YAML_SCANNER_ERROR, YAML_PARSER_ERROR:
            let context = parser.context.map { String(cString: $0) }
            let what = [context, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return Diagnostic(at(line: parser.problem_mark.line, column: parser.problem_mark.column), "invalid YAML: \(what)", rule: "yaml")
        default:
            return Diagnostic(at(line: 0, column: 0), "cannot read YAML: \(problem)", rule: "yaml")
        }
    }
}

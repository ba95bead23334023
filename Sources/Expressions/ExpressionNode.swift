/// The parsed form of an expression.
indirect enum ExpressionNode: Sendable {
    case literal(ExpressionValue)
    /// A named context such as `github`; the name is folded to lower case.
    case context(String)
    /// `a.b`: property access with a literal name (folded to lower case).
    case property(ExpressionNode, folded: String)
    /// `a[expr]`.
    case index(ExpressionNode, ExpressionNode)
    /// `a.*` or `a[*]`.
    case filter(ExpressionNode)
    case not(ExpressionNode)
    case comparison(ComparisonOperator, ExpressionNode, ExpressionNode)
    case and([ExpressionNode])
    case or([ExpressionNode])
    case call(ExpressionFunction, [ExpressionNode])
}

/// The comparison operators.
enum ComparisonOperator: Sendable {
    case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
}

/// A function an expression calls: one of GitHub's built-ins or one the host supplies
/// (status functions, `hashFiles`).
enum ExpressionFunction: Sendable {
    case contains, startsWith, endsWith, format, join, toJSON, fromJSON, `case`
    case host(String)

    static let builtins: [String: (ExpressionFunction, ClosedRange<Int>)] = [
        "contains": (.contains, 2...2),
        "startswith": (.startsWith, 2...2),
        "endswith": (.endsWith, 2...2),
        "format": (.format, 1...255),
        "join": (.join, 1...2),
        "tojson": (.toJSON, 1...1),
        "fromjson": (.fromJSON, 1...1),
        "case": (.case, 3...Int.max),
    ]
}

extension ExpressionNode {
    /// Whether any call in the tree is one of the given host functions (folded names).
    func calls(anyOf names: Set<String>) -> Bool {
        switch self {
        case .literal, .context: return false
        case .property(let base, _), .filter(let base), .not(let base): return base.calls(anyOf: names)
        case .index(let a, let b), .comparison(_, let a, let b):
            return a.calls(anyOf: names) || b.calls(anyOf: names)
        case .and(let items), .or(let items): return items.contains { $0.calls(anyOf: names) }
        case .call(let function, let args):
            if case .host(let name) = function, names.contains(name) { return true }
            return args.contains { $0.calls(anyOf: names) }
        }
    }

    /// The context names the tree reads (folded).
    func contextNames(into names: inout Set<String>) {
        switch self {
        case .literal: break
        case .context(let name): names.insert(name)
        case .property(let base, _), .filter(let base), .not(let base): base.contextNames(into: &names)
        case .index(let a, let b), .comparison(_, let a, let b):
            a.contextNames(into: &names)
            b.contextNames(into: &names)
        case .and(let items), .or(let items), .call(_, let items):
            for item in items { item.contextNames(into: &names) }
        }
    }
}

extension ExpressionNode {
    /// The property paths the tree reads, lower-cased and dotted (`github.event.issue.title`;
    /// `*` for filters and for indexes that are not literal names).
    func accessedPaths(into paths: inout [String]) {
        if let path = accessPath { paths.append(path) }
        switch self {
        case .literal, .context: break
        case .property(let base, _), .filter(let base):
            if accessPath == nil { base.accessedPaths(into: &paths) }
        case .index(let base, let key):
            if accessPath == nil { base.accessedPaths(into: &paths) }
            key.accessedPaths(into: &paths)
        case .not(let inner): inner.accessedPaths(into: &paths)
        case .comparison(_, let a, let b):
            a.accessedPaths(into: &paths)
            b.accessedPaths(into: &paths)
        case .and(let items), .or(let items), .call(_, let items):
            for item in items { item.accessedPaths(into: &paths) }
        }
    }

    /// The dotted path of an access chain rooted at a context, or nil.
    private var accessPath: String? {
        switch self {
        case .context(let name): return name
        case .property(let base, let name): return base.accessPath.map { $0 + "." + name }
        case .filter(let base): return base.accessPath.map { $0 + ".*" }
        case .index(let base, let key):
            guard let prefix = base.accessPath else { return nil }
            if case .literal(.string(let name)) = key { return prefix + "." + name.lowercased() }
            return prefix + ".*"
        default: return nil
        }
    }
}


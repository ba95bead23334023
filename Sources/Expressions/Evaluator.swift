/// Tree-walking evaluation with GitHub's semantics.
struct Evaluator {
    let context: EvaluationContext
    /// Bytes of strings built by functions so far; GitHub's runner stops an evaluation
    /// past 1 MiB (strings counted as UTF-16).
    private var usedBytes = 0
    static let maxMemory = 1_048_576

    init(context: EvaluationContext) {
        self.context = context
    }

    mutating func evaluate(_ node: ExpressionNode) throws(ExpressionError) -> ExpressionValue {
        switch node {
        case .literal(let value):
            return value
        case .context(let name):
            return context.contexts.value(forFoldedKey: name) ?? .null
        case .property(let base, let folded):
            return access(try evaluate(base), key: .name(folded))
        case .index(let base, let keyNode):
            let key = try evaluate(keyNode)
            return access(try evaluate(base), key: IndexKey(key))
        case .filter(let base):
            return access(try evaluate(base), key: .star)
        case .not(let inner):
            return .bool(!(try evaluate(inner)).isTruthy)
        case .comparison(let op, let l, let r):
            let left = try evaluate(l), right = try evaluate(r)
            switch op {
            case .equal: return .bool(left.looselyEquals(right))
            case .notEqual: return .bool(!left.looselyEquals(right))
            case .less: return .bool(left.isLess(than: right))
            case .lessOrEqual: return .bool(left.looselyEquals(right) || left.isLess(than: right))
            case .greater: return .bool(left.isGreater(than: right))
            case .greaterOrEqual: return .bool(left.looselyEquals(right) || left.isGreater(than: right))
            }
        case .and(let items):
            var result = ExpressionValue.null
            for item in items {
                result = try evaluate(item)
                if !result.isTruthy { break }
            }
            return result
        case .or(let items):
            var result = ExpressionValue.null
            for item in items {
                result = try evaluate(item)
                if result.isTruthy { break }
            }
            return result
        case .call(let function, let argNodes):
            var args: [ExpressionValue] = []
            args.reserveCapacity(argNodes.count)
            for node in argNodes { args.append(try evaluate(node)) }
            if case .host(let name) = function {
                guard let implementation = context.functions[name] else {
                    throw ExpressionError(.evaluation, "The function '\(name)' is not available here")
                }
                return try implementation(args)
            }
            let result = try BuiltinFunctions.call(function, args)
            if case .string(let s) = result {
                usedBytes += s.utf8.count * 2
                if usedBytes > Self.maxMemory {
                    throw ExpressionError(.evaluation, "The maximum allowed memory size was exceeded")
                }
            }
            return result
        }
    }

    /// An index as GitHub interprets it: a string key for objects (when primitive), an
    /// integer for arrays (when a finite non-negative number), or `*`.
    enum IndexKey {
        case star
        case name(String)            // already folded
        case value(String?, Int?)

        init(_ value: ExpressionValue) {
            let string = value.isPrimitive ? value.stringValue.lowercased() : nil
            let n = value.numberValue
            let int: Int? = (n.isFinite && n >= 0 && n < 9e18) ? Int(n.rounded(.down)) : nil
            self = .value(string, int)
        }

        var foldedString: String? {
            switch self {
            case .star: nil
            case .name(let s): s
            case .value(let s, _): s
            }
        }

        var integer: Int? {
            switch self {
            case .star: nil
            case .name(let s): Int(s)
            case .value(_, let i): i
            }
        }
    }

    private func access(_ base: ExpressionValue, key: IndexKey) -> ExpressionValue {
        switch base {
        case .array(let array) where array.isFiltered:
            var result: [ExpressionValue] = []
            for item in array.items {
                switch item {
                case .object(let object):
                    if case .star = key { result.append(contentsOf: object.values) }
                    else if let name = key.foldedString, let v = object.value(forFoldedKey: name) { result.append(v) }
                case .array(let inner):
                    if case .star = key { result.append(contentsOf: inner.items) }
                    else if let i = key.integer, i < inner.items.count { result.append(inner.items[i]) }
                default: break
                }
            }
            return .array(ExpressionArray(result, isFiltered: true))
        case .array(let array):
            if case .star = key { return .array(ExpressionArray(array.items, isFiltered: true)) }
            if let i = key.integer, i < array.items.count { return array.items[i] }
            return .null
        case .object(let object):
            if case .star = key { return .array(ExpressionArray(object.values, isFiltered: true)) }
            if let name = key.foldedString, let v = object.value(forFoldedKey: name) { return v }
            return .null
        default:
            if case .star = key { return .array(ExpressionArray([], isFiltered: true)) }
            return .null
        }
    }
}

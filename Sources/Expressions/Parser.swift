/// A recursive-descent parser with GitHub's precedence (`||` < `&&` < `==`,`!=` <
/// `<`,`<=`,`>`,`>=` < `!` < index/property < call/literal) and its depth limit.
struct Parser {
    private let tokens: [Token]
    private let source: String
    private let allowedContexts: Set<String>?
    private let hostFunctions: [String: ClosedRange<Int>]
    private var position = 0
    private var depth = 0

    init(tokens: [Token], source: String, allowedContexts: Set<String>?, hostFunctions: [String: ClosedRange<Int>]) {
        self.tokens = tokens
        self.source = source
        self.allowedContexts = allowedContexts
        self.hostFunctions = hostFunctions
    }

    mutating func parse() throws(ExpressionError) -> ExpressionNode? {
        if atEnd { return nil }
        let node = try expression()
        if !atEnd { throw error("Unexpected symbol", peek) }
        return node
    }

    // MARK: Grammar

    private mutating func expression() throws(ExpressionError) -> ExpressionNode {
        try enter()
        defer { depth -= 1 }
        return try logicalOr()
    }

    private mutating func logicalOr() throws(ExpressionError) -> ExpressionNode {
        let first = try logicalAnd()
        guard check(.or) else { return first }
        try enter()
        defer { depth -= 1 }
        var items = [first]
        while match(.or) { items.append(try logicalAnd()) }
        return .or(items)
    }

    private mutating func logicalAnd() throws(ExpressionError) -> ExpressionNode {
        let first = try equality()
        guard check(.and) else { return first }
        try enter()
        defer { depth -= 1 }
        var items = [first]
        while match(.and) { items.append(try equality()) }
        return .and(items)
    }

    private mutating func equality() throws(ExpressionError) -> ExpressionNode {
        var node = try comparison()
        while true {
            if match(.equalEqual) { node = .comparison(.equal, node, try comparison()) }
            else if match(.bangEqual) { node = .comparison(.notEqual, node, try comparison()) }
            else { return node }
        }
    }

    private mutating func comparison() throws(ExpressionError) -> ExpressionNode {
        var node = try unary()
        while true {
            let op: ComparisonOperator
            if match(.greater) { op = .greater }
            else if match(.greaterEqual) { op = .greaterOrEqual }
            else if match(.less) { op = .less }
            else if match(.lessEqual) { op = .lessOrEqual }
            else { return node }
            node = .comparison(op, node, try unary())
        }
    }

    private mutating func unary() throws(ExpressionError) -> ExpressionNode {
        if match(.bang) {
            try enter()
            defer { depth -= 1 }
            return .not(try unary())
        }
        return try index()
    }

    private mutating func index() throws(ExpressionError) -> ExpressionNode {
        var (node, indexable) = try call()
        guard indexable else { return node }
        var added = 0
        defer { depth -= added }
        while true {
            if match(.leftBracket) {
                let key: ExpressionNode?
                if match(.star) { key = nil } else { key = try expression() }
                try consume(.rightBracket)
                try enter()
                added += 1
                node = key.map { .index(node, $0) } ?? .filter(node)
            } else if match(.dot) {
                try enter()
                added += 1
                if match(.identifier) {
                    node = .property(node, folded: previous.lexeme.lowercased())
                } else if match(.star) {
                    node = .filter(node)
                } else {
                    throw error("Unexpected symbol", peek)
                }
            } else {
                return node
            }
        }
    }

    /// Returns the node and whether it may be followed by `.x` / `[x]`.
    private mutating func call() throws(ExpressionError) -> (ExpressionNode, Bool) {
        guard check(.identifier) else { return try primary() }
        let identifier = next()
        let folded = identifier.lexeme.lowercased()
        guard match(.leftParen) else {
            if let allowed = allowedContexts, !allowed.contains(folded) {
                throw error("Unrecognized named-value", identifier)
            }
            return (.context(folded), true)
        }
        var args: [ExpressionNode] = []
        while !match(.rightParen) {
            args.append(try expression())
            if !check(.rightParen) { try consume(.comma) }
        }
        let function: ExpressionFunction
        let arity: ClosedRange<Int>
        if let (builtin, range) = ExpressionFunction.builtins[folded] {
            function = builtin
            arity = range
        } else if let range = hostFunctions[folded] {
            function = .host(folded)
            arity = range
        } else {
            throw error("Unrecognized function", identifier)
        }
        if args.count < arity.lowerBound { throw error("Too few parameters supplied", identifier) }
        if args.count > arity.upperBound { throw error("Too many parameters supplied", identifier) }
        if case .case = function, args.count % 2 == 0 {
            throw error("Even number of parameters supplied, requires an odd number of parameters", identifier)
        }
        return (Self.folded(function, args), true)
    }

    private mutating func primary() throws(ExpressionError) -> (ExpressionNode, Bool) {
        if match(.false) { return (.literal(.bool(false)), false) }
        if match(.true) { return (.literal(.bool(true)), false) }
        if match(.null) { return (.literal(.null), false) }
        if match(.number) { return (.literal(.number(previous.numberValue)), false) }
        if match(.string) { return (.literal(.string(previous.stringValue)), false) }
        if match(.leftParen) {
            let inner = try expression()
            if atEnd { throw error("Unexpected end of expression", previous) }
            try consume(.rightParen)
            return (inner, true)
        }
        if atEnd { throw error("Unexpected end of expression", previous) }
        throw error("Unexpected symbol", peek)
    }

    /// A built-in call whose arguments are all literals is evaluated once, here (built-ins
    /// are pure). A call that would fail is left for evaluation, so its error surfaces there.
    static func folded(_ function: ExpressionFunction, _ args: [ExpressionNode]) -> ExpressionNode {
        var values: [ExpressionValue] = []
        for arg in args {
            guard case .literal(let v) = arg else { return .call(function, args) }
            values.append(v)
        }
        if case .host = function { return .call(function, args) }
        guard let result = try? BuiltinFunctions.call(function, values) else { return .call(function, args) }
        if case .string(let s) = result, s.utf8.count * 2 > Evaluator.maxMemory { return .call(function, args) }
        return .literal(result)
    }

    // MARK: Token helpers

    private var peek: Token { tokens[position] }
    private var previous: Token { tokens[max(position - 1, 0)] }
    private var atEnd: Bool { peek.kind == .eof }

    private func check(_ kind: Token.Kind) -> Bool { !atEnd && peek.kind == kind }

    private mutating func match(_ kind: Token.Kind) -> Bool {
        guard check(kind) else { return false }
        position += 1
        return true
    }

    @discardableResult
    private mutating func next() -> Token {
        if !atEnd { position += 1 }
        return previous
    }

    private mutating func consume(_ kind: Token.Kind) throws(ExpressionError) {
        guard match(kind) else { throw error("Unexpected symbol", peek) }
    }

    private mutating func enter() throws(ExpressionError) {
        depth += 1
        if depth > ExpressionLimits.maxDepth {
            throw error("Exceeded max expression depth \(ExpressionLimits.maxDepth)", peek)
        }
    }

    private func error(_ description: String, _ token: Token) -> ExpressionError {
        ExpressionError(.parsing,
                        "\(description): '\(token.display)'. Located at position \(token.offset + 1) within expression: \(source)",
                        position: token.offset + 1)
    }
}

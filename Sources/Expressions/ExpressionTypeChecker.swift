/// A problem the type checker found in an expression.
public struct ExpressionTypeProblem: Sendable, Equatable {
    /// Where, as a 0-based UTF-16 offset into the expression's text.
    public let offset: Int
    public let message: String
    /// Whether it is a property the object does not define (reported elsewhere for the
    /// contexts the workflow defines).
    public let isUndefinedProperty: Bool
}

/// What type-checking an expression found.
public struct ExpressionTyping: Sendable {
    /// The type of its value.
    public let type: ExpressionType
    public let problems: [ExpressionTypeProblem]
    /// Whether it reads no context and calls only functions whose result depends on their
    /// arguments alone (an `if:` with such an expression is always true or always false).
    public let isConstant: Bool
}

extension Expression {
    /// Type-checks `source` (actionlint's semantics): comparisons of values that cannot be
    /// compared, function arguments of the wrong type, `format` placeholders without
    /// arguments, properties objects do not have. `contexts` gives each context's type
    /// (missing ones are `any`). nil when `source` does not parse (its syntax error is
    /// reported by the parser).
    public static func typeCheck(_ source: String, contexts: [String: ExpressionType]) -> ExpressionTyping? {
        // The parser validates the syntax and bounds the nesting, so the checker below,
        // which follows the same grammar on the same tokens, meets only expressions that parse.
        var lexer = Lexer(source)
        guard let tokens = try? lexer.tokenize() else { return nil }
        var parser = Parser(tokens: tokens, source: source, allowedContexts: nil, hostFunctions: HostFunctions.runner.arities)
        do { _ = try parser.parse() } catch { return nil }
        var checker = TypeChecker(tokens: tokens, contexts: contexts)
        guard !checker.atEnd else { return ExpressionTyping(type: .null, problems: [], isConstant: true) }
        let result = checker.or()
        var seen = Set<String>()
        let problems = checker.problems.filter { seen.insert("\($0.offset) \($0.message)").inserted }
        return ExpressionTyping(type: result.type, problems: problems, isConstant: result.constant)
    }
}

/// actionlint's expression semantics on the tokens of an expression that parses: each rule
/// computes the type of what it read, where it starts, and its type when known to be truthy
/// or falsy (`a && b || c` is `b`'s type or `c`'s).
struct TypeChecker {
    struct Typed {
        var type: ExpressionType
        var offset: Int
        var truthy: ExpressionType
        var falsy: ExpressionType
        var constant: Bool
        var literal: ExpressionValue?
        /// The context's name, for a bare context (`vars`).
        var context: String?

        init(_ type: ExpressionType, at offset: Int, constant: Bool, literal: ExpressionValue? = nil) {
            (self.type, self.offset, self.truthy, self.falsy, self.constant, self.literal) = (type, offset, type, type, constant, literal)
        }
    }

    private let tokens: [Token]
    private let contexts: [String: ExpressionType]
    private var position = 0
    private(set) var problems: [ExpressionTypeProblem] = []

    init(tokens: [Token], contexts: [String: ExpressionType]) {
        self.tokens = tokens
        self.contexts = contexts
    }

    var atEnd: Bool { tokens[position].kind == .eof }

    private mutating func match(_ kind: Token.Kind) -> Bool {
        guard !atEnd, tokens[position].kind == kind else { return false }
        position += 1
        return true
    }

    private var previous: Token { tokens[position - 1] }

    private mutating func problem(_ offset: Int, _ message: String, undefined: Bool = false) {
        problems.append(ExpressionTypeProblem(offset: offset, message: message, isUndefinedProperty: undefined))
    }

    // MARK: Operators

    mutating func or() -> Typed { logical(.or) }

    /// `a || b` (its type: `a`'s when truthy, or `b`'s) and `a && b` (`a`'s when falsy, or
    /// `b`'s), left to right.
    private mutating func logical(_ op: Token.Kind) -> Typed {
        var left = op == .or ? logical(.and) : equality()
        while match(op) {
            let right = op == .or ? logical(.and) : equality()
            var node = Typed((op == .or ? left.truthy : left.falsy).merged(with: right.type), at: left.offset, constant: left.constant && right.constant)
            if op == .or { node.falsy = right.type } else { node.truthy = right.type }
            left = node
        }
        return left
    }

    private mutating func equality() -> Typed {
        var left = comparison()
        while true {
            let op: String
            if match(.equalEqual) { op = "==" } else if match(.bangEqual) { op = "!=" } else { return left }
            left = compared(left, op, comparison())
        }
    }

    private mutating func comparison() -> Typed {
        var left = unary()
        while true {
            let op: String
            if match(.less) { op = "<" } else if match(.lessEqual) { op = "<=" }
            else if match(.greater) { op = ">" } else if match(.greaterEqual) { op = ">=" } else { return left }
            left = compared(left, op, unary())
        }
    }

    private mutating func compared(_ left: Typed, _ op: String, _ right: Typed) -> Typed {
        if !Self.comparable(left.type, right.type, ordering: op != "==" && op != "!=") {
            problem(left.offset, "\"\(left.type)\" value cannot be compared to \"\(right.type)\" value with \"\(op)\" operator")
        }
        return Typed(.bool, at: left.offset, constant: left.constant && right.constant)
    }

    /// GitHub coerces compared values; these comparisons are always false (an object or
    /// array against a primitive) or meaningless (ordering booleans, null, objects).
    static func comparable(_ l: ExpressionType, _ r: ExpressionType, ordering: Bool) -> Bool {
        if ordering {
            switch l {
            case .any, .number, .string:
                switch r {
                case .null, .bool, .object, .array: return false
                default: return true
                }
            default: return false
            }
        }
        switch l {
        case .any, .null: return true
        case .number, .bool, .string: return !r.isComposite
        case .object:
            switch r {
            case .object, .null, .any: return true
            default: return false
            }
        case .array(let le, _):
            switch r {
            case .array(let re, _): return comparable(le, re, ordering: false)
            case .null, .any: return true
            default: return false
            }
        }
    }

    private mutating func unary() -> Typed {
        if match(.bang) {
            let offset = previous.offset
            let operand = unary()
            var node = Typed(.bool, at: offset, constant: operand.constant)
            node.truthy = operand.falsy
            node.falsy = operand.truthy
            return node
        }
        return postfix()
    }

    // MARK: Access

    private mutating func postfix() -> Typed {
        var (node, indexable) = primary()
        guard indexable else { return node }
        while true {
            if match(.leftBracket) {
                if match(.star) {
                    node = filtered(node)
                } else {
                    let key = or()
                    node = indexed(node, key)
                }
                _ = match(.rightBracket)
            } else if match(.dot) {
                if match(.identifier) {
                    node = property(node, previous.lexeme.lowercased())
                } else if match(.star) {
                    node = filtered(node)
                }
            } else {
                return node
            }
        }
    }

    private mutating func property(_ receiver: Typed, _ name: String) -> Typed {
        if receiver.context == "vars" { checkVariableName(name, at: receiver.offset) }
        return Typed(propertyType(of: receiver.type, name, at: receiver.offset), at: receiver.offset, constant: false)
    }

    /// A configuration variable's name as GitHub allows it (actionlint's check).
    private mutating func checkVariableName(_ name: String, at offset: Int) {
        if name.hasPrefix("github_") {
            problem(offset, "configuration variable name \"\(name)\" must not start with the GITHUB_ prefix (case insensitive)")
        } else if !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
            problem(offset, "configuration variable name \"\(name)\" can only contain letters, digits and '_'")
        }
    }

    private mutating func propertyType(of type: ExpressionType, _ name: String, at offset: Int) -> ExpressionType {
        switch type {
        case .any: return .any
        case .object(let properties, let mapped):
            if let found = properties[name] { return found }
            if let mapped { return mapped }
            problem(offset, "property \"\(name)\" is not defined in object type \(type)", undefined: true)
            return .any
        case .array(let element, let filtered):
            guard filtered else {
                problem(offset, "receiver of object dereference \"\(name)\" must be type of object but got \"\(type)\"")
                return .any
            }
            switch element {
            case .any: return type
            case .object(let properties, let mapped):
                if let found = properties[name] { return .array(found, filtered: true) }
                if let mapped { return .array(mapped, filtered: true) }
                problem(offset, "property \"\(name)\" is not defined in object type \(element) as element of filtered array", undefined: true)
                return .array(.any, filtered: true)
            default:
                problem(offset, "property filtered by \"\(name)\" at object filtering must be type of object but got \"\(element)\"")
                return .any
            }
        default:
            problem(offset, "receiver of object dereference \"\(name)\" must be type of object but got \"\(type)\"")
            return .any
        }
    }

    private mutating func filtered(_ receiver: Typed) -> Typed {
        let type: ExpressionType
        switch receiver.type {
        case .any: type = .array(.any, filtered: true)
        case .array(let element, _): type = .array(element, filtered: true)
        case .object(let properties, let mapped):
            if let mapped {
                switch mapped {
                case .any: type = .array(.any, filtered: true)
                case .object: type = .array(mapped, filtered: true)
                default:
                    problem(receiver.offset, "elements of object at receiver of object filtering `.*` must be type of object but got \"\(mapped)\". the type of receiver was \"\(receiver.type)\"")
                    type = .any
                }
            } else if properties.values.contains(where: { if case .object = $0 { return true } else { return false } }) {
                type = .array(.any, filtered: true)
            } else {
                problem(receiver.offset, "object type \"\(receiver.type)\" cannot be filtered by object filtering `.*` since it has no object element")
                type = .any
            }
        default:
            problem(receiver.offset, "receiver of object filtering `.*` must be type of array or object but got \"\(receiver.type)\"")
            type = .any
        }
        return Typed(type, at: receiver.offset, constant: false)
    }

    private mutating func indexed(_ receiver: Typed, _ key: Typed) -> Typed {
        var type = ExpressionType.any
        switch receiver.type {
        case .any: break
        case .array(let element, _):
            switch key.type {
            case .any, .number: type = element
            default: problem(key.offset, "index access of array must be type of number but got \"\(key.type)\"")
            }
        case .object(_, let mapped):
            switch key.type {
            case .any: break
            case .string:
                if case .string(let name)? = key.literal {
                    type = propertyType(of: receiver.type, name.lowercased(), at: receiver.offset)
                } else {
                    type = mapped ?? .any
                }
            default: problem(key.offset, "property access of object must be type of string but got \"\(key.type)\"")
            }
        default:
            problem(receiver.offset, "index access operand must be type of object or array but got \"\(receiver.type)\"")
        }
        return Typed(type, at: receiver.offset, constant: false)
    }

    // MARK: Primaries and calls

    private mutating func primary() -> (Typed, Bool) {
        let token = tokens[position]
        position += 1
        switch token.kind {
        case .null: return (Typed(.null, at: token.offset, constant: true, literal: .null), false)
        case .true: return (Typed(.bool, at: token.offset, constant: true, literal: .bool(true)), false)
        case .false: return (Typed(.bool, at: token.offset, constant: true, literal: .bool(false)), false)
        case .number: return (Typed(.number, at: token.offset, constant: true, literal: .number(token.numberValue)), false)
        case .string: return (Typed(.string, at: token.offset, constant: true, literal: .string(token.stringValue)), false)
        case .leftParen:
            var inner = or()
            _ = match(.rightParen)
            inner.literal = nil
            return (inner, true)
        case .identifier:
            let name = token.lexeme.lowercased()
            guard match(.leftParen) else {
                var context = Typed(contexts[name] ?? .any, at: token.offset, constant: false)
                context.context = name
                return (context, true)
            }
            var args: [Typed] = []
            while !match(.rightParen) {
                if atEnd { break }
                args.append(or())
                _ = match(.comma)
            }
            return (call(name, token.lexeme, args, at: token.offset), true)
        default:
            return (Typed(.any, at: token.offset, constant: false), false)
        }
    }

    /// A function's parameters and result (actionlint's signatures; `format` also takes no
    /// argument after its text and `join` also joins a string, as GitHub documents).
    struct Signature {
        let name: String
        let parameters: [ExpressionType]
        let variadic: Bool
        let result: ExpressionType
        var text: String {
            "\(name)(" + parameters.map(\.description).joined(separator: ", ") + (variadic ? "..." : "") + ") -> \(result)"
        }
    }

    static let signatures: [String: [Signature]] = [
        "contains": [.init(name: "contains", parameters: [.string, .string], variadic: false, result: .bool),
                     .init(name: "contains", parameters: [.array(.any), .any], variadic: false, result: .bool)],
        "startswith": [.init(name: "startsWith", parameters: [.string, .string], variadic: false, result: .bool)],
        "endswith": [.init(name: "endsWith", parameters: [.string, .string], variadic: false, result: .bool)],
        "format": [.init(name: "format", parameters: [.string, .any], variadic: true, result: .string)],
        "join": [.init(name: "join", parameters: [.array(.string), .string], variadic: false, result: .string),
                 .init(name: "join", parameters: [.array(.string)], variadic: false, result: .string),
                 .init(name: "join", parameters: [.string, .string], variadic: false, result: .string),
                 .init(name: "join", parameters: [.string], variadic: false, result: .string)],
        "tojson": [.init(name: "toJSON", parameters: [.any], variadic: false, result: .string)],
        "fromjson": [.init(name: "fromJSON", parameters: [.string], variadic: false, result: .any)],
        "hashfiles": [.init(name: "hashFiles", parameters: [.string], variadic: true, result: .string)],
        "success": [.init(name: "success", parameters: [], variadic: false, result: .bool)],
        "failure": [.init(name: "failure", parameters: [], variadic: false, result: .bool)],
        "cancelled": [.init(name: "cancelled", parameters: [], variadic: false, result: .bool)],
        "always": [.init(name: "always", parameters: [], variadic: false, result: .bool)],
        "case": [.init(name: "case", parameters: [.bool, .any, .any], variadic: true, result: .any)],
    ]

    /// Functions whose result depends on their arguments alone.
    static let pure: Set<String> = ["contains", "startswith", "endswith", "format", "join", "tojson", "case"]

    private mutating func call(_ name: String, _ spelled: String, _ args: [Typed], at offset: Int) -> Typed {
        let constant = Self.pure.contains(name) && args.allSatisfy(\.constant)
        guard let signatures = Self.signatures[name] else { return Typed(.any, at: offset, constant: false) }
        var failures: [(Int, String)] = []
        for signature in signatures {
            if let failure = Self.mismatch(signature, args, at: offset) {
                failures.append(failure)
                continue
            }
            return Typed(special(name, signature, args, at: offset), at: offset, constant: constant)
        }
        // GitHub's arity is the parser's to check; a call it accepted fails here on its
        // arguments' types only (format with its text alone, for one, is valid).
        let typeFailures = failures.filter { !$0.1.hasPrefix("number of arguments") }
        for (at, message) in typeFailures { problem(at, message) }
        return Typed(.any, at: offset, constant: constant)
    }

    static func mismatch(_ signature: Signature, _ args: [Typed], at offset: Int) -> (Int, String)? {
        let parameters = signature.parameters
        let required = signature.variadic && signature.name == "format" ? 1 : parameters.count
        if signature.variadic ? args.count < required : args.count != parameters.count {
            return (offset, "number of arguments is wrong. function \"\(signature.text)\" takes \(signature.variadic ? "at least " : "")\(parameters.count) parameters but \(args.count) arguments are given")
        }
        for (i, arg) in args.enumerated() {
            let parameter = i < parameters.count ? parameters[i] : parameters[parameters.count - 1]
            if !parameter.accepts(arg.type) {
                return (arg.offset, "\(ordinal(i + 1)) argument of function call is not assignable. \"\(arg.type)\" cannot be assigned to \"\(parameter)\". called function type is \"\(signature.text)\"")
            }
        }
        return nil
    }

    /// What a call's literal arguments tell: `format`'s placeholders, `fromJSON`'s type (or
    /// that it cannot succeed).
    private mutating func special(_ name: String, _ signature: Signature, _ args: [Typed], at offset: Int) -> ExpressionType {
        switch name {
        case "format":
            guard case .string(let text)? = args.first?.literal else { break }
            let given = args.count - 1
            var placeholders = Self.placeholders(in: text)
            for i in 0..<given {
                if placeholders.remove(i) == nil {
                    problem(offset, "format string \"\(text)\" does not contain placeholder {\(i)}. remove argument which is unused in the format string")
                }
            }
            for i in placeholders.sorted() {
                problem(offset, "format string \"\(text)\" contains placeholder {\(i)} but only \(given) arguments are given to format")
            }
        case "fromjson":
            guard case .string(let text)? = args.first?.literal else { break }
            if let value = try? JSON.parse(text) { return .of(value) }
            problem(args[0].offset, "fromJSON('\(text)') cannot succeed: the literal is not JSON")
        default: break
        }
        return signature.result
    }

    /// The `{N}` placeholders of a format string (`{{` and `}}` are literal braces), as
    /// actionlint reads them.
    static func placeholders(in text: String) -> Set<Int> {
        var found = Set<Int>()
        let none = -1
        var start = none, end = none
        let bytes = Array(text.utf8)
        func number(_ from: Int, _ to: Int) -> Int { Int(String(decoding: bytes[from..<to], as: UTF8.self)) ?? 0 }
        var i = 0
        while i < bytes.count {
            let r = bytes[i]
            defer { i += 1 }
            if start == none {
                if r == 0x7B { start = i + 1 }
                continue
            }
            if end == none {
                if r == 0x7B, i == start {
                    start = none
                } else if r == 0x7D {
                    if i == start { start = none } else { end = i }
                } else if !(0x30...0x39).contains(r) {
                    start = r == 0x7B ? i + 1 : none
                }
                continue
            }
            if r == 0x7D { continue }
            if (i - end) % 2 == 1 { found.insert(number(start, end)) }
            start = r == 0x7B ? i + 1 : none
            end = none
        }
        if start > none, end > none, (bytes.count - end) % 2 == 1 { found.insert(number(start, end)) }
        return found
    }

    static func ordinal(_ n: Int) -> String {
        let suffix: String
        switch n % 10 {
        case 1 where n % 100 != 11: suffix = "st"
        case 2 where n % 100 != 12: suffix = "nd"
        case 3 where n % 100 != 13: suffix = "rd"
        default: suffix = "th"
        }
        return "\(n)\(suffix)"
    }
}

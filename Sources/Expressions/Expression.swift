/// A parsed GitHub Actions expression (the text inside `${{ }}`, or a bare `if:`).
///
/// ```swift
/// let e = try Expression("github.ref == 'refs/heads/main' && success()",
///                        functions: .statusFunctions)
/// let v = try e.evaluate(in: context)
/// ```
public struct Expression: Sendable {
    /// The expression text as written.
    public let source: String
    let root: ExpressionNode?

    /// Parses `source`.
    /// - Parameters:
    ///   - allowedContexts: the named contexts the expression may read (case-insensitive);
    ///     `nil` allows any name. An unknown name is a parsing error, as on GitHub.
    ///   - functions: the host functions callable beside GitHub's built-ins.
    public init(_ source: String, allowedContexts: Set<String>? = nil, functions: HostFunctions = .none) throws(ExpressionError) {
        var lexer = Lexer(source)
        let tokens = try lexer.tokenize()
        var parser = Parser(tokens: tokens, source: source,
                            allowedContexts: allowedContexts.map(Self.folded),
                            hostFunctions: functions.arities)
        self.source = source
        self.root = try parser.parse()
    }

    /// Context names folded to lower case (as they are, when they already are).
    private static func folded(_ names: Set<String>) -> Set<String> {
        let hasUpper = names.contains { $0.utf8.contains { $0 >= 0x41 && $0 <= 0x5A } }
        return hasUpper ? Set(names.map { $0.lowercased() }) : names
    }

    /// Evaluates the expression; an empty expression is `null`.
    public func evaluate(in context: EvaluationContext) throws(ExpressionError) -> ExpressionValue {
        guard let root else { return .null }
        var evaluator = Evaluator(context: context)
        return try evaluator.evaluate(root)
    }

    /// Whether the expression calls `success()`, `failure()`, `cancelled()` or `always()`;
    /// an `if:` that does not is implicitly `success() && (…)`.
    public var callsStatusFunction: Bool {
        root?.calls(anyOf: ["success", "failure", "cancelled", "always"]) ?? false
    }

    /// The property paths the expression reads, lower-cased and dotted
    /// (`github.event.issue.title`; `*` for filters and computed indexes), longest chains only.
    public var accessedPaths: [String] {
        var paths: [String] = []
        root?.accessedPaths(into: &paths)
        return paths
    }

    /// The names of the contexts the expression reads, lower-cased.
    public var contextNames: Set<String> {
        var names = Set<String>()
        root?.contextNames(into: &names)
        return names
    }
}

/// The host functions an expression may call, by lower-cased name with their arity.
public struct HostFunctions: Sendable {
    let arities: [String: ClosedRange<Int>]

    /// Creates a set of host function signatures.
    public init(_ arities: [String: ClosedRange<Int>]) {
        self.arities = Dictionary(uniqueKeysWithValues: arities.map { ($0.key.lowercased(), $0.value) })
    }

    /// No host functions: GitHub's built-ins only.
    public static let none = HostFunctions([:])
    /// `success()`, `failure()`, `cancelled()`, `always()`.
    public static let statusFunctions = HostFunctions(["success": 0...0, "failure": 0...0, "cancelled": 0...0, "always": 0...0])
    /// The status functions and `hashFiles(…)`: everything a step may call.
    public static let runner = HostFunctions(["success": 0...0, "failure": 0...0, "cancelled": 0...0, "always": 0...0,
                                              "hashfiles": 1...255])

    /// The union of two sets.
    public func merging(_ other: HostFunctions) -> HostFunctions {
        HostFunctions(arities.merging(other.arities) { a, _ in a })
    }
}

/// What an expression is evaluated against: the named contexts and the host functions'
/// implementations.
public struct EvaluationContext: Sendable {
    /// A host function implementation.
    public typealias Function = @Sendable ([ExpressionValue]) throws(ExpressionError) -> ExpressionValue

    /// The named contexts (`github`, `env`, `matrix`, …).
    public var contexts: ExpressionObject
    /// Host functions by lower-cased name.
    public var functions: [String: Function]

    /// Creates an evaluation context.
    public init(contexts: ExpressionObject, functions: [String: Function] = [:]) {
        self.contexts = contexts
        self.functions = Dictionary(uniqueKeysWithValues: functions.map { ($0.key.lowercased(), $0.value) })
    }
}

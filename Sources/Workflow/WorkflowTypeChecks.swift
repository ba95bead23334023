import Expressions
import YAMLSource

/// actionlint's expression types on a workflow: each `${{ }}` is type-checked against the
/// contexts the workflow defines (comparisons that cannot hold, arguments of the wrong type,
/// `format` placeholders, properties objects lack); a `${{ }}` embedded in text must not be
/// an object, array or null; and the keys that take a typed value (`timeout-minutes`,
/// `continue-on-error`, `runs-on`, `services`, `credentials`, …) get one.
extension WorkflowDefinitions {
    /// What a key whose value is one `${{ }}` requires.
    enum Expected {
        case bool
        case number(String)
        case object(String)
        case array(String)
        case labels

        func problem(with type: ExpressionType) -> String? {
            switch (self, type) {
            case (_, .any), (.bool, .bool), (.number, .number), (.object, .object), (.array, .array), (.labels, .string), (.labels, .array):
                return nil
            case (.bool, _): return "type of expression must be bool but found type \(type)"
            case (.number(let key), _): return "type of expression at \"\(key)\" must be number but found type \(type)"
            case (.object(let key), _): return "type of expression at \"\(key)\" must be object but found type \(type)"
            case (.array(let key), _): return "type of expression at \"\(key)\" must be array but found type \(type)"
            case (.labels, _): return "type of expression at \"runs-on\" must be string or array but found type \"\(type)\""
            }
        }
    }

    /// A node's place in the source, to know the typed values the text checks skip.
    struct Place: Hashable {
        let line: Int, column: Int
        init(_ node: YAMLNode) { (line, column) = (node.location.line, node.location.column) }
    }

    /// The workflow-level typed keys.
    static func typedWorkflowKeys(_ root: YAMLNode) -> [(YAMLNode?, Expected)] {
        var keys: [(YAMLNode?, Expected)] = [(root["env"], .object("env")), (root["concurrency"]?["cancel-in-progress"], .bool)]
        for (_, input) in root["on"]?["workflow_call"]?["inputs"]?.entries ?? [] {
            keys.append((input["required"], .bool))
            switch input["type"]?.scalar {
            case "boolean": keys.append((input["default"], .bool))
            case "number": keys.append((input["default"], .number("default")))
            default: break
            }
        }
        return keys
    }

    /// A job's typed keys.
    static func typedJobKeys(_ job: YAMLNode) -> [(YAMLNode?, Expected)] {
        var keys: [(YAMLNode?, Expected)] = [
            (job["runs-on"], .labels), (job["timeout-minutes"], .number("timeout-minutes")), (job["continue-on-error"], .bool),
            (job["env"], .object("env")), (job["services"], .object("services")), (job["container"]?["credentials"], .object("credentials")),
            (job["concurrency"]?["cancel-in-progress"], .bool),
        ]
        for (_, service) in job["services"]?.entries ?? [] { keys.append((service["credentials"], .object("credentials"))) }
        if let strategy = job["strategy"] {
            keys += [(strategy["fail-fast"], .bool), (strategy["max-parallel"], .number("max-parallel")), (strategy["matrix"], .object("matrix"))]
            for (name, value) in strategy["matrix"]?.entries ?? [] {
                keys.append((value, .array(name == "include" || name == "exclude" ? name : "matrix row")))
                for item in value.items ?? [] where name == "include" || name == "exclude" { keys.append((item, .object(name))) }
            }
        }
        return keys
    }

    /// A step's typed keys.
    static func typedStepKeys(_ step: YAMLNode) -> [(YAMLNode?, Expected)] {
        [(step["timeout-minutes"], .number("timeout-minutes")), (step["continue-on-error"], .bool), (step["env"], .object("env"))]
    }

    /// Checks the typed keys whose value is one `${{ }}`, and marks them as checked.
    static func checkTyped(_ keys: [(YAMLNode?, Expected)], scope: Scope, lines: SourceLines, typed: inout Set<Place>, into out: inout [Diagnostic]) {
        for case (let node?, let expected) in keys {
            guard let text = node.scalar, let inner = singleExpression(text) else { continue }
            typed.insert(Place(node))
            // The expression's own problems are the text walk's to report (`checkExpression`).
            guard let typing = Expression.typeCheck(inner, contexts: scope.types) else { continue }
            if let problem = expected.problem(with: typing.type) {
                out.append(Diagnostic(node.location, problem, rule: "expression"))
            }
        }
    }

    /// The inside of a value that is exactly one `${{ }}`.
    static func singleExpression(_ text: String) -> String? {
        var trimmed = Substring(text)
        while trimmed.last?.isWhitespace == true { trimmed = trimmed.dropLast() }
        guard trimmed.hasPrefix("${{"), trimmed.hasSuffix("}}") else { return nil }
        let inner = trimmed.dropFirst(3).dropLast(2)
        return inner.has("${{") || inner.has("}}") ? nil : String(inner)
    }

    /// An object, array or null where text shows it.
    static func checkShown(_ inner: String, _ type: ExpressionType, node: YAMLNode, lines: SourceLines, into out: inout [Diagnostic]) {
        if inner.trimmedSpaces(newlines: true).isEmpty {
            out.append(Diagnostic(location(of: "${{", in: "${{" + inner + "}}", node: node, lines: lines),
                                  "${{ }} holds no expression: it shows nothing; write the expression or remove the ${{ }}", rule: "expression"))
            return
        }
        switch type {
        case .object, .array, .null:
            let trimmed = inner.trimmedSpaces()
            out.append(Diagnostic(location(of: "${{", in: "${{" + inner + "}}", node: node, lines: lines),
                                  "object, array, and null values should not be evaluated in template with ${{ }} but evaluating the value of type \(type): "
                                  + "in text it prints as \"Object\" or nothing; use toJSON(\(trimmed)) or one of its properties", rule: "expression"))
        default: break
        }
    }

    /// Type-checks one expression and reports its problems; an undefined property of a
    /// context the workflow defines is reported by `check(expression:)`, which says why
    /// (only then is the expression read again). The typing, and whether it reported.
    @discardableResult
    static func checkExpression(_ text: String, node: YAMLNode, scope: Scope, lines: SourceLines,
                                into out: inout [Diagnostic]) -> (ExpressionTyping?, Bool) {
        guard let typing = Expression.typeCheck(text, contexts: scope.types) else { return (nil, false) }
        let elsewhere = typing.problems.filter { $0.isUndefinedProperty && definedElsewhere.contains(context(of: $0, in: text)) }
        var reported = report(typing.problems.filter { !elsewhere.contains($0) }, in: text, node: node, lines: lines, into: &out)
        if !elsewhere.isEmpty {
            // What the definition check does not explain (`steps.X.name` without `outputs`)
            // is reported as the type checker found it.
            let explained = check(expression: text, node: node, scope: scope, lines: lines, into: &out)
            reported = (explained || report(elsewhere, in: text, node: node, lines: lines, into: &out)) || reported
        }
        return (typing, reported)
    }

    /// The context a property chain starts from (the chain starts at the problem).
    static func context(of problem: ExpressionTypeProblem, in expression: String) -> String {
        let start = String.Index(utf16Offset: min(problem.offset, expression.utf16.count), in: expression)
        return expression[start...].prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }.lowercased()
    }

    /// Contexts whose undefined properties the definition checks report, with the reason
    /// (`WorkflowDefinitions.check(expression:)`).
    static let definedElsewhere: Set<String> = ["matrix", "steps", "needs", "inputs"]

    /// Reports the problems (true when it reported one).
    @discardableResult
    static func report(_ problems: [ExpressionTypeProblem], in expression: String, node: YAMLNode, lines: SourceLines, into out: inout [Diagnostic]) -> Bool {
        let before = out.count
        for problem in problems {
            out.append(Diagnostic(location(at: problem.offset, in: expression, node: node, lines: lines), problem.message, rule: "expression"))
        }
        return out.count > before
    }
}

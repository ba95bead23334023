import Expressions

/// A workflow value that may contain `${{ }}` anywhere inside it (a matrix, `with:`, a
/// number field), kept unevaluated until its contexts exist.
public indirect enum DynamicValue: Sendable {
    /// A value with no expressions.
    case literal(ExpressionValue)
    /// A scalar with expressions.
    case template(Template)
    case array([DynamicValue])
    case object([(String, DynamicValue)])

    /// Evaluates every expression in the value.
    public func evaluate(in context: EvaluationContext) throws(ExpressionError) -> ExpressionValue {
        switch self {
        case .literal(let v): return v
        case .template(let t): return try t.evaluate(in: context)
        case .array(let items):
            // As GitHub's template engine: an item written as an expression that yields an
            // array is spliced into the sequence.
            var out: [ExpressionValue] = []
            for item in items {
                let value = try item.evaluate(in: context)
                if case .template = item, case .array(let spliced) = value {
                    out.append(contentsOf: spliced.items)
                } else {
                    out.append(value)
                }
            }
            return .array(ExpressionArray(out))
        case .object(let pairs):
            // Keys may be expressions, and `${{ insert }}` merges a mapping (TemplateKey).
            var out: [(String, ExpressionValue)] = []
            for (k, v) in pairs {
                let value = try v.evaluate(in: context)
                out.append(contentsOf: try TemplateKey(k).pairs(value: value, in: context))
            }
            return .object(ExpressionObject(out))
        }
    }

    /// The literal value, when the value has no expressions at all.
    public var literalValue: ExpressionValue? {
        switch self {
        case .literal(let v): return v
        case .template: return nil
        case .array(let items):
            var out: [ExpressionValue] = []
            for item in items {
                guard let v = item.literalValue else { return nil }
                out.append(v)
            }
            return .array(ExpressionArray(out))
        case .object(let pairs):
            var out: [(String, ExpressionValue)] = []
            for (k, v) in pairs {
                guard !k.has("${{"), let lv = v.literalValue else { return nil }
                out.append((k, lv))
            }
            return .object(ExpressionObject(out))
        }
    }
}

/// A string-valued field that may hold expressions, with its position.
public struct TemplateString: Sendable {
    /// The text as written.
    public let source: String
    /// The parsed template.
    public let template: Template
    /// Where it was written.
    public let location: SourceLocation

    /// Evaluates to a string.
    public func evaluate(in context: EvaluationContext) throws(ExpressionError) -> String {
        try template.evaluateString(in: context)
    }
}

/// An `if:` condition, with GitHub's rule that a condition calling no status function is
/// `success() && (…)`.
public struct Condition: Sendable {
    /// The text as written.
    public let source: String
    /// The expression (the inner text when written as `${{ … }}`).
    public let template: Template
    /// Where it was written.
    public let location: SourceLocation

    /// Whether a status function appears; when none does, `success()` is implied.
    public var callsStatusFunction: Bool {
        template.parts.contains { part in
            if case .expression(let e) = part { return e.callsStatusFunction }
            return false
        }
    }

    /// `always()`: the default `pre-if` and `post-if` of a JavaScript action.
    public static func always(at location: SourceLocation) -> Condition {
        Condition(source: "always()", template: try! Template("${{ always() }}", functions: ContextScope.actionStepIf.functions), location: location)
    }
}

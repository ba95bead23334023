import Foundation
import Expressions

/// How GitHub's template engine reads a mapping key: a key holding `${{ }}` is evaluated
/// to the key's name, and the key `${{ insert }}` merges the mapping its value evaluates
/// to into the mapping around it (workflows use it to add a computed matrix or inputs).
public enum TemplateKey: Sendable {
    /// A key written as it is.
    case name(String)
    /// A key whose name is an expression's result.
    case expression(Template)
    /// `${{ insert }}`.
    case insert

    /// The kind of `key` as written. An expression key that does not parse is read as a
    /// name; the decoder reports it where it was written.
    public init(_ key: String) {
        guard key.has("${{") else {
            self = .name(key)
            return
        }
        if Self.isInsertDirective(key) {
            self = .insert
        } else if let template = try? Template(key, functions: ContextScope.jobEnv.functions) {
            self = .expression(template)
        } else {
            self = .name(key)
        }
    }

    /// Whether `key` is `${{ insert }}` (spaces inside the braces are free).
    public static func isInsertDirective(_ key: String) -> Bool {
        let trimmed = key.trimmedSpaces()
        guard trimmed.hasPrefix("${{"), trimmed.hasSuffix("}}") else { return false }
        return trimmed.dropFirst(3).dropLast(2).trimmedSpaces() == "insert"
    }

    /// The pairs `key: value` stands for: one pair for a name or an expression key (the
    /// expression's result as a string), every member of the object `value` is for
    /// `${{ insert }}`.
    public func pairs(value: ExpressionValue, in context: EvaluationContext) throws(ExpressionError) -> [(String, ExpressionValue)] {
        switch self {
        case .name(let name):
            return [(name, value)]
        case .expression(let template):
            let name = try template.evaluateString(in: context)
            guard !name.isEmpty else { throw ExpressionError(.evaluation, "a mapping key's expression evaluated to an empty string") }
            return [(name, value)]
        case .insert:
            guard case .object(let object) = value else {
                throw ExpressionError(.evaluation, "'${{ insert }}' needs a mapping to insert, not \(value.kindName)")
            }
            return object.pairs.map { ($0.key, $0.value) }
        }
    }
}

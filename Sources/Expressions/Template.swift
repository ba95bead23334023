/// A string that may embed `${{ expression }}` parts, as workflow values do.
public struct Template: Sendable {
    /// A literal run of text or an embedded expression.
    public enum Part: Sendable {
        case text(String)
        case expression(Expression)
    }

    /// The parts in order.
    public let parts: [Part]

    /// Whether the template has any `${{ }}`.
    public var hasExpressions: Bool {
        parts.contains { if case .expression = $0 { true } else { false } }
    }

    /// Splits `text` into literal and expression parts. A `}}` inside a quoted string in
    /// the expression does not end it. An unclosed `${{` is a parsing error.
    public init(_ text: String, allowedContexts: Set<String>? = nil, functions: HostFunctions = .none) throws(ExpressionError) {
        var parts: [Part] = []
        var rest = Substring(text)
        while let open = rest.range(of: "${{") {
            if open.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<open.lowerBound]))) }
            var i = open.upperBound
            var inString = false
            var close: Range<Substring.Index>?
            while i < rest.endIndex {
                let c = rest[i]
                if c == "'" { inString.toggle() }
                else if !inString, c == "}", rest[i...].hasPrefix("}}") {
                    close = i..<rest.index(i, offsetBy: 2)
                    break
                }
                i = rest.index(after: i)
            }
            let offset = text.distance(from: text.startIndex, to: open.lowerBound)
            guard let close else {
                var error = ExpressionError(.parsing, "The expression is not closed. An unescaped ${{ sequence was found, but the closing }} sequence was not found.")
                error.templateOffset = offset
                throw error
            }
            let inner = rest[open.upperBound..<close.lowerBound].trimmingSpaces()
            do {
                parts.append(.expression(try Expression(inner, allowedContexts: allowedContexts, functions: functions)))
            } catch {
                var located = error
                located.templateOffset = offset
                throw located
            }
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        self.parts = parts
    }

    /// Evaluates to a value: a template that is exactly one `${{ }}` keeps the value's type;
    /// anything else is the concatenation of the parts as strings.
    public func evaluate(in context: EvaluationContext) throws(ExpressionError) -> ExpressionValue {
        if parts.count == 1, case .expression(let e) = parts[0] { return try e.evaluate(in: context) }
        return .string(try evaluateString(in: context))
    }

    /// Evaluates to a string, converting each expression's value as `format()` does.
    public func evaluateString(in context: EvaluationContext) throws(ExpressionError) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .text(let s): out += s
            case .expression(let e): out += try e.evaluate(in: context).stringValue
            }
        }
        return out
    }
}

extension Substring {
    func range(of needle: String) -> Range<Index>? {
        guard let first = needle.first else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i] == first, self[i...].hasPrefix(needle) {
                return i..<index(i, offsetBy: needle.count)
            }
            i = index(after: i)
        }
        return nil
    }

    func trimmingSpaces() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}

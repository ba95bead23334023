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

    /// Plain text, with no expressions (a `${{` in it is kept as written).
    public init(literal text: String) {
        parts = text.isEmpty ? [] : [.text(text)]
    }

    /// Splits `text` into literal and expression parts. A `}}` inside a quoted string in
    /// the expression does not end it. An unclosed `${{` is a parsing error.
    public init(_ text: String, allowedContexts: Set<String>? = nil, functions: HostFunctions = .none) throws(ExpressionError) {
        // Scanned as UTF-8 bytes: most workflow strings hold no `${{` at all.
        let bytes = Array(text.utf8)
        var parts: [Part] = []
        var textStart = 0
        var i = 0
        func isOpen(_ at: Int) -> Bool {
            at + 2 < bytes.count && bytes[at] == 0x24 && bytes[at + 1] == 0x7B && bytes[at + 2] == 0x7B
        }
        while i < bytes.count {
            guard isOpen(i) else {
                i += 1
                continue
            }
            if i > textStart { parts.append(.text(String(decoding: bytes[textStart..<i], as: UTF8.self))) }
            var j = i + 3
            var inString = false
            var close: Int?
            while j < bytes.count {
                if bytes[j] == 0x27 { inString.toggle() }
                else if !inString, bytes[j] == 0x7D, j + 1 < bytes.count, bytes[j + 1] == 0x7D {
                    close = j
                    break
                }
                j += 1
            }
            let offset = text.utf8.index(text.utf8.startIndex, offsetBy: i).utf16Offset(in: text)
            guard let close else {
                var error = ExpressionError(.parsing, "The expression is not closed. An unescaped ${{ sequence was found, but the closing }} sequence was not found.")
                error.templateOffset = offset
                throw error
            }
            let inner = Self.trimmed(bytes[(i + 3)..<close])
            do {
                parts.append(.expression(try Expression(inner, allowedContexts: allowedContexts, functions: functions)))
            } catch {
                var located = error
                located.templateOffset = offset
                throw located
            }
            i = close + 2
            textStart = i
        }
        if textStart < bytes.count { parts.append(.text(String(decoding: bytes[textStart...], as: UTF8.self))) }
        self.parts = parts
    }

    /// The bytes as a string without surrounding white space.
    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        var lower = bytes.startIndex, upper = bytes.endIndex
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        while lower < upper, isSpace(bytes[lower]) { lower += 1 }
        while upper > lower, isSpace(bytes[upper - 1]) { upper -= 1 }
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
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
}

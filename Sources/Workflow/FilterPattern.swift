import Foundation

/// A branch, tag or path pattern of `on.<event>.branches|tags|paths` with GitHub's meaning:
/// `*` matches any run of characters but `/`, `**` any run including `/` (a leading `**/`
/// may match nothing), `?` makes the preceding character optional, `+` repeats it, `[...]`
/// matches one listed character or range, `\` escapes, and a leading `!` negates.
public struct FilterPattern: Sendable {
    /// The pattern as written.
    public let source: String
    /// Whether it starts with `!` (excludes what earlier patterns included).
    public let isNegated: Bool
    private let regex: NSRegularExpression

    /// A pattern that cannot be compiled.
    public struct InvalidPattern: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Compiles a pattern.
    public init(_ source: String) throws(InvalidPattern) {
        self.source = source
        let (expression, negated) = try Self.translate(source)
        isNegated = negated
        do {
            regex = try NSRegularExpression(pattern: expression)
        } catch {
            throw InvalidPattern(description: "pattern '\(source)' cannot be used: \(error)")
        }
    }

    /// Checks a pattern's syntax without compiling it (for validating workflows).
    public static func validate(_ source: String) throws(InvalidPattern) {
        _ = try translate(source)
    }

    /// The regular expression a pattern stands for, and whether it is negated.
    private static func translate(_ source: String) throws(InvalidPattern) -> (String, Bool) {
        var body = Substring(source)
        let isNegated = body.hasPrefix("!")
        if isNegated { body = body.dropFirst() }
        if body.isEmpty { throw InvalidPattern(description: "empty pattern '\(source)'") }
        var out = "^"
        var i = body.startIndex
        while i < body.endIndex {
            let c = body[i]
            let next = body.index(after: i)
            switch c {
            case "\\":
                guard next < body.endIndex else { throw InvalidPattern(description: "pattern '\(source)' ends with a lone '\\'") }
                escape(body[next], into: &out)
                i = body.index(after: next)
                continue
            case "*":
                if next < body.endIndex, body[next] == "*" {
                    let after = body.index(after: next)
                    if after < body.endIndex, body[after] == "/" {
                        out += "(?:.*/)?"
                        i = body.index(after: after)
                    } else {
                        out += ".*"
                        i = after
                    }
                    continue
                }
                out += "[^/]*"
            case "?", "+":
                guard out.count > 1, !out.hasSuffix("?"), !out.hasSuffix("+"), !out.hasSuffix("*") else {
                    throw InvalidPattern(description: "'\(c)' in pattern '\(source)' has no character before it to apply to")
                }
                out.append(c)
            case "[":
                guard let close = body[next...].firstIndex(of: "]"), close > next else {
                    throw InvalidPattern(description: "unclosed '[' in pattern '\(source)'")
                }
                let set = body[next..<close]
                guard set.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
                    throw InvalidPattern(description: "'[...]' in pattern '\(source)' may list only letters, digits and ranges")
                }
                out += "[" + set + "]"
                i = body.index(after: close)
                continue
            default:
                escape(c, into: &out)
            }
            i = next
        }
        return (out + "$", isNegated)
    }

    /// Appends `c` as a regular expression matching itself (letters, digits and `/` need no
    /// escape; NSRegularExpression's own escaper costs far more per character).
    private static func escape(_ c: Character, into out: inout String) {
        if c.isASCII, c.isLetter || c.isNumber || c == "/" || c == "_" || c == "-" || c == " " {
            out.append(c)
        } else {
            out += NSRegularExpression.escapedPattern(for: String(c))
        }
    }

    /// Whether `text` matches the pattern (ignoring its `!`).
    public func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// Order-sensitive evaluation of a filter list: each pattern that matches sets the
    /// result (included for positive patterns, excluded for `!` ones), so the last matching
    /// pattern wins.
    public static func evaluate(_ patterns: [FilterPattern], _ text: String) -> Bool {
        var included = false
        for pattern in patterns where pattern.matches(text) {
            included = !pattern.isNegated
        }
        return included
    }
}

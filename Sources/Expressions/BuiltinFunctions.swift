/// GitHub's built-in functions.
enum BuiltinFunctions {
    static func call(_ function: ExpressionFunction, _ args: [ExpressionValue]) throws(ExpressionError) -> ExpressionValue {
        switch function {
        case .contains: return .bool(contains(args[0], args[1]))
        case .startsWith: return .bool(affix(args[0], args[1], atEnd: false))
        case .endsWith: return .bool(affix(args[0], args[1], atEnd: true))
        case .format: return .string(try format(args))
        case .join: return .string(join(args))
        case .toJSON: return .string(JSON.stringify(args[0]))
        case .fromJSON: return try fromJSON(args[0])
        case .case: return try caseOf(args)
        case .host: preconditionFailure("host functions are dispatched by the evaluator")
        }
    }

    private static func contains(_ search: ExpressionValue, _ item: ExpressionValue) -> Bool {
        if search.isPrimitive {
            guard item.isPrimitive else { return false }
            return StringFolding.utf16Contains(search.stringValue.lowercased(), item.stringValue.lowercased())
        }
        if case .array(let array) = search {
            return array.items.contains { item.looselyEquals($0) }
        }
        return false
    }

    /// `startsWith` / `endsWith`, case-insensitive by GitHub's folding.
    private static func affix(_ a: ExpressionValue, _ b: ExpressionValue, atEnd: Bool) -> Bool {
        guard a.isPrimitive, b.isPrimitive else { return false }
        let (s, part) = (a.stringValue, b.stringValue)
        if let ascii = StringFolding.asciiAffix(s, part, atEnd: atEnd) { return ascii }
        let (x, y) = (Array(StringFolding.upper(s).utf16), Array(StringFolding.upper(part).utf16))
        return atEnd ? x.reversed().starts(with: y.reversed()) : x.starts(with: y)
    }

    private static func join(_ args: [ExpressionValue]) -> String {
        if args[0].isPrimitive { return args[0].stringValue }
        guard case .array(let array) = args[0] else { return "" }
        var separator = ","
        if args.count > 1, args[1].isPrimitive { separator = args[1].stringValue }
        return array.items.map(\.stringValue).joined(separator: separator)
    }

    private static func fromJSON(_ value: ExpressionValue) throws(ExpressionError) -> ExpressionValue {
        let text = value.stringValue
        if JSNumber.trimJSWhitespace(text).isEmpty {
            throw ExpressionError(.evaluation, "empty input")
        }
        do {
            return try JSON.parse(text)
        } catch {
            throw ExpressionError(.evaluation, "Error parsing JSON when evaluating fromJson: \(error.message)")
        }
    }

    private static func caseOf(_ args: [ExpressionValue]) throws(ExpressionError) -> ExpressionValue {
        var i = 0
        while i < args.count - 1 {
            guard case .bool(let predicate) = args[i] else {
                throw ExpressionError(.evaluation, "case predicate must evaluate to a boolean value")
            }
            if predicate { return args[i + 1] }
            i += 2
        }
        return args[args.count - 1]
    }

    /// `format('{0} {{literal}}', x)`.
    static func format(_ args: [ExpressionValue]) throws(ExpressionError) -> String {
        let fs = Array(args[0].stringValue.utf16)
        let invalid = ExpressionError(.evaluation, "The following format string is invalid: \(args[0].stringValue)")
        var out: [UInt16] = []
        var index = 0
        func find(_ c: UInt16, from: Int) -> Int? { fs[from...].firstIndex(of: c) }
        while index < fs.count {
            let lbrace = find(0x7B, from: index)
            let rbrace = find(0x7D, from: index)
            if let l = lbrace, rbrace == nil || rbrace! > l {
                if l + 1 < fs.count, fs[l + 1] == 0x7B {
                    out.append(contentsOf: fs[index...l])
                    index = l + 2
                    continue
                }
                if let r = rbrace, r > l + 1 {
                    var j = l + 1
                    var n = 0
                    var digits = 0
                    while j < fs.count, fs[j] >= 0x30, fs[j] <= 0x39 {
                        n = n &* 10 &+ Int(fs[j] - 0x30)
                        j += 1
                        digits += 1
                    }
                    if digits > 0 {
                        if n > args.count - 2 || digits > 9 {
                            throw ExpressionError(.evaluation, "The following format string references more arguments than were supplied: \(args[0].stringValue)")
                        }
                        out.append(contentsOf: fs[index..<l])
                        out.append(contentsOf: args[1 + n].stringValue.utf16)
                        index = r + 1
                        continue
                    }
                }
                throw invalid
            } else if let r = rbrace {
                if r + 1 < fs.count, fs[r + 1] == 0x7D {
                    out.append(contentsOf: fs[index...r])
                    index = r + 2
                } else {
                    throw invalid
                }
            } else {
                out.append(contentsOf: fs[index...])
                break
            }
        }
        return String(decoding: out, as: UTF16.self)
    }
}

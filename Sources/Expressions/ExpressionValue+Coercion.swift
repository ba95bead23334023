/// GitHub's loose coercion rules (those of the runner and actions/languageservices).
extension ExpressionValue {
    /// `false`, `0`, `-0`, `NaN`, `""` and `null` are falsy; everything else is truthy.
    public var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let b): b
        case .number(let n): !(n == 0 || n.isNaN)
        case .string(let s): !s.isEmpty
        case .array, .object: true
        }
    }

    /// The number a value converts to: null → 0, booleans → 1/0, strings as JavaScript's
    /// `Number()`, containers → NaN.
    public var numberValue: Double {
        switch self {
        case .null: 0
        case .bool(let b): b ? 1 : 0
        case .number(let n): n
        case .string(let s): JSNumber.parse(s)
        case .array, .object: .nan
        }
    }

    /// The string a value converts to, as GitHub renders it in `format()` and templates.
    public var stringValue: String {
        switch self {
        case .null: ""
        case .bool(let b): b ? "true" : "false"
        case .number(let n): JSNumber.formatForExpression(n)
        case .string(let s): s
        case .array: "Array"
        case .object: "Object"
        }
    }

    /// GitHub's `==`: loose coercion, case-insensitive strings, identity for containers.
    public func looselyEquals(_ other: ExpressionValue) -> Bool {
        switch Self.coerce(self, other) {
        case (.null, .null): return true
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return StringFolding.equalIgnoringCase(a, b)
        case let (.bool(a), .bool(b)): return a == b
        case let (.array(a), .array(b)): return a === b
        case let (.object(a), .object(b)): return a === b
        default: return false
        }
    }

    /// GitHub's `<`.
    public func isLess(than other: ExpressionValue) -> Bool {
        switch Self.coerce(self, other) {
        case let (.number(a), .number(b)): return a < b
        case let (.string(a), .string(b)): return StringFolding.compareIgnoringCase(a, b) < 0
        case let (.bool(a), .bool(b)): return !a && b
        default: return false
        }
    }

    /// GitHub's `>`.
    public func isGreater(than other: ExpressionValue) -> Bool {
        switch Self.coerce(self, other) {
        case let (.number(a), .number(b)): return a > b
        case let (.string(a), .string(b)): return StringFolding.compareIgnoringCase(a, b) > 0
        case let (.bool(a), .bool(b)): return a && !b
        default: return false
        }
    }

    /// The abstract-equality coercion: number/string → numbers; null and booleans → numbers.
    static func coerce(_ l: ExpressionValue, _ r: ExpressionValue) -> (ExpressionValue, ExpressionValue) {
        switch (l, r) {
        case (.null, .null), (.bool, .bool), (.number, .number), (.string, .string),
             (.array, .array), (.object, .object):
            return (l, r)
        case (.number, .string): return (l, .number(r.numberValue))
        case (.string, .number): return (.number(l.numberValue), r)
        case (.null, _), (.bool, _): return coerce(.number(l.numberValue), r)
        case (_, .null), (_, .bool): return coerce(l, .number(r.numberValue))
        default: return (l, r)
        }
    }
}

/// Case folding as GitHub does it: invariant upper case, except the dotless `ı`, compared by
/// UTF-16 code unit.
enum StringFolding {
    /// `s` upper-cased, leaving `ı` alone.
    static func upper(_ s: String) -> String {
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return s.uppercased() }
        var out = ""
        var segment = ""
        for ch in s {
            if ch == "ı" {
                out += segment.uppercased()
                segment = ""
                out.append(ch)
            } else {
                segment.append(ch)
            }
        }
        return out + segment.uppercased()
    }

    static func equalIgnoringCase(_ a: String, _ b: String) -> Bool {
        if let result = asciiCompare(a, b) { return result == 0 }
        return upper(a).utf16.elementsEqual(upper(b).utf16)
    }

    static func compareIgnoringCase(_ a: String, _ b: String) -> Int {
        if let result = asciiCompare(a, b) { return result }
        return compareUTF16(upper(a), upper(b))
    }

    static func compareUTF16(_ a: String, _ b: String) -> Int {
        var ia = a.utf16.makeIterator()
        var ib = b.utf16.makeIterator()
        while true {
            switch (ia.next(), ib.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case let (x?, y?): if x != y { return x < y ? -1 : 1 }
            }
        }
    }

    /// Fast path for ASCII strings; nil when either has non-ASCII bytes.
    private static func asciiCompare(_ a: String, _ b: String) -> Int? {
        let result = a.utf8.withContiguousStorageIfAvailable { ua in
            b.utf8.withContiguousStorageIfAvailable { ub -> Int? in
                let n = min(ua.count, ub.count)
                var i = 0
                while i < n {
                    var x = ua[i], y = ub[i]
                    if x >= 0x80 || y >= 0x80 { return nil }
                    if x >= 0x61 && x <= 0x7A { x -= 0x20 }
                    if y >= 0x61 && y <= 0x7A { y -= 0x20 }
                    if x != y { return x < y ? -1 : 1 }
                    i += 1
                }
                for j in n..<ua.count where ua[j] >= 0x80 { return nil }
                for j in n..<ub.count where ub[j] >= 0x80 { return nil }
                return ua.count == ub.count ? 0 : (ua.count < ub.count ? -1 : 1)
            }
        }
        if let result { return result ?? nil }
        var a = a, b = b
        a.makeContiguousUTF8()
        b.makeContiguousUTF8()
        return asciiCompare(a, b)
    }

    /// ASCII fast path of a case-insensitive prefix or suffix test; nil when either string
    /// has non-ASCII bytes.
    static func asciiAffix(_ s: String, _ part: String, atEnd: Bool) -> Bool? {
        let result = s.utf8.withContiguousStorageIfAvailable { us in
            part.utf8.withContiguousStorageIfAvailable { up -> Bool? in
                if us.contains(where: { $0 >= 0x80 }) || up.contains(where: { $0 >= 0x80 }) { return nil }
                guard up.count <= us.count else { return false }
                let offset = atEnd ? us.count - up.count : 0
                for i in 0..<up.count {
                    var x = us[offset + i], y = up[i]
                    if x >= 0x61 && x <= 0x7A { x -= 0x20 }
                    if y >= 0x61 && y <= 0x7A { y -= 0x20 }
                    if x != y { return false }
                }
                return true
            }
        }
        guard let outer = result, let inner = outer else { return nil }
        return inner
    }

    /// JavaScript's `a.includes(b)` on UTF-16 code units.
    static func utf16Contains(_ haystack: String, _ needle: String) -> Bool {
        let h = Array(haystack.utf16), n = Array(needle.utf16)
        if n.isEmpty { return true }
        if n.count > h.count { return false }
        for start in 0...(h.count - n.count) where h[start] == n[0] {
            if h[start..<(start + n.count)].elementsEqual(n) { return true }
        }
        return false
    }
}

/// JSON as JavaScript's `JSON.parse` / `JSON.stringify(v, null, 2)` read and write it, so
/// that `fromJSON` and `toJSON` give GitHub's results (key order, number format, escapes).
public enum JSON {
    /// A JSON syntax error with the 0-based byte offset where it was found.
    public struct SyntaxError: Error, Sendable {
        /// What was wrong.
        public let message: String
        /// Byte offset in the input.
        public let offset: Int
    }

    /// Parses JSON text into an expression value.
    public static func parse(_ text: String) throws(SyntaxError) -> ExpressionValue {
        var parser = JSONParser(bytes: Array(text.utf8))
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.index != parser.bytes.count { throw parser.error("Unexpected token after JSON value") }
        return value
    }

    /// Pretty-prints with two-space indentation, as `toJSON` does.
    public static func stringify(_ value: ExpressionValue) -> String {
        var out = ""
        write(value, indent: "", pretty: true, into: &out)
        return out
    }

    /// Compact single-line JSON, for machine output.
    public static func compact(_ value: ExpressionValue) -> String {
        var out = ""
        write(value, indent: "", pretty: false, into: &out)
        return out
    }

    private static func write(_ value: ExpressionValue, indent: String, pretty: Bool, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n.isFinite ? JSNumber.format(n) : "null"
        case .string(let s): writeString(s, into: &out)
        case .array(let array):
            if array.items.isEmpty { out += "[]"; return }
            let inner = indent + "  "
            out += "["
            for (i, item) in array.items.enumerated() {
                if i > 0 { out += "," }
                if pretty { out += "\n" + inner }
                write(item, indent: inner, pretty: pretty, into: &out)
            }
            if pretty { out += "\n" + indent }
            out += "]"
        case .object(let object):
            if object.keys.isEmpty { out += "{}"; return }
            let inner = indent + "  "
            out += "{"
            for (i, (key, item)) in object.pairs.enumerated() {
                if i > 0 { out += "," }
                if pretty { out += "\n" + inner }
                writeString(key, into: &out)
                out += pretty ? ": " : ":"
                write(item, indent: inner, pretty: pretty, into: &out)
            }
            if pretty { out += "\n" + indent }
            out += "}"
        }
    }

    /// Writes a JSON string literal with JavaScript's escapes.
    public static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

private struct JSONParser {
    let bytes: [UInt8]
    var index = 0

    func error(_ message: String) -> JSON.SyntaxError {
        JSON.SyntaxError(message: "\(message) at position \(index)", offset: index)
    }

    mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    mutating func parseValue(depth: Int) throws(JSON.SyntaxError) -> ExpressionValue {
        guard depth < 512 else { throw error("JSON nested too deeply") }
        guard index < bytes.count else { throw error("Unexpected end of JSON input") }
        switch bytes[index] {
        case 0x7B: return try parseObject(depth: depth)
        case 0x5B: return try parseArray(depth: depth)
        case 0x22: return .string(try parseString())
        case 0x74: try literal("true"); return .bool(true)
        case 0x66: try literal("false"); return .bool(false)
        case 0x6E: try literal("null"); return .null
        case 0x2D, 0x30...0x39: return .number(try parseNumber())
        default: throw error("Unexpected token")
        }
    }

    mutating func literal(_ word: String) throws(JSON.SyntaxError) {
        let w = Array(word.utf8)
        guard index + w.count <= bytes.count, Array(bytes[index..<(index + w.count)]) == w else {
            throw error("Unexpected token")
        }
        index += w.count
    }

    mutating func parseNumber() throws(JSON.SyntaxError) -> Double {
        let start = index
        if bytes[index] == 0x2D { index += 1 }
        func digits() -> Int {
            let s = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            return index - s
        }
        guard index < bytes.count else { throw error("Unexpected end of JSON input") }
        if bytes[index] == 0x30 { index += 1 } else if digits() == 0 { throw error("Unexpected token") }
        if index < bytes.count, bytes[index] == 0x2E {
            index += 1
            if digits() == 0 { throw error("Unterminated fractional number") }
        }
        if index < bytes.count, bytes[index] == 0x65 || bytes[index] == 0x45 {
            index += 1
            if index < bytes.count, bytes[index] == 0x2B || bytes[index] == 0x2D { index += 1 }
            if digits() == 0 { throw error("Exponent part is missing a number") }
        }
        return JSNumber.parse(String(decoding: bytes[start..<index], as: UTF8.self))
    }

    mutating func parseString() throws(JSON.SyntaxError) -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        var run = index
        func flush(_ end: Int) {
            scalars.append(contentsOf: String(decoding: bytes[run..<end], as: UTF8.self).unicodeScalars)
        }
        while true {
            guard index < bytes.count else { throw error("Unterminated string in JSON") }
            let b = bytes[index]
            if b == 0x22 {
                flush(index)
                index += 1
                return String(scalars)
            }
            if b < 0x20 { throw error("Bad control character in string literal") }
            if b != 0x5C { index += 1; continue }
            flush(index)
            index += 1
            guard index < bytes.count else { throw error("Unterminated string in JSON") }
            let e = bytes[index]
            index += 1
            switch e {
            case 0x22: scalars.append("\"")
            case 0x5C: scalars.append("\\")
            case 0x2F: scalars.append("/")
            case 0x62: scalars.append("\u{08}")
            case 0x66: scalars.append("\u{0C}")
            case 0x6E: scalars.append("\n")
            case 0x72: scalars.append("\r")
            case 0x74: scalars.append("\t")
            case 0x75:
                var unit = try hex4()
                if (0xD800...0xDBFF).contains(unit), index + 1 < bytes.count, bytes[index] == 0x5C, bytes[index + 1] == 0x75 {
                    let save = index
                    index += 2
                    let low = try hex4()
                    if (0xDC00...0xDFFF).contains(low) {
                        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        index = save
                    }
                }
                scalars.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
            default: throw error("Bad escaped character in JSON")
            }
            run = index
        }
    }

    mutating func hex4() throws(JSON.SyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("Bad Unicode escape in JSON") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[index]
            let d: UInt32
            switch b {
            case 0x30...0x39: d = UInt32(b - 0x30)
            case 0x61...0x66: d = UInt32(b - 0x61 + 10)
            case 0x41...0x46: d = UInt32(b - 0x41 + 10)
            default: throw error("Bad Unicode escape in JSON")
            }
            v = v * 16 + d
            index += 1
        }
        return v
    }

    mutating func parseArray(depth: Int) throws(JSON.SyntaxError) -> ExpressionValue {
        index += 1
        var items: [ExpressionValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == 0x5D { index += 1; return .array(ExpressionArray(items)) }
        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw error("Unexpected end of JSON input") }
            if bytes[index] == 0x2C { index += 1; continue }
            if bytes[index] == 0x5D { index += 1; return .array(ExpressionArray(items)) }
            throw error("Unexpected token in array")
        }
    }

    mutating func parseObject(depth: Int) throws(JSON.SyntaxError) -> ExpressionValue {
        index += 1
        var keys: [String] = []
        var values: [String: ExpressionValue] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == 0x7D { index += 1; return .object(ExpressionObject([])) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == 0x22 else { throw error("Expected property name") }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == 0x3A else { throw error("Expected ':' after property name") }
            index += 1
            skipWhitespace()
            let value = try parseValue(depth: depth + 1)
            if values.updateValue(value, forKey: key) == nil { keys.append(key) }
            skipWhitespace()
            guard index < bytes.count else { throw error("Unexpected end of JSON input") }
            if bytes[index] == 0x2C { index += 1; continue }
            if bytes[index] == 0x7D { index += 1; break }
            throw error("Unexpected token in object")
        }
        // JavaScript objects list integer-like keys first, in ascending order.
        let integerKeys = keys.compactMap { key -> (UInt32, String)? in
            guard let n = UInt32(key), n != UInt32.max, String(n) == key else { return nil }
            return (n, key)
        }.sorted { $0.0 < $1.0 }.map(\.1)
        let integerSet = Set(integerKeys)
        let ordered = integerKeys + keys.filter { !integerSet.contains($0) }
        return .object(ExpressionObject(ordered.map { ($0, values[$0]!) }))
    }
}

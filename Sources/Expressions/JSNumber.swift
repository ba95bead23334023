#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Number conversions exactly as GitHub's expression engine (JavaScript) performs them.
public enum JSNumber {
    /// JavaScript's `Number(string)`: trims white space; empty is 0; decimal with optional
    /// sign, fraction and exponent; `0x`/`0o`/`0b` integers; `Infinity`; anything else NaN.
    public static func parse(_ text: String) -> Double {
        if let fast = parsePlainDecimal(text) { return fast }
        let s = trimJSWhitespace(text)
        if s.isEmpty { return 0 }
        let bytes = Array(s.utf8)
        if bytes.count > 2, bytes[0] == 0x30 {
            let radix: Double?
            switch bytes[1] {
            case 0x78, 0x58: radix = 16
            case 0x6F, 0x4F: radix = 8
            case 0x62, 0x42: radix = 2
            default: radix = nil
            }
            if let radix { return parseRadix(bytes[2...], radix: radix) }
        }
        var i = 0
        var sign = 1.0
        if bytes[0] == 0x2B || bytes[0] == 0x2D {
            sign = bytes[0] == 0x2D ? -1 : 1
            i = 1
        }
        if bytes[i...].elementsEqual("Infinity".utf8) { return sign * .infinity }
        // Validate StrDecimalLiteral before handing it to strtod, which accepts more.
        var j = i
        var digits = 0
        while j < bytes.count, isDigit(bytes[j]) { j += 1; digits += 1 }
        if j < bytes.count, bytes[j] == 0x2E {
            j += 1
            while j < bytes.count, isDigit(bytes[j]) { j += 1; digits += 1 }
        }
        if digits == 0 { return .nan }
        if j < bytes.count, bytes[j] == 0x65 || bytes[j] == 0x45 {
            j += 1
            if j < bytes.count, bytes[j] == 0x2B || bytes[j] == 0x2D { j += 1 }
            var expDigits = 0
            while j < bytes.count, isDigit(bytes[j]) { j += 1; expDigits += 1 }
            if expDigits == 0 { return .nan }
        }
        if j != bytes.count { return .nan }
        return s.withCString { strtod($0, nil) }
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// Without allocating: short unsigned decimals with at most one '.', the common case
    /// (`0.9`, `42`). nil sends anything else through the full grammar.
    private static func parsePlainDecimal(_ text: String) -> Double? {
        let result = text.utf8.withContiguousStorageIfAvailable { bytes -> Double? in
            guard !bytes.isEmpty, bytes.count <= 15 else { return nil }
            var integer: UInt64 = 0
            var scale = 1.0
            var seenDot = false
            var digits = 0
            for b in bytes {
                if b == 0x2E {
                    if seenDot { return nil }
                    seenDot = true
                } else if b >= 0x30 && b <= 0x39 {
                    integer = integer * 10 + UInt64(b - 0x30)
                    digits += 1
                    if seenDot { scale *= 10 }
                } else {
                    return nil
                }
            }
            guard digits > 0 else { return nil }
            // Exact: both integer and scale are exactly representable, so one division
            // rounds correctly, as strtod would.
            return Double(integer) / scale
        }
        return result ?? nil
    }

    private static func parseRadix(_ digits: ArraySlice<UInt8>, radix: Double) -> Double {
        var value = 0.0
        for b in digits {
            let d: Double
            switch b {
            case 0x30...0x39: d = Double(b - 0x30)
            case 0x61...0x66: d = Double(b - 0x61 + 10)
            case 0x41...0x46: d = Double(b - 0x41 + 10)
            default: return .nan
            }
            if d >= radix { return .nan }
            value = value * radix + d
        }
        return value
    }

    /// Trims the characters JavaScript's `String.prototype.trim` removes.
    static func trimJSWhitespace(_ s: String) -> String {
        func isSpace(_ u: Unicode.Scalar) -> Bool {
            switch u.value {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A,
                 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: true
            default: false
            }
        }
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        return String(scalars[first...last])
    }

    /// A number as GitHub renders it in strings: at most 15 decimals, trailing zeros dropped
    /// (`(+n.toFixed(15)).toString()` in the reference implementation).
    public static func formatForExpression(_ n: Double) -> String {
        if n == 0 { return "0" }
        if n.isNaN || n.isInfinite || abs(n) >= 1e21 { return format(n) }
        if n == n.rounded(), abs(n) < 9_007_199_254_740_992 { return format(n) }
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([n]) { vsnprintf(&buffer, buffer.count, "%.15f", $0) }
        let text = String(cString: buffer)
        return format(text.withCString { strtod($0, nil) })
    }

    /// JavaScript's `Number.prototype.toString()` (shortest round-trip digits).
    public static func format(_ n: Double) -> String {
        if n.isNaN { return "NaN" }
        if n == 0 { return "0" }
        if n.isInfinite { return n < 0 ? "-Infinity" : "Infinity" }
        if n < 0 { return "-" + format(-n) }
        if n == n.rounded(), n < 1e21, n < 9_007_199_254_740_992 { return String(Int64(n)) }
        let (digits, pointPosition) = shortestDigits(n)
        let k = digits.count
        let p = pointPosition
        if k <= p, p <= 21 {
            return digits + String(repeating: "0", count: p - k)
        }
        if 0 < p, p <= 21 {
            let cut = digits.index(digits.startIndex, offsetBy: p)
            return digits[..<cut] + "." + digits[cut...]
        }
        if -6 < p, p <= 0 {
            return "0." + String(repeating: "0", count: -p) + digits
        }
        let e = p - 1
        let exponent = (e >= 0 ? "+" : "-") + String(abs(e))
        if k == 1 { return digits + "e" + exponent }
        return String(digits.first!) + "." + digits.dropFirst() + "e" + exponent
    }

    /// The shortest decimal digits of `n` (positive, finite) and the position of the decimal
    /// point relative to them (`n = 0.DIGITS × 10^position`).
    private static func shortestDigits(_ n: Double) -> (String, Int) {
        // Swift's description prints the shortest digits that round-trip.
        let text = n.description
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var intPart = mantissa
        var fracPart: Substring = ""
        if let dot = mantissa.firstIndex(of: ".") {
            intPart = mantissa[..<dot]
            fracPart = mantissa[mantissa.index(after: dot)...]
        }
        var digits = String(intPart) + String(fracPart)
        var position = intPart.count + exponent
        while digits.hasPrefix("0") {
            digits.removeFirst()
            position -= 1
        }
        while digits.hasSuffix("0") { digits.removeLast() }
        if digits.isEmpty { return ("0", 1) }
        return (digits, position)
    }
}

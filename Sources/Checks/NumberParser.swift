#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Decimal numbers as CSV files write them (`0.25`, `-1e-3`, `3`, ` 2.5 `), parsed without
/// allocating; correctly rounded for up to 19 significant digits, and through strtod
/// otherwise. `nan`, `inf` and empty fields are not numbers.
enum NumberParser {
    private static let powers: [Double] = (0...22).map { pow(10, Double($0)) }

    static func parse(_ field: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        var end = field.count
        while i < end, field[i] == 0x20 || field[i] == 0x09 { i += 1 }
        while end > i, field[end - 1] == 0x20 || field[end - 1] == 0x09 { end -= 1 }
        guard i < end else { return nil }
        let start = i
        var negative = false
        if field[i] == 0x2D || field[i] == 0x2B { negative = field[i] == 0x2D; i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var sawDigit = false
        while i < end, field[i] &- 0x30 < 10 {
            sawDigit = true
            if digits < 19 { mantissa = mantissa * 10 + UInt64(field[i] &- 0x30); if mantissa > 0 { digits += 1 } } else { exponent += 1 }
            i += 1
        }
        if i < end, field[i] == 0x2E {
            i += 1
            while i < end, field[i] &- 0x30 < 10 {
                sawDigit = true
                if digits < 19 { mantissa = mantissa * 10 + UInt64(field[i] &- 0x30); if mantissa > 0 { digits += 1 }; exponent -= 1 }
                i += 1
            }
        }
        guard sawDigit else { return nil }
        if i < end, field[i] == 0x65 || field[i] == 0x45 {
            i += 1
            var expNegative = false
            if i < end, field[i] == 0x2D || field[i] == 0x2B { expNegative = field[i] == 0x2D; i += 1 }
            var e = 0
            var sawExp = false
            while i < end, field[i] &- 0x30 < 10 { e = min(e * 10 + Int(field[i] &- 0x30), 100_000); i += 1; sawExp = true }
            guard sawExp else { return nil }
            exponent += expNegative ? -e : e
        }
        guard i == end else { return nil }
        // Exact when the mantissa and the power of ten are both exact doubles.
        if digits <= 15, mantissa < (1 << 53), abs(exponent) <= 22 {
            let m = Double(mantissa)
            let value = exponent >= 0 ? m * powers[exponent] : m / powers[-exponent]
            return negative ? -value : value
        }
        // Otherwise strtod, on a NUL-terminated copy.
        var copy = [CChar](repeating: 0, count: end - start + 1)
        for k in start..<end { copy[k - start] = CChar(bitPattern: field[k]) }
        let value = strtod(copy, nil)
        return value.isFinite ? value : nil
    }
}

extension NumberParser {
    /// A string field as a number.
    static func parse(_ text: String) -> Double? {
        var copy = text
        return copy.withUTF8 { parse($0) }
    }
}

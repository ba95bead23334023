#if canImport(Glibc)
import Glibc
#endif
internal import CProcess

/// A data file's values, read from their bytes without allocating: the types of a data
/// contract, and UTF-8 validity.
enum DataValues {
    /// The value as a number of its type (a date or timestamp as seconds since 1970), or nil
    /// when it is not one. Strings are always strings (0).
    @inline(__always)
    static func parse(_ b: UnsafeBufferPointer<UInt8>, as type: DataContract.ValueType, format: String?) -> Double? {
        switch type {
        case .string: return 0
        case .int: return int(b)
        case .float: return NumberParser.parse(b)
        case .bool: return isBool(b) ? 0 : nil
        case .date, .timestamp: return Timestamps.parse(b, format: format ?? (type == .date ? "%Y-%m-%d" : nil))
        }
    }

    /// Digits with an optional sign and surrounding spaces, as a 64-bit integer.
    static func int(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0, end = b.count
        while i < end, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
        while end > i, b[end - 1] == 0x20 || b[end - 1] == 0x09 { end -= 1 }
        var negative = false
        if i < end, b[i] == 0x2B || b[i] == 0x2D { negative = b[i] == 0x2D; i += 1 }
        guard i < end else { return nil }
        var v: Int64 = 0
        while i < end {
            let d = b[i] &- 0x30
            guard d < 10 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(d))
            guard !o1, !o2 else { return nil }
            v = a
            i += 1
        }
        return Double(negative ? -v : v)
    }

    /// true/false, 1/0, yes/no, t/f, in any case.
    static func isBool(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count <= 5, b.count > 0 else { return false }
        var word: UInt64 = 0
        for k in 0..<b.count { word |= UInt64(b[k] | (b[k] >= 0x41 ? 0x20 : 0)) << (8 * UInt64(k)) }
        return bools.contains(word)
    }

    /// The accepted spellings, lowercase, packed little-endian.
    private static let bools: [UInt64] = ["true", "false", "1", "0", "yes", "no", "t", "f"].map { text in
        text.utf8.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }

    /// Whether `count` bytes at `p` are all ASCII (8 at a time).
    static func isASCII(_ p: UnsafePointer<UInt8>, count: Int) -> Bool {
        let raw = UnsafeRawPointer(p)
        var i = 0
        var any: UInt64 = 0
        while i + 8 <= count {
            any |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < count { any |= UInt64(p[i]); i += 1 }
        return any & 0x8080_8080_8080_8080 == 0
    }

    /// Whether `b` is valid UTF-8 (ASCII is checked first, as most data is).
    static func isValidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let p = b.baseAddress, !isASCII(p, count: b.count) else { return true }
        return String(validating: b, as: UTF8.self) != nil
    }
}

/// Dates and timestamps in data files: a strptime format, or ISO 8601
/// (`2026-11-29`, `2026-11-29T10:00:00`, with `.fff`, `Z` or `±hh:mm`).
enum Timestamps {
    static func parse(_ b: UnsafeBufferPointer<UInt8>, format: String?) -> Double? {
        if let format {
            // strptime needs a C string.
            var text = Array(b)
            text.append(0)
            var seconds: Int64 = 0
            let matched = text.withUnsafeBufferPointer { t in
                t.baseAddress!.withMemoryRebound(to: CChar.self, capacity: t.count) { mlgate_parse_time($0, format, &seconds) }
            }
            return matched == 1 ? Double(seconds) : nil
        }
        return iso8601(b)
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// How many days `month` of `year` has.
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func iso8601(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        @inline(__always) func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= b.count else { return nil }
            var v = 0
            for k in at..<(at + count) {
                let d = b[k] &- 0x30
                guard d < 10 else { return nil }
                v = v * 10 + Int(d)
            }
            return v
        }
        guard b.count >= 10, let year = digits(0, 4), b[4] == 0x2D, let month = digits(5, 2), b[7] == 0x2D, let day = digits(8, 2),
              (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        var seconds = days(year: year, month: month, day: day) * 86_400
        var i = 10
        var fraction = 0.0
        if i < b.count {
            guard b[i] == 0x54 || b[i] == 0x20, let hour = digits(i + 1, 2), b.count > i + 3, b[i + 3] == 0x3A, let minute = digits(i + 4, 2),
                  hour < 24, minute < 60 else { return nil }
            seconds += hour * 3600 + minute * 60
            i += 6
            if i < b.count, b[i] == 0x3A {
                guard let second = digits(i + 1, 2), second < 61 else { return nil }
                seconds += second
                i += 3
                if i < b.count, b[i] == 0x2E {
                    i += 1
                    var scale = 0.1
                    while i < b.count, b[i] &- 0x30 < 10 { fraction += Double(b[i] &- 0x30) * scale; scale /= 10; i += 1 }
                }
            }
            if i < b.count {
                if b[i] == 0x5A { i += 1 } else if b[i] == 0x2B || b[i] == 0x2D {
                    guard let h = digits(i + 1, 2), h < 24 else { return nil }
                    var m = 0
                    var next = i + 3
                    if next < b.count, b[next] == 0x3A { next += 1 }
                    if let mm = digits(next, 2) {
                        guard mm < 60 else { return nil }
                        m = mm
                        next += 2
                    }
                    seconds -= (h * 3600 + m * 60) * (b[i] == 0x2D ? -1 : 1)
                    i = next
                }
            }
        }
        guard i == b.count else { return nil }
        return Double(seconds) + fraction
    }
}

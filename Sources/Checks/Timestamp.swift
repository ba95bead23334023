import Foundation

/// Times as mlgate writes them everywhere (results, decisions, approvals, tables): ISO 8601
/// in UTC, through one formatter.
public enum Timestamp {
    nonisolated(unsafe) private static let formatter = ISO8601DateFormatter()
    private static let lock = NSLock()

    /// `date` (default: now) as text: `2026-11-29T05:45:08Z`, as ISO8601DateFormatter writes
    /// it (to the millisecond, then whole seconds), without its lock.
    public static func text(_ date: Date = Date()) -> String {
        guard let text = bytes(date) else { return lock.withLock { formatter.string(from: date) } }
        return withUnsafeBytes(of: text) { String(decoding: $0, as: UTF8.self) }
    }

    /// The 20 bytes of `text(date)`; nil for a year outside 0...9999 (which `text` leaves to
    /// the formatter). Pages written as bytes take them without making a string.
    public static func bytes(_ date: Date) -> Bytes20? {
        // The formatter works in milliseconds: 12:00:00.9996 is 12:00:01.
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        guard milliseconds.isFinite, abs(milliseconds) < 4e14 else { return nil }
        let seconds = Int((milliseconds / 1000).rounded(.down))
        let (days, second) = (seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400, ((seconds % 86_400) + 86_400) % 86_400)
        // Days since 1970 to the civil date (Howard Hinnant's days_from_civil, inverted).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        guard (0...9999).contains(year) else { return nil }
        var out: Bytes20 = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &out) { b in
            func put(_ value: Int, _ at: Int, _ digits: Int) {
                var v = value
                for i in stride(from: at + digits - 1, through: at, by: -1) { b[i] = UInt8(48 + v % 10); v /= 10 }
            }
            put(year, 0, 4); b[4] = 45  // -
            put(month, 5, 2); b[7] = 45
            put(day, 8, 2); b[10] = 84  // T
            put(second / 3600, 11, 2); b[13] = 58  // :
            put(second / 60 % 60, 14, 2); b[16] = 58
            put(second % 60, 17, 2); b[19] = 90  // Z
        }
        return out
    }

    /// Twenty bytes, held inline.
    public typealias Bytes20 = (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)

    /// The date a text written by `text` names; nil when it is not one.
    public static func date(_ text: String) -> Date? {
        lock.withLock { formatter.date(from: text) }
    }
}

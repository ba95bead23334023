import Foundation

/// Times as mlgate writes them everywhere (results, decisions, approvals, tables): ISO 8601
/// in UTC, through one formatter.
public enum Timestamp {
    nonisolated(unsafe) private static let formatter = ISO8601DateFormatter()
    private static let lock = NSLock()

    /// `date` (default: now) as text: `2026-11-29T05:45:08Z`, as ISO8601DateFormatter writes
    /// it (to the millisecond, then whole seconds), without its lock.
    public static func text(_ date: Date = Date()) -> String {
        // The formatter works in milliseconds: 12:00:00.9996 is 12:00:01.
        var seconds = time_t(floor((date.timeIntervalSince1970 * 1000).rounded() / 1000))
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil, parts.tm_year + 1900 >= 0, parts.tm_year + 1900 <= 9999 else {
            return lock.withLock { formatter.string(from: date) }
        }
        var bytes = [UInt8](repeating: 0, count: 20)
        func put(_ value: Int32, _ at: Int, _ digits: Int) {
            var v = Int(value)
            for i in stride(from: at + digits - 1, through: at, by: -1) { bytes[i] = UInt8(48 + v % 10); v /= 10 }
        }
        put(parts.tm_year + 1900, 0, 4); bytes[4] = 45
        put(parts.tm_mon + 1, 5, 2); bytes[7] = 45
        put(parts.tm_mday, 8, 2); bytes[10] = 84
        put(parts.tm_hour, 11, 2); bytes[13] = 58
        put(parts.tm_min, 14, 2); bytes[16] = 58
        put(parts.tm_sec, 17, 2); bytes[19] = 90
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The date a text written by `text` names; nil when it is not one.
    public static func date(_ text: String) -> Date? {
        lock.withLock { formatter.date(from: text) }
    }
}

import Foundation

/// Times as mlgate writes them everywhere (results, decisions, approvals, tables): ISO 8601
/// in UTC, through one formatter.
public enum Timestamp {
    nonisolated(unsafe) private static let formatter = ISO8601DateFormatter()
    private static let lock = NSLock()

    /// `date` (default: now) as text.
    public static func text(_ date: Date = Date()) -> String {
        lock.withLock { formatter.string(from: date) }
    }

    /// The date a text written by `text` names; nil when it is not one.
    public static func date(_ text: String) -> Date? {
        lock.withLock { formatter.date(from: text) }
    }
}

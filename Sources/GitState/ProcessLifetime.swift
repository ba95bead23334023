import Foundation

/// Values a command keeps until the process exits instead of freeing them. Freeing a large
/// registry's hundred thousand records at the end of a command took a third of a second
/// and changes nothing: the process's exit returns the memory at once (compilers skip
/// freeing their trees at exit for the same reason). Only for read-only values whose
/// lifetime is the command's.
public enum ProcessLifetime {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var kept: [Any] = []

    /// Keeps `value` alive until the process exits.
    public static func keep(_ value: Any) {
        lock.withLock { kept.append(value) }
    }
}

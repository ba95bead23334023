import Foundation

/// Serialised writes to standard output and standard error.
final class ConsoleOutput: @unchecked Sendable {
    private let lock = NSLock()

    func out(_ text: String) {
        lock.withLock {
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        }
    }

    func err(_ text: String) {
        lock.withLock {
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
    }
}

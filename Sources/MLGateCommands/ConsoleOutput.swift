#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Serialised writes to standard output and standard error, straight to the descriptors
/// (one `write` per call, no Foundation buffering: lines from concurrent jobs never mix).
final class ConsoleOutput: @unchecked Sendable {
    private let lock = NSLock()

    func out(_ text: String) {
        write(1, text)
    }

    func err(_ text: String) {
        write(2, text)
    }

    private func write(_ fd: Int32, _ text: String) {
        var line = text
        line.append("\n")
        lock.withLock {
            line.withUTF8 { buffer in
                var offset = 0
                while offset < buffer.count {
                    let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return
                    }
                    offset += n
                }
            }
        }
    }
}

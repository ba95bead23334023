#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Serialised writes to standard output and standard error, straight to the descriptors
/// (one `write` per call, no Foundation buffering: lines from concurrent jobs never mix).
/// A descriptor whose reader has gone (`mlgate run | head`) is written to no more; the
/// command goes on (SIGPIPE is caught, see `MLGate.start`).
final class ConsoleOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var closed: Set<Int32> = []

    func out(_ text: String, terminator: String = "\n") {
        write(1, text, terminator: terminator)
    }

    func err(_ text: String, terminator: String = "\n") {
        write(2, text, terminator: terminator)
    }

    private func write(_ fd: Int32, _ text: String, terminator: String = "\n") {
        var line = text
        line.append(terminator)
        lock.withLock {
            guard !closed.contains(fd) else { return }
            line.withUTF8 { buffer in
                var offset = 0
                while offset < buffer.count {
                    let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        if errno == EPIPE || errno == EBADF { closed.insert(fd) }
                        return
                    }
                    offset += n
                }
            }
        }
    }
}

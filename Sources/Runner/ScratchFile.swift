#if canImport(Glibc)
import Glibc
#endif

/// Scratch files in the run's temporary folder, written with plain POSIX calls. Foundation's
/// `createFile` syncs each file to disk, which costs more than the step itself for files
/// that live for one step.
enum ScratchFile {
    /// Creates or truncates `path` and writes `contents`. Returns false on failure.
    @discardableResult
    static func write(_ path: String, _ contents: String = "") -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var text = contents
        return text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
    }

    /// Removes a file, ignoring a missing one.
    static func remove(_ path: String) {
        unlink(path)
    }
}

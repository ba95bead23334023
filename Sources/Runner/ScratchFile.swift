#if canImport(Glibc)
import Glibc
#endif
import CProcess

/// Scratch files in the run's temporary folder, written with plain POSIX calls. Foundation's
/// `createFile` syncs each file to disk, which costs more than the step itself for files
/// that live for one step.
enum ScratchFile {
    /// The size of `path` in bytes, or nil when it does not exist.
    static func size(_ path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    /// Makes `path` exist and be empty: one `stat` when it already is.
    static func empty(_ path: String) {
        if size(path) == 0 { return }
        write(path)
    }

    /// Makes `path` hold exactly `contents`, creating it if needed. The file is rewritten in
    /// place and then cut to length, never truncated to zero first: ext4 flushes a file to
    /// disk when it is closed after such a truncation. Returns false on failure.
    @discardableResult
    static func write(_ path: String, _ contents: String = "") -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var text = contents
        let written = text.withUTF8 { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let n = pwrite(fd, buffer.baseAddress! + offset, buffer.count - offset, off_t(offset))
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
        guard written else { return false }
        var info = stat()
        let length = off_t(text.utf8.count)
        if fstat(fd, &info) == 0, info.st_size == length { return true }
        return ftruncate(fd, length) == 0
    }

    /// The file's contents as UTF-8 text; nil when it cannot be opened.
    static func read(_ path: String) -> String? {
        if size(path) == 0 { return "" }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether `path` is a directory.
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// A new private directory on a memory-backed file system (`/dev/shm` when it is a
    /// writable tmpfs), or nil when there is none.
    static func memoryBackedDirectory(named name: String) -> String? {
        guard mlgate_is_tmpfs("/dev/shm") == 1 else { return nil }
        let path = "/dev/shm/" + name
        return mkdir(path, 0o700) == 0 ? path : nil
    }

    /// Removes a file, ignoring a missing one.
    static func remove(_ path: String) {
        unlink(path)
    }
}

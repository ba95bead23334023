import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension Repository {
    /// The next run number for local runs, kept in `.git/mlgate/run-number` (like GitHub's
    /// per-workflow counter). The file is locked while it is read and rewritten, so
    /// concurrent runs each get a distinct number.
    public func nextRunNumber() -> Int {
        let dir = gitDirectory.appendingPathComponent("mlgate").path
        let path = dir + "/run-number"
        var fd = open(path, O_RDWR | O_CLOEXEC)
        if fd < 0 {
            mkdir(dir, 0o755)
            fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        }
        guard fd >= 0 else { return 1 }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0, errno == EINTR {}
        defer { flock(fd, LOCK_UN) }
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buffer, buffer.count, 0)
        let current = n > 0 ? Int(String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 : 0
        // A number no run could have reached (a damaged file) starts the count again.
        let next = (0..<1_000_000_000).contains(current) ? current + 1 : 1
        let text = Array("\(next)\n".utf8)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        ftruncate(fd, off_t(text.count))
        return next
    }
}

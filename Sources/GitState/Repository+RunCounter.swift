import Foundation

extension Repository {
    /// The next run number for local runs, kept in `.git/mlgate/run-number` (like GitHub's
    /// per-workflow counter). Concurrent runs each get a distinct number.
    public func nextRunNumber() -> Int {
        let dir = gitDirectory.appendingPathComponent("mlgate")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let counter = dir.appendingPathComponent("run-number").path
        let lockPath = counter + ".lock"
        for _ in 0..<200 {
            let fd = open(lockPath, O_CREAT | O_EXCL | O_WRONLY, 0o644)
            if fd >= 0 {
                defer {
                    close(fd)
                    unlink(lockPath)
                }
                let current = (try? String(contentsOfFile: counter, encoding: .utf8))
                    .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
                let next = current + 1
                try? "\(next)\n".write(toFile: counter + ".tmp", atomically: false, encoding: .utf8)
                rename(counter + ".tmp", counter)
                return next
            }
            usleep(5_000)
        }
        return 1
    }
}

import Foundation
import TestSupport

/// A registry repository made in one `git fast-import`: `versions` versions of `model0`, one
/// commit each, plus `plainTags` lightweight tags that are not the registry's (written as
/// loose refs, as `git tag` leaves them), and a policy with a `staging` stage.
struct RegistryFixture {
    let repo: TemporaryRepository
    let head: String

    init(versions: Int, plainTags: Int) throws {
        repo = try TemporaryRepository()
        var stream = ""
        let t = 1_700_000_000
        for v in 0..<versions {
            let message = "train \(v)", data = "weights \(v)\n"
            stream += "commit refs/heads/main\nmark :\(v + 1)\ncommitter Test <t@x> \(t + v) +0000\ndata \(message.utf8.count)\n\(message)\n"
            stream += "M 644 inline model.txt\ndata \(data.utf8.count)\n\(data)\n"
            let tagMessage = "Registering artifact model0 version v1.\(v).0"
            stream += "tag model0@v1.\(v).0\nfrom :\(v + 1)\ntagger Test <t@x> \(t + v) +0000\ndata \(tagMessage.utf8.count)\n\(tagMessage)\n"
        }
        let input = repo.path + "/.git/import.stream"
        try stream.write(toFile: input, atomically: true, encoding: .utf8)
        let imported = try ProcessRunner.run("/bin/sh", ["-c", "git fast-import --quiet < .git/import.stream && rm .git/import.stream"], in: repo.path)
        guard imported.status == 0 else { throw TestSupportError("fast-import: \(imported.stderr)") }
        try repo.git("checkout", "-q", "-f", "main")
        head = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        // Every tag loose, as `git tag` leaves them: the writers start just below the 256
        // loose tags past which mlgate used to pack (and lose refs).
        for v in 0..<versions {
            let name = "model0@v1.\(v).0"
            let id = try repo.git("rev-parse", "refs/tags/\(name)").trimmingCharacters(in: .whitespacesAndNewlines)
            try (id + "\n").write(toFile: repo.path + "/.git/refs/tags/\(name)", atomically: true, encoding: .utf8)
        }
        for i in 0..<plainTags {
            try (head + "\n").write(toFile: repo.path + "/.git/refs/tags/plain-\(i)", atomically: true, encoding: .utf8)
        }
        try repo.write("mlgate.yml", "stages:\n  staging: {}\n")
    }

    /// Every tag name, from git.
    func tags() throws -> Set<String> {
        Set(try repo.git("tag", "-l").split(separator: "\n").map(String.init))
    }

    /// The counters of `model0`'s stage tags.
    func stageCounters() throws -> [Int] {
        try tags().filter { $0.hasPrefix("model0#") }.compactMap { $0.split(separator: "#").last.flatMap { Int($0) } }
    }

    /// `git fsck`'s complaints (empty when the repository is sound).
    func fsckProblems() throws -> String {
        let result = try ProcessRunner.run("/usr/bin/env", ["git", "fsck", "--no-dangling", "--no-progress"], in: repo.path)
        return result.status == 0 ? "" : result.stdout + result.stderr
    }

    /// Registry tags that are not complete annotated tags (one `git for-each-ref`).
    func incompleteRegistryTags() throws -> [String] {
        let listing = try repo.git("for-each-ref", "--format=%(objecttype) %(taggername)|%(refname:short)", "refs/tags/")
        return listing.split(separator: "\n").compactMap { line -> String? in
            let parts = line.split(separator: "|", maxSplits: 1)
            guard parts.count == 2, parts[1].hasPrefix("model0") || parts[1].hasPrefix("killed") else { return nil }
            let head = parts[0].split(separator: " ")
            return head.first == "tag" && head.count >= 2 ? nil : String(parts[1])
        }
    }

    /// Lock files anywhere under `.git`.
    func lockFiles() -> [String] {
        let git = repo.path + "/.git"
        let all = FileManager.default.enumerator(atPath: git)?.compactMap { $0 as? String } ?? []
        return all.filter { $0.hasSuffix(".lock") }.map { git + "/" + $0 }
    }
}

/// A process started in the background, its standard error kept in a file (for messages).
/// The file is unlinked once the process has it open, so none is left behind, read or not.
struct Background {
    let process: Process
    private let errorReader: FileHandle?

    init(_ executable: String, _ arguments: [String], in directory: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("mlgate-bg-\(UUID().uuidString).err").path
        _ = FileManager.default.createFile(atPath: errorFile, contents: nil)
        defer { unlink(errorFile) }
        let writer = FileHandle(forWritingAtPath: errorFile)
        errorReader = FileHandle(forReadingAtPath: errorFile)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = writer
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? writer?.close()
    }

    /// What it wrote to standard error (read after `wait`).
    var errorOutput: String {
        guard let errorReader, (try? errorReader.seek(toOffset: 0)) != nil, let data = try? errorReader.readToEnd() else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Waits and returns the exit status, or 128 + the signal that ended it.
    @discardableResult
    func wait() -> Int32 {
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }
}

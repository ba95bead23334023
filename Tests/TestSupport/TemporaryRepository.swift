import Foundation

/// A git repository in a temporary directory, removed when the value is released.
public final class TemporaryRepository: @unchecked Sendable {
    /// The working tree root.
    public let path: String

    /// Creates an empty repository on branch `main` with a configured author.
    public init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("mlgate-test-\(UUID().uuidString.prefix(12))")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
        try git("init", "-q", "-b", "main")
        try git("config", "user.name", "Test User")
        try git("config", "user.email", "test@example.com")
        try git("config", "commit.gpgsign", "false")
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes a file (creating folders), relative to the root.
    public func write(_ relative: String, _ contents: String) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try contents.write(to: url, atomically: true, encoding: .utf8)
    }

    /// Copies a directory's contents into the repository.
    public func copy(contentsOf directory: String, to relative: String = "") throws {
        let manager = FileManager.default
        let target = relative.isEmpty ? path : path + "/" + relative
        try manager.createDirectory(atPath: target, withIntermediateDirectories: true)
        for name in try manager.contentsOfDirectory(atPath: directory) {
            let destination = target + "/" + name
            if manager.fileExists(atPath: destination) { try manager.removeItem(atPath: destination) }
            try manager.copyItem(atPath: directory + "/" + name, toPath: destination)
        }
    }

    /// Stages everything and commits.
    @discardableResult
    public func commitAll(_ message: String = "commit") throws -> String {
        try git("add", "-A")
        try git("commit", "-q", "--allow-empty", "-m", message)
        return try git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs git in the repository and returns its standard output.
    @discardableResult
    public func git(_ arguments: String...) throws -> String {
        let result = try ProcessRunner.run("/usr/bin/env", ["git"] + arguments, in: path)
        guard result.status == 0 else {
            throw TestSupportError("git \(arguments.joined(separator: " ")) failed: \(result.stderr)")
        }
        return result.stdout
    }
}

/// A test-support failure.
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension TemporaryRepository {
    /// A repository with `count` commits, each changing `model.txt` ("weights N"); returns it
    /// and the commits' shas, oldest first.
    public static func withTrainingCommits(_ count: Int) throws -> (TemporaryRepository, [String]) {
        let repo = try TemporaryRepository()
        var shas: [String] = []
        for i in 1...count {
            try repo.write("model.txt", "weights \(i)\n")
            shas.append(try repo.commitAll("train \(i)"))
        }
        return (repo, shas)
    }
}

import Foundation

/// Runs a command to completion and captures its output.
public enum ProcessRunner {
    /// The result of a finished command.
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Runs `executable` with `arguments` in `directory`; `environment` adds to the current one.
    public static func run(_ executable: String, _ arguments: [String], in directory: String,
                           environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes while the process runs so neither can fill up and block it.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        process.waitUntilExit()
        group.wait()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// The `mlgate` executable built beside the test bundle.
public enum MLGateExecutable {
    /// Its path (`.build/<config>/mlgate`).
    public static var path: String {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidate = bundleDirectory.appendingPathComponent("mlgate").path
        if !FileManager.default.isExecutableFile(atPath: candidate) {
            candidate = bundleDirectory.deletingLastPathComponent().appendingPathComponent("mlgate").path
        }
        return candidate
    }

    /// Where remote actions are fetched from in tests, unless a test serves its own: a
    /// loopback port where nothing listens (the discard port), so no test reaches a network.
    public static let unreachableServer = "git://127.0.0.1:9"
    /// The tests' own action cache, never the user's.
    public static let cacheHome = ProjectPaths.scratch("action-cache")

    /// Runs `mlgate` with `arguments` in `directory`.
    public static func run(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> ProcessRunner.Result {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSupportError("\(path) is missing; build with 'swift build --build-tests' (make test does)")
        }
        let isolated = ["GITHUB_SERVER_URL": unreachableServer, "XDG_CACHE_HOME": cacheHome].merging(environment) { _, given in given }
        return try ProcessRunner.run(path, arguments, in: directory, environment: isolated)
    }
}

/// The repository's top-level folders, found from this source file.
public enum ProjectPaths {
    /// The package root.
    public static let root: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    /// `fixtures/`.
    public static var fixtures: String { root + "/fixtures" }

    /// A folder under `.build/test-scratch/` for what a whole test run shares (the action
    /// cache, the browser's profile, the demo's pages), emptied the first time a run asks for
    /// it: each run starts afresh and none leaves folders in the temporary folder.
    public static func scratch(_ name: String) -> String {
        let path = root + "/.build/test-scratch/" + name
        scratchLock.lock()
        defer { scratchLock.unlock() }
        if !scratchEmptied.contains(name) {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            scratchEmptied.insert(name)
        }
        return path
    }

    private static let scratchLock = NSLock()
    nonisolated(unsafe) private static var scratchEmptied: Set<String> = []
}

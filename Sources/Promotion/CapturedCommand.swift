import Checks
import Foundation

/// Runs a command found on PATH to completion, feeding it `input` and capturing both of its
/// outputs (read at the same time, so neither pipe can fill up and stall it).
enum CapturedCommand {
    struct Result {
        let status: Int32
        let output: String
        let error: String
    }

    static func run(_ words: [String], input: String = "", in directory: String? = nil) -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = words
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do { try ChildProcess.start(process) } catch {
            return Result(status: 127, output: "", error: "\(words.first ?? "") could not start: \(error.localizedDescription)")
        }
        let group = DispatchGroup()
        nonisolated(unsafe) var out = Data(), err = Data()
        group.enter()
        DispatchQueue.global().async { out = stdout.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { err = stderr.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        try? stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        return Result(status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
                      error: String(decoding: err, as: UTF8.self))
    }
}

import Foundation

/// Any command as a check: `pass` when it exits 0, `fail` otherwise, `error` when it cannot
/// be started. Its output goes straight to the caller's terminal.
public struct CommandCheck: Sendable {
    public let name: String
    public let command: [String]
    public let model: String?
    /// Files the check depends on, recorded by content.
    public let inputs: [String]

    public init(name: String, command: [String], model: String? = nil, inputs: [String] = []) {
        (self.name, self.command, self.model, self.inputs) = (name, command, model, inputs)
    }

    /// Runs the command in `directory` and reports on `commit`; `environment` is added to
    /// the command's (the champion's evidence, for checks that compare against it).
    public func run(in directory: String, commit: String, environment: [String: String] = [:]) -> CheckResult {
        let started = Date()
        let clock = ContinuousClock.now
        let whole = command.joined(separator: " ")
        let display = whole.count > 60 ? String(whole.prefix(57)) + "…" : whole
        // Each input is hashed once (data files can be large).
        let digests = inputs.map { CheckResult.sha256(ofFile: Self.absolute($0, in: directory)) }
        func elapsedSeconds() -> Double {
            let elapsed = ContinuousClock.now - clock
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        func result(_ status: CheckResult.Status, _ summary: String, measurements: [String: Double] = [:],
                    findings: [CheckResult.Finding] = [], seconds: Double = elapsedSeconds()) -> CheckResult {
            CheckResult(check: name, kind: .command, status: status, summary: summary, measurements: measurements,
                        findings: findings, inputs: zip(inputs, digests).map { CheckResult.Input(path: $0, sha256: $1 ?? "") },
                        commit: commit, model: model, startedAt: Timestamp.text(started),
                        durationMs: Int(seconds * 1000))
        }
        if let missing = zip(inputs, digests).first(where: { $0.1 == nil })?.0 {
            return result(.error, "input \(missing) cannot be read",
                          findings: [.init(severity: "error", rule: "missing-input", message: "\(missing) does not exist or cannot be read", location: missing)])
        }
        guard let program = command.first, let executable = Self.find(program, in: directory) else {
            return result(.error, "\(command.first ?? "(nothing)") was not found",
                          findings: [.init(severity: "error", rule: "not-found", message: "'\(command.first ?? "")' is not on PATH; install it or give its path")])
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(command.dropFirst())
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        do { try ChildProcess.start(process) } catch {
            return result(.error, "\(display) could not start: \(error.localizedDescription)",
                          findings: [.init(severity: "error", rule: "not-started", message: error.localizedDescription)])
        }
        process.waitUntilExit()
        let seconds = elapsedSeconds()
        if process.terminationReason == .uncaughtSignal {
            let signal = process.terminationStatus
            return result(.fail, "\(display) was killed by signal \(signal)", measurements: ["signal": Double(signal)],
                          findings: [.init(severity: "error", rule: "signal", message: "killed by signal \(signal)")], seconds: seconds)
        }
        let code = process.terminationStatus
        let duration = String(format: "%.1f s", seconds)
        if code == 0 {
            return result(.pass, "\(display) exited with 0 in \(duration)", measurements: ["exit_code": 0], seconds: seconds)
        }
        return result(.fail, "\(display) exited with \(code) in \(duration)", measurements: ["exit_code": Double(code)],
                      findings: [.init(severity: "error", rule: "exit-status", message: "\(display) exited with \(code)")], seconds: seconds)
    }

    static func absolute(_ path: String, in directory: String) -> String {
        path.hasPrefix("/") ? path : directory + "/" + path
    }

    /// The executable for `program`: a path as given (relative to `directory`), else found on PATH.
    static func find(_ program: String, in directory: String) -> String? {
        if program.contains("/") {
            let path = absolute(program, in: directory)
            return FileManager.default.isExecutableFile(atPath: path) ? path : nil
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(program)" }.first(where: FileManager.default.isExecutableFile)
    }
}

import ArgumentParser
import Foundation

/// The `mlgate` command root.
public struct MLGate: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mlgate",
        abstract: "A CI/CD gate for machine-learning models: runs GitHub Actions workflows on the host, keeps a model registry and its evidence in git, decides and records promotions, and rolls back when post-deploy analysis fails.",
        version: "0.2.0",
        subcommands: [RunCommand.self, LintCommand.self, ExprCommand.self,
                      RegisterCommand.self, DeregisterCommand.self, DeprecateCommand.self, AssignCommand.self, UnassignCommand.self, StatusCommand.self, ShowCommand.self, HistoryCommand.self,
                      CheckCommand.self, EvidenceCommand.self, PolicyCommand.self, GateCommand.self, PromoteCommand.self,
                      ReportCommand.self, SiteCommand.self, ApproveCommand.self, RejectCommand.self, KeysCommand.self, MonitorCommand.self, RollbackCommand.self, SyncCommand.self])

    public init() {}

    /// Parses the command line and runs the chosen command (the executable's entry point).
    /// Usage errors exit with 2, like every other invalid input (swift-argument-parser's
    /// default is 64).
    public static func start() async {
        // A closed pipe on stdout or stderr (`mlgate lint | head`) is a failed write (EPIPE),
        // not death by SIGPIPE. A handler that does nothing rather than SIG_IGN: exec resets
        // a caught signal to its default, so every program mlgate starts (steps, ssh-keygen,
        // check commands) still dies of SIGPIPE as it would anywhere else.
        signal(SIGPIPE) { _ in }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                ConsoleOutput().err(fullMessage(for: error))
                Foundation.exit(ExitStatus.invalid)
            }
            exit(withError: error)
        }
    }
}

/// Exit codes shared by every command (see the README).
enum ExitStatus {
    static let success: Int32 = 0
    static let failed: Int32 = 1
    static let invalid: Int32 = 2
    static let pending: Int32 = 3
    static let interrupted: Int32 = 130
}

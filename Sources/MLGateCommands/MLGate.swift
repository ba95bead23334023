import ArgumentParser

/// The `mlgate` command root.
public struct MLGate: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mlgate",
        abstract: "A CI/CD gate for machine-learning models: runs GitHub Actions workflows on the host.",
        version: "0.1.0",
        subcommands: [RunCommand.self, ExprCommand.self])

    public init() {}

    /// Parses the command line and runs the chosen command (the executable's entry point).
    public static func start() async {
        // Through the async protocol, so that the asynchronous `main` is the one called.
        let command: any AsyncParsableCommand.Type = MLGate.self
        await command.main()
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

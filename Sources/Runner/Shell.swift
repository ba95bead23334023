import Foundation

/// How a `run:` script is started, as GitHub's runner does on Linux.
struct Shell: Sendable {
    let executable: String
    let arguments: [String]
    let fileExtension: String

    /// A shell that cannot be used here.
    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    /// Resolves `shell:` (nil: `bash -e {0}`, or `sh -e {0}` without bash) for `scriptPath`.
    /// As GitHub's runner: a known name picks its arguments whatever its case, and the
    /// command is looked up on PATH as written, so on Linux `shell: Bash` finds no `Bash`.
    static func resolve(_ shell: String?, scriptPath: String, path: String?) throws(Unavailable) -> Shell {
        func has(_ name: String) -> Bool { PosixProcessLauncher.resolve(name, path: path).hasPrefix("/") }
        func found(_ name: String) throws(Unavailable) -> String {
            guard has(name) else { throw Unavailable(description: "\(name): command not found (shell: \(name) is looked up on PATH as written)") }
            return name
        }
        guard let shell else {
            return has("bash") ? Shell(executable: "bash", arguments: ["-e", scriptPath], fileExtension: ".sh")
                               : Shell(executable: "sh", arguments: ["-e", scriptPath], fileExtension: ".sh")
        }
        switch shell.lowercased() {
        case "bash":
            return Shell(executable: try found(shell), arguments: ["--noprofile", "--norc", "-eo", "pipefail", scriptPath], fileExtension: ".sh")
        case "sh":
            return Shell(executable: try found(shell), arguments: ["-e", scriptPath], fileExtension: ".sh")
        case "python":
            // `python`, else python3 (Debian has no `python`).
            let python = shell == "python" && !has("python") ? "python3" : shell
            guard has(python) else { throw Unavailable(description: "shell '\(shell)' needs \(shell == "python" ? "python or python3" : shell) on PATH") }
            return Shell(executable: python, arguments: [scriptPath], fileExtension: ".py")
        case "pwsh", "powershell":
            // Windows PowerShell is pwsh on Linux.
            let command = shell == "pwsh" || shell == "powershell" ? "pwsh" : shell
            guard has(command) else { throw Unavailable(description: "shell '\(shell)' needs \(command) (PowerShell) on PATH") }
            return Shell(executable: command, arguments: ["-command", ". '\(scriptPath)'"], fileExtension: ".ps1")
        case "cmd":
            throw Unavailable(description: "shell 'cmd' runs only on Windows")
        default:
            let words = shell.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = words.first else { throw Unavailable(description: "empty shell") }
            return Shell(executable: first, arguments: words.dropFirst().map { $0.replacingOccurrences(of: "{0}", with: scriptPath) },
                         fileExtension: "")
        }
    }

    /// Whether a step with this `shell:` runs under bash's own start-up rules, so its shell
    /// may be started ahead (`PrelaunchedShell`): the default and `bash`, not custom lines,
    /// whose options are unknown.
    static func startsAhead(_ shell: String?) -> Bool {
        shell == nil || shell == "bash"
    }

    /// The file extension a shell's script gets, decided before the script path exists.
    static func fileExtension(for shell: String?) -> String {
        switch shell?.lowercased() {
        case nil, "bash", "sh": ".sh"
        case "python": ".py"
        case "pwsh", "powershell": ".ps1"
        default: ""
        }
    }
}

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
    static func resolve(_ shell: String?, scriptPath: String, path: String?) throws(Unavailable) -> Shell {
        func has(_ name: String) -> Bool { PosixProcessLauncher.resolve(name, path: path).hasPrefix("/") }
        switch shell {
        case nil:
            return has("bash") ? Shell(executable: "bash", arguments: ["-e", scriptPath], fileExtension: ".sh")
                               : Shell(executable: "sh", arguments: ["-e", scriptPath], fileExtension: ".sh")
        case "bash":
            return Shell(executable: "bash", arguments: ["--noprofile", "--norc", "-eo", "pipefail", scriptPath], fileExtension: ".sh")
        case "sh":
            return Shell(executable: "sh", arguments: ["-e", scriptPath], fileExtension: ".sh")
        case "python":
            let python = has("python") ? "python" : "python3"
            guard has(python) else { throw Unavailable(description: "shell 'python' needs python or python3 on PATH") }
            return Shell(executable: python, arguments: [scriptPath], fileExtension: ".py")
        case "pwsh", "powershell":
            guard has("pwsh") else { throw Unavailable(description: "shell '\(shell!)' needs pwsh (PowerShell) on PATH") }
            return Shell(executable: "pwsh", arguments: ["-command", ". '\(scriptPath)'"], fileExtension: ".ps1")
        case "cmd":
            throw Unavailable(description: "shell 'cmd' runs only on Windows")
        case let custom?:
            let words = custom.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
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
        switch shell {
        case nil, "bash", "sh": ".sh"
        case "python": ".py"
        case "pwsh", "powershell": ".ps1"
        default: ""
        }
    }
}

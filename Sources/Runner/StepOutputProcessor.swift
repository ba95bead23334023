import Foundation

/// Handles each line a step prints: runs workflow commands (`::add-mask::`, `::error::`,
/// `::group::`, `::stop-commands::`, …), masks secrets, and forwards what the user sees.
/// Called from the output-reading thread; state is behind a lock.
final class StepOutputProcessor: @unchecked Sendable {
    private let lock = NSLock()
    private let masker: SecretMasker
    private let emit: @Sendable (String) -> Void
    private let annotate: @Sendable (Annotation) -> Void
    private let job: String
    private let step: String
    private let allowUnsecureCommands: Bool
    private let debugEnabled: Bool
    private var stopToken: String?
    private var legacyOutputs: [(String, String)] = []
    private var legacyEnv: [(String, String)] = []
    private var legacyState: [(String, String)] = []
    private var legacyPath: [String] = []
    private var errors: [String] = []

    init(masker: SecretMasker, job: String, step: String, allowUnsecureCommands: Bool, debugEnabled: Bool,
         emit: @escaping @Sendable (String) -> Void, annotate: @escaping @Sendable (Annotation) -> Void) {
        self.masker = masker
        self.job = job
        self.step = step
        self.allowUnsecureCommands = allowUnsecureCommands
        self.debugEnabled = debugEnabled
        self.emit = emit
        self.annotate = annotate
    }

    /// Outputs set with the deprecated `::set-output`.
    var outputs: [(String, String)] { lock.withLock { legacyOutputs } }
    /// State saved with the deprecated `::save-state` (a JavaScript action's, for its `post`).
    var savedState: [(String, String)] { lock.withLock { legacyState } }
    /// Variables set with `::set-env` (only when unsecure commands are allowed).
    var env: [(String, String)] { lock.withLock { legacyEnv } }
    /// Paths added with `::add-path` (only when unsecure commands are allowed).
    var paths: [String] { lock.withLock { legacyPath } }
    /// Commands that fail the step (`set-env` when disabled, …).
    var commandErrors: [String] { lock.withLock { errors } }

    func handle(_ line: String) {
        lock.lock()
        if let token = stopToken {
            if line.trimmingCharacters(in: .whitespaces) == "::\(token)::" {
                stopToken = nil
                lock.unlock()
                return
            }
            lock.unlock()
            emit(masker.mask(line))
            return
        }
        lock.unlock()
        guard let command = WorkflowCommand.parse(line) else {
            emit(masker.mask(line))
            return
        }
        switch command.name {
        case "add-mask":
            masker.add(command.message)
        case "error", "warning", "notice":
            let message = masker.mask(command.message)
            annotate(Annotation(level: Annotation.Level(rawValue: command.name)!, message: message,
                                title: command.properties["title"].map(masker.mask), file: command.properties["file"],
                                line: command.properties["line"].flatMap { Int($0) },
                                column: (command.properties["col"] ?? command.properties["column"]).flatMap { Int($0) },
                                job: job, step: step))
            emit("\(command.name.capitalized): \(message)")
        case "group":
            emit("▸ " + masker.mask(command.message))
        case "endgroup":
            break
        case "debug":
            if debugEnabled { emit("Debug: " + masker.mask(command.message)) }
        case "stop-commands":
            lock.withLock { stopToken = command.message }
        case "set-output":
            if let name = command.properties["name"] {
                lock.withLock { legacyOutputs.append((name, command.message)) }
            }
        case "save-state":
            if let name = command.properties["name"] {
                lock.withLock { legacyState.append((name, command.message)) }
            }
        case "echo":
            break
        case "set-env", "add-path":
            guard allowUnsecureCommands else {
                let text = "Unable to process command '\(masker.mask(line))' successfully. The `\(command.name)` command is disabled. Use environment files instead (GITHUB_ENV, GITHUB_PATH), or set ACTIONS_ALLOW_UNSECURE_COMMANDS=true in the step's env."
                lock.withLock { errors.append(text) }
                emit("Error: " + text)
                return
            }
            lock.withLock {
                if command.name == "set-env", let name = command.properties["name"] {
                    legacyEnv.append((name, command.message))
                } else if command.name == "add-path" {
                    legacyPath.append(command.message)
                }
            }
        default:
            emit(masker.mask(line))
        }
    }
}

internal import CLibGit2
internal import CGitStartup
import Foundation

/// One-time libgit2 initialisation and error capture.
enum LibGit2 {
    /// libgit2 is initialised once per process, on first use, on the calling thread (see
    /// CGitStartup). No thread is started for it, so a process may exit at any time.
    static var initialized: Bool {
        mlgate_git_initialize()
        return true
    }

    /// Turns a libgit2 return code into a `GitError`, reading `git_error_last()` immediately.
    static func check(_ code: Int32, _ operation: @autoclosure () -> String) throws(GitError) {
        guard code < 0 else { return }
        throw lastError(code, operation())
    }

    static func lastError(_ code: Int32, _ operation: String) -> GitError {
        var message = "libgit2 error \(code)"
        if let error = git_error_last(), let text = error.pointee.message {
            message = String(cString: text)
        }
        return GitError(operation: operation, message: message, code: code)
    }
}

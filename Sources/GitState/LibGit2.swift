internal import CLibGit2
import Foundation

/// One-time libgit2 initialisation and error capture.
enum LibGit2 {
    /// Signalled when `git_libgit2_init` has returned.
    private static let ready = DispatchGroup()

    /// Starts `git_libgit2_init` on a background thread, once per process. libgit2 (Debian's
    /// mbedtls build) parses the system's CA bundle there, about 10 ms; starting early lets
    /// that overlap with parsing workflows.
    static let started: Void = {
        ready.enter()
        Thread.detachNewThread {
            git_libgit2_init()
            ready.leave()
        }
    }()

    /// Blocks until libgit2 is initialised (starting it if nobody has).
    static var initialized: Bool {
        _ = started
        ready.wait()
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

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starting a program with Foundation's `Process` as a shell would: with no signal blocked.
/// A child inherits the signal mask of the thread that starts it, and Swift's concurrency
/// and libdispatch threads block most signals; Foundation does not reset the mask, so a
/// check command started from such a thread could not be stopped by SIGINT or SIGTERM.
public enum ChildProcess {
    /// Runs `process.run()` with the calling thread's signal mask emptied for the spawn,
    /// then restored.
    public static func start(_ process: Process) throws {
        var none = sigset_t(), previous = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
    }
}

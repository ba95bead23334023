import Foundation
#if canImport(Glibc)
import Glibc
#endif
import CProcess

/// A bash started before its step begins, so that its start-up (exec, dynamic loading,
/// initialisation: most of what a short step costs) overlaps the step before it.
///
/// It waits on a pipe it reads as `BASH_ENV`, which bash sources before it opens its script;
/// the script is written only when the step begins. Releasing it checks that nothing it
/// started with has changed since (its working directory and executable are the same files;
/// the runner has already compared the arguments and environment), then sends a preamble that
/// undoes what waiting left behind: it closes the pipe's descriptor, unsets `BASH_ENV`,
/// restarts `SECONDS`, and restores `$_`.
public protocol PrelaunchedShell: Sendable {
    /// What was started, as the step asked (without the waiting pipe's variable).
    var spec: ProcessSpec { get }
    /// Lets the shell go on to read its script, which must be written by now. Returns the
    /// running process, or nil (after discarding the shell) when it cannot be used: it has
    /// exited, or its working directory or executable is no longer the file it started with.
    func release(onLine: @escaping @Sendable (String) -> Void) -> (any RunningProcess)?
    /// Kills and reaps the shell without running anything. Call it for a shell not released.
    func discard()
}

extension PosixProcessLauncher {
    /// Variables under which bash would not source `BASH_ENV`, or would start differently
    /// from how the preamble leaves it.
    static let prelaunchBlockers = ["BASH_ENV", "POSIXLY_CORRECT", "SHELLOPTS", "SECONDS"]

    /// The descriptor a waiting bash reads its preamble from.
    static let gateDescriptor: Int32 = 3

    public func prelaunch(_ spec: ProcessSpec) -> (any PrelaunchedShell)? {
        let executable = Self.resolve(spec.executable, path: spec.environment["PATH"])
        guard executable.hasPrefix("/"), executable.split(separator: "/").last == "bash",
              !Self.prelaunchBlockers.contains(where: { spec.environment[$0] != nil }),
              getuid() == geteuid(), getgid() == getegid() else { return nil }

        var fds: [Int32] = [0, 0]
        guard mlgate_pipe_cloexec(&fds) == 0 else { return nil }
        // The read end goes to the child as fd 3; keep the parent's copy off 0...3 so the
        // dup2 always makes a descriptor that stays open across exec.
        let gateRead = mlgate_dup_cloexec_above(fds[0], 10)
        close(fds[0])
        guard gateRead >= 0 else {
            close(fds[1])
            return nil
        }
        defer { close(gateRead) }
        var environment = spec.environment
        environment["BASH_ENV"] = "/dev/fd/\(Self.gateDescriptor)"
        guard let (pid, output) = try? spawn(spec, environment: environment, extraDescriptor: gateRead) else {
            close(fds[1])
            return nil
        }
        return PosixPrelaunchedShell(spec: spec, executable: executable, pid: pid, outputFD: output, gateFD: fds[1])
    }
}

/// A bash waiting on its `BASH_ENV` pipe; see `PrelaunchedShell`.
final class PosixPrelaunchedShell: PrelaunchedShell, @unchecked Sendable {
    let spec: ProcessSpec
    private let executable: String
    private let pid: pid_t
    private let outputFD: Int32
    private let gateFD: Int32

    init(spec: ProcessSpec, executable: String, pid: pid_t, outputFD: Int32, gateFD: Int32) {
        self.spec = spec
        self.executable = executable
        self.pid = pid
        self.outputFD = outputFD
        self.gateFD = gateFD
    }

    func release(onLine: @escaping @Sendable (String) -> Void) -> (any RunningProcess)? {
        // /proc/PID/cwd and /proc/PID/exe name the very directory and file the shell holds;
        // a directory removed and made again, or a replaced bash, is another inode.
        guard mlgate_has_exited(pid) == 0,
              Self.sameFile("/proc/\(pid)/cwd", spec.workingDirectory),
              Self.sameFile("/proc/\(pid)/exe", executable) else {
            discard()
            return nil
        }
        var preamble = "exec \(PosixProcessLauncher.gateDescriptor)<&-; unset BASH_ENV; SECONDS=0; : "
            + Self.quoted(spec.environment["_"] ?? spec.executable) + "\n"
        let sent = preamble.withUTF8 { mlgate_write_all_nosigpipe(gateFD, $0.baseAddress, $0.count) == 0 }
        guard sent else {
            discard()
            return nil
        }
        close(gateFD)
        return PosixProcess(pid: pid, outputFD: outputFD, onLine: onLine)
    }

    func discard() {
        // Killed and reaped before the pipe closes: a closed pipe would let it go on.
        killpg(pid, SIGKILL)  // its own group, of which it is the only member while it waits
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        close(gateFD)
        close(outputFD)
    }

    /// Whether two paths name the same file (device and inode, following links).
    private static func sameFile(_ a: String, _ b: String) -> Bool {
        var first = stat(), second = stat()
        guard stat(a, &first) == 0, stat(b, &second) == 0 else { return false }
        return first.st_dev == second.st_dev && first.st_ino == second.st_ino
    }

    /// `text` as one single-quoted shell word.
    private static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

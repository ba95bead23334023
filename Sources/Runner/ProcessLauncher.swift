import Foundation
#if canImport(Glibc)
import Glibc
#endif
import CProcess

/// What to start: an executable with arguments, environment and working directory.
public struct ProcessSpec: Sendable, Equatable {
    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]
    public var workingDirectory: String

    public init(executable: String, arguments: [String], environment: [String: String], workingDirectory: String) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
    }
}

/// How a process ended.
public enum ProcessExit: Sendable, Equatable {
    case exited(Int32)
    case signalled(Int32)

    /// Whether it exited with status 0.
    public var succeeded: Bool { self == .exited(0) }
}

/// A started process that can be signalled as a whole tree (its process group).
public protocol RunningProcess: Sendable {
    /// Reads the process's output on the calling thread (passing each line to the
    /// `onLine` given at start) until it ends, and reaps it. When `deadline` passes first,
    /// `onDeadline` is called once and waiting goes on.
    func waitReadingOutput(until deadline: ContinuousClock.Instant?, onDeadline: () -> Void) -> ProcessExit
    /// Sends SIGINT to the process group, then SIGTERM and SIGKILL after the grace periods.
    func terminate(grace: Duration)
    /// SIGKILL to the process group: whatever is left of the tree.
    func killGroup()
}

/// Starts processes. The edge between mlgate and the operating system; tests may use a
/// double.
public protocol ProcessLauncher: Sendable {
    /// Starts `spec` in its own process group; each output line (stdout and stderr merged,
    /// without the newline) is passed to `onLine` in order, on the thread that waits.
    func start(_ spec: ProcessSpec, onLine: @escaping @Sendable (String) -> Void) throws -> any RunningProcess
    /// Starts `spec`, a bash step, ahead of its step: it waits before reading its script
    /// until released. nil when this launcher does not start processes ahead, or cannot
    /// start this one so that it behaves exactly as one started by `start` would.
    func prelaunch(_ spec: ProcessSpec) -> (any PrelaunchedShell)?
}

extension ProcessLauncher {
    /// Starts nothing ahead: every step's process is started by `start`.
    public func prelaunch(_ spec: ProcessSpec) -> (any PrelaunchedShell)? { nil }
}

/// An error starting a process.
public struct LaunchError: Error, Sendable, CustomStringConvertible {
    public let executable: String
    public let reason: String
    public var description: String { "cannot start \(executable): \(reason)" }
}

/// `posix_spawn` with a new process group, a merged stdout/stderr pipe, stdin from /dev/null.
public struct PosixProcessLauncher: ProcessLauncher {
    public init() {}

    public func start(_ spec: ProcessSpec, onLine: @escaping @Sendable (String) -> Void) throws -> any RunningProcess {
        let (pid, output) = try spawn(spec, environment: spec.environment, extraDescriptor: nil)
        return PosixProcess(pid: pid, outputFD: output, onLine: onLine)
    }

    /// Spawns `spec` with `environment`; `extraDescriptor` (when given) becomes the child's
    /// fd 3. Returns the pid and the read end of its output pipe.
    func spawn(_ spec: ProcessSpec, environment: [String: String], extraDescriptor: Int32?) throws -> (pid_t, Int32) {
        var fds: [Int32] = [0, 0]
        guard mlgate_pipe_cloexec(&fds) == 0 else {
            throw LaunchError(executable: spec.executable, reason: String(cString: strerror(errno)))
        }
        let (readEnd, writeEnd) = (fds[0], fds[1])

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 2)
        if let extraDescriptor { posix_spawn_file_actions_adddup2(&actions, extraDescriptor, 3) }
        mlgate_spawn_file_actions_addchdir(&actions, spec.workingDirectory)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGQUIT, SIGHUP] { sigaddset(&defaultSignals, signal) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([spec.executable] + spec.arguments).map { strdup($0) } + [nil]
        // "NAME=value" strings for the child, built without Foundation.
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let executable = Self.resolve(spec.executable, path: environment["PATH"])
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        close(writeEnd)
        guard status == 0 else {
            close(readEnd)
            throw LaunchError(executable: spec.executable, reason: String(cString: strerror(status)))
        }
        return (pid, readEnd)
    }

    /// Finds `name` on `path` as execvp would (names with a slash are used as they are).
    /// Results are remembered per PATH, since every step resolves its shell.
    static func resolve(_ name: String, path: String?) -> String {
        if name.utf8.contains(UInt8(ascii: "/")) { return name }
        let searchPath = path ?? "/usr/local/bin:/usr/bin:/bin"
        return ExecutableCache.shared.resolve(name, path: searchPath) {
            for dir in searchPath.split(separator: ":") {
                let candidate = "\(dir)/\(name)"
                if access(candidate, X_OK) == 0 { return candidate }
            }
            return name
        }
    }
}

/// A detached POSIX thread: cheaper to start than Foundation's `Thread`, which matters once
/// per step. (A pool of reused threads measured slower: waking one costs more here.)
enum DetachedThread {
    private final class Box: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    static func start(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        // 8 MiB, as a main thread has: composite actions nested ten deep run their steps
        // on this thread, and a stack is only reserved, not committed, until used.
        pthread_attr_setstacksize(&attributes, 8 * 1024 * 1024)
        var thread = pthread_t()
        let status = pthread_create(&thread, &attributes, { raw in
            // Threads made from libdispatch's workers inherit a mask that blocks SIGCHLD.
            // A blocked SIGCHLD is queued for the process and wakes another thread at every
            // child's exit; unblocked, its default disposition discards it at once.
            var childSignal = sigset_t()
            sigemptyset(&childSignal)
            sigaddset(&childSignal, SIGCHLD)
            pthread_sigmask(SIG_UNBLOCK, &childSignal, nil)
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        pthread_attr_destroy(&attributes)
        if status != 0 {
            // No thread could be made: run on a Foundation thread instead.
            let box = Unmanaged<Box>.fromOpaque(box).takeRetainedValue()
            Thread.detachNewThread { box.body() }
        }
    }
}

/// Where executables were found, by name and PATH.
final class ExecutableCache: @unchecked Sendable {
    static let shared = ExecutableCache()
    private let lock = NSLock()
    private var found: [String: String] = [:]

    func resolve(_ name: String, path: String, search: () -> String) -> String {
        let key = name + "\u{0}" + path
        if let hit = lock.withLock({ found[key] }) { return hit }
        let result = search()
        lock.withLock { found[key] = result }
        return result
    }
}

/// A process started by `PosixProcessLauncher`. The waiting thread reads its output and
/// reaps it; if the shell has exited but a background child still holds the pipe open, it
/// stops waiting for output shortly after, so the step does not hang.
final class PosixProcess: RunningProcess, @unchecked Sendable {
    let pid: pid_t
    private let outputFD: Int32
    private let onLine: @Sendable (String) -> Void
    private let lock = NSLock()
    private var exit: ProcessExit?
    private var terminationRequested = false

    init(pid: pid_t, outputFD: Int32, onLine: @escaping @Sendable (String) -> Void) {
        self.pid = pid
        self.outputFD = outputFD
        self.onLine = onLine
    }

    func waitReadingOutput(until deadline: ContinuousClock.Instant?, onDeadline: () -> Void) -> ProcessExit {
        let reaped = LineReader.read(fd: outputFD, onLine: onLine, deadline: deadline, onDeadline: onDeadline,
                                     reap: { reap(blocking: false) })
        close(outputFD)
        // waitpid fails only if something else reaped the child: report it as failed.
        let result = reaped ?? reap(blocking: true) ?? .exited(127)
        lock.withLock { exit = result }
        return result
    }

    /// Waits for the shell (or checks, when not blocking); nil while it still runs.
    private func reap(blocking: Bool) -> ProcessExit? {
        var status: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &status, blocking ? 0 : WNOHANG) } while result < 0 && errno == EINTR
        guard result == pid else { return nil }
        // A cancelled step ends with its whole tree: kill what is left of the group before
        // the step is reported finished.
        if lock.withLock({ terminationRequested }) { killpg(pid, SIGKILL) }
        return (status & 0x7F) == 0 ? .exited((status >> 8) & 0xFF) : .signalled(status & 0x7F)
    }

    /// SIGINT to the group; once the shell has gone (or after `grace`, then SIGTERM and a
    /// shorter wait), SIGKILL to whatever is left in the group, so no grandchild survives.
    func terminate(grace: Duration) {
        let pgid = pid
        lock.withLock { terminationRequested = true }
        killpg(pgid, SIGINT)
        DetachedThread.start { [self] in
            let seconds = Double(grace.components.seconds) + Double(grace.components.attoseconds) / 1e18
            if !sleepUnlessExited(seconds) {
                killpg(pgid, SIGTERM)
                _ = sleepUnlessExited(min(seconds / 3, 2.5))
            }
            killpg(pgid, SIGKILL)
        }
    }

    /// Sleeps up to `seconds`; true when the process exited meanwhile.
    private func sleepUnlessExited(_ seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if lock.withLock({ exit != nil }) { return true }
            usleep(20_000)
        }
        return false
    }

    func killGroup() {
        killpg(pid, SIGKILL)
    }
}

/// Splits a file descriptor's bytes into lines (LF, with a trailing CR removed).
enum LineReader {
    /// Reads until end of file and returns nil; or, when `reap` reports the process ended
    /// while a background child keeps the pipe open, drains briefly and returns that exit.
    /// Calls `onDeadline` once if `deadline` passes first.
    static func read(fd: Int32, onLine: (String) -> Void, deadline: ContinuousClock.Instant?,
                     onDeadline: () -> Void, reap: () -> ProcessExit?) -> ProcessExit? {
        var deadline = deadline
        var pending: [UInt8] = []
        let capacity = 65_536
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var exited: ProcessExit?
        var drainDeadline: Date?
        while true {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            var timeout: Int32 = exited == nil ? 100 : 20
            if let d = deadline {
                let left = ContinuousClock.now.duration(to: d)
                if left <= .zero {
                    deadline = nil
                    onDeadline()
                    continue
                }
                timeout = min(timeout, Int32(clamping: max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)))
            }
            let ready = poll(&descriptor, 1, timeout)
            if ready == 0 {
                if exited == nil {
                    exited = reap()
                    if exited != nil { drainDeadline = Date().addingTimeInterval(0.2) }
                } else if let drainDeadline, Date() > drainDeadline {
                    break
                }
                continue
            }
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            let n = Glibc.read(fd, buffer, capacity)
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            var start = 0
            for i in 0..<n where buffer[i] == 0x0A {
                pending.append(contentsOf: UnsafeBufferPointer(start: buffer + start, count: i - start))
                emit(&pending, onLine)
                start = i + 1
            }
            pending.append(contentsOf: UnsafeBufferPointer(start: buffer + start, count: n - start))
        }
        if !pending.isEmpty { emit(&pending, onLine) }
        return exited
    }

    private static func emit(_ bytes: inout [UInt8], _ onLine: (String) -> Void) {
        if bytes.last == 0x0D { bytes.removeLast() }
        onLine(String(decoding: bytes, as: UTF8.self))
        bytes.removeAll(keepingCapacity: true)
    }
}

import Foundation

/// A node in the run's cancellation tree (run → matrix → job instance). Cancelling a scope
/// cancels its children and terminates the processes registered under them.
public final class CancellationScope: @unchecked Sendable {
    /// Why a scope was cancelled.
    public enum Reason: Sendable, Equatable {
        case interrupted
        case failFast
        case timedOut
    }

    private let lock = NSLock()
    private var reason: Reason?
    private var children: [CancellationScope] = []
    private var processes: [Int: any RunningProcess] = [:]
    private var nextProcessKey = 0
    private var temporaryPaths: [String] = []
    private let grace: Duration

    /// Creates a root scope; `grace` is how long processes get between SIGINT and SIGTERM.
    public init(grace: Duration) {
        self.grace = grace
    }

    /// A child scope, already cancelled when this one is.
    public func child() -> CancellationScope {
        let scope = CancellationScope(grace: grace)
        lock.lock()
        let current = reason
        children.append(scope)
        lock.unlock()
        if let current { scope.cancel(current) }
        return scope
    }

    /// Why the scope was cancelled, or nil.
    public var cancellationReason: Reason? {
        lock.lock()
        defer { lock.unlock() }
        return reason
    }

    /// Whether the scope was cancelled.
    public var isCancelled: Bool { cancellationReason != nil }

    /// Cancels this scope and its children, terminating their processes.
    public func cancel(_ why: Reason) {
        lock.lock()
        if reason != nil {
            lock.unlock()
            return
        }
        reason = why
        let running = Array(processes.values)
        let kids = children
        lock.unlock()
        for process in running { process.terminate(grace: grace) }
        for kid in kids { kid.cancel(why) }
    }

    /// SIGKILL to every process group still registered here and below: nothing is left
    /// running.
    public func killAll() {
        lock.lock()
        let running = Array(processes.values)
        let kids = children
        lock.unlock()
        for process in running { process.killGroup() }
        for kid in kids { kid.killAll() }
    }

    /// Records a temporary file or folder of the run, removed by `removeTemporaryPaths` when
    /// the run is stopped at once (the run removes its own when it ends normally).
    public func removeOnStop(_ path: String) {
        lock.withLock { temporaryPaths.append(path) }
    }

    /// Removes every temporary path recorded here and below.
    public func removeTemporaryPaths() {
        lock.lock()
        let paths = temporaryPaths
        let kids = children
        lock.unlock()
        for path in paths {
            // A job thread woken by the kill may still write into the folder while it is
            // removed (the removal then fails on a folder no longer empty): try again, briefly.
            for _ in 0..<50 {
                try? FileManager.default.removeItem(atPath: path)
                guard FileManager.default.fileExists(atPath: path) else { break }
                usleep(2_000)
            }
        }
        for kid in kids { kid.removeTemporaryPaths() }
    }

    /// Registers a running process; it is terminated if the scope is cancelled. A process
    /// started before the cancellation was seen is terminated at once; one started after it
    /// (an `always()` or `cancelled()` step) runs. Returns a key for `unregister`.
    func register(_ process: any RunningProcess, startedAfterCancellation: Bool = false) -> Int {
        lock.lock()
        let key = nextProcessKey
        nextProcessKey += 1
        processes[key] = process
        let cancelled = reason != nil
        lock.unlock()
        if cancelled, !startedAfterCancellation { process.terminate(grace: grace) }
        return key
    }

    func unregister(_ key: Int) {
        lock.lock()
        processes[key] = nil
        lock.unlock()
    }
}

/// Bounds how many jobs run at once (`--max-parallel`, `strategy.max-parallel`).
public actor ConcurrencyLimiter {
    private var available: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Creates a limiter with `limit` slots.
    public init(limit: Int) {
        available = max(1, limit)
    }

    /// Waits for a slot.
    public func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Returns a slot.
    public func release() {
        if waiting.isEmpty {
            available += 1
        } else {
            waiting.removeFirst().resume()
        }
    }

    /// Runs `body` holding a slot.
    public func withSlot<T: Sendable>(_ body: @Sendable () async -> T) async -> T {
        await acquire()
        let result = await body()
        release()
        return result
    }
}

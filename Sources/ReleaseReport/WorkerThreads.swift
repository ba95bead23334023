import Foundation

/// A few threads of its own that run submitted work, first submitted first started. The
/// site's pages are written on them while the calling thread reads the next model from git:
/// Dispatch would run the pages on the one pool thread the command's own task leaves free,
/// so the last models' pages would be written by a single thread after reading ends.
final class WorkerThreads: @unchecked Sendable {
    private let condition = NSCondition()
    private var pending: [@Sendable () -> Void] = []
    private var next = 0
    private var closed = false
    private var running: Int

    /// Starts `count` threads (at least one), which wait for work.
    init(count: Int) {
        running = max(1, count)
        for _ in 0..<running {
            let thread = Thread { [self] in work() }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Queues `job` for the next free thread.
    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        pending.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Waits until every job submitted has run; the threads then end.
    func finish() {
        condition.lock()
        closed = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while next == pending.count && !closed { condition.wait() }
            guard next < pending.count else {
                running -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            let job = pending[next]
            pending[next] = {}  // the job's captures are released once it has run
            next += 1
            condition.unlock()
            job()
        }
    }
}

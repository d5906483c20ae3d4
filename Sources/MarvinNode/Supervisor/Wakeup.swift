import Foundation

/// How a task's runner waits: until a wall-clock instant or until something concerning the
/// task happens (an abort, new times, the end of an operation, a free node). Wall-clock
/// instants are re-checked at least every second, so a clock step moves them at once
/// (node-runtime §5.5). Several waits may be pending (the runner and its operation); a
/// signal ends all of them.
public final class Wakeup: @unchecked Sendable {
    private let lock = NSLock()
    private var signalled = false
    private var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var next = 0

    public init() {}

    /// Wakes the current waits, or the next one when none is pending.
    public func signal() {
        lock.lock()
        let pending = waiters
        waiters = [:]
        if pending.isEmpty { signalled = true }
        lock.unlock()
        pending.values.forEach { $0.resume() }
    }

    /// Returns at `instant` (unix seconds), on a signal, or after at most `longest` seconds.
    public func wait(until instant: Double?, longest: Double = 1) async {
        let remaining = instant.map { $0 - Date().timeIntervalSince1970 } ?? longest
        guard remaining > 0 else { return }
        let delay = min(remaining, longest)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            if signalled {
                signalled = false
                lock.unlock()
                continuation.resume()
                return
            }
            next += 1
            let mine = next
            waiters[mine] = continuation
            lock.unlock()
            DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [self] in
                // Only the wait this timer belongs to, if a signal has not ended it already.
                lock.lock()
                let pending = waiters.removeValue(forKey: mine)
                lock.unlock()
                pending?.resume()
            }
        }
    }
}

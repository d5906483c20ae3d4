import Foundation

/// How a task's runner waits: until a wall-clock instant or until something concerning the
/// task happens (an abort, new times, the end of an operation, a free node). Wall-clock
/// instants are re-checked at least every second, so a clock step moves them at once
/// (node-runtime §5.5).
public final class Wakeup: @unchecked Sendable {
    private let lock = NSLock()
    private var signalled = false
    private var waiter: CheckedContinuation<Void, Never>?
    private var generation = 0

    public init() {}

    /// Wakes the current (or the next) wait.
    public func signal() {
        lock.lock()
        if let waiter {
            self.waiter = nil
            lock.unlock()
            waiter.resume()
        } else {
            signalled = true
            lock.unlock()
        }
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
            waiter = continuation
            generation += 1
            let mine = generation
            lock.unlock()
            DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [self] in
                lock.lock()
                // Only the wait this timer belongs to: a signal may already have ended it.
                guard mine == generation, let pending = waiter else {
                    lock.unlock()
                    return
                }
                waiter = nil
                lock.unlock()
                pending.resume()
            }
        }
    }
}

import Dispatch
import Foundation

/// Waits for termination signals without a signal handler doing the work: the signals are
/// ignored at the process level and delivered through dispatch sources.
public final class SignalWatch: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]
    private let lock = NSLock()
    private var pending: [Int32] = []
    private var waiter: CheckedContinuation<Int32, Never>?
    private var onHangup: (@Sendable () -> Void)?

    public init(_ signals: [Int32]) {
        var sources: [DispatchSourceSignal] = []
        for number in signals {
            signal(number, SIG_IGN)
            sources.append(DispatchSource.makeSignalSource(signal: number, queue: .global()))
        }
        self.sources = sources
        for (number, source) in zip(signals, sources) {
            source.setEventHandler { [weak self] in self?.deliver(number) }
            source.resume()
        }
    }

    private func deliver(_ number: Int32) {
        lock.lock()
        if number == SIGHUP {
            let hangup = onHangup
            lock.unlock()
            hangup?()
            return
        }
        if let waiter {
            self.waiter = nil
            lock.unlock()
            waiter.resume(returning: number)
        } else {
            pending.append(number)
            lock.unlock()
        }
    }

    /// The next SIGTERM or SIGINT; SIGHUP only runs `hangup`.
    public func next(hangup: @escaping @Sendable () -> Void) async -> Int32 {
        await withCheckedContinuation { continuation in
            lock.lock()
            onHangup = hangup
            if !pending.isEmpty {
                let number = pending.removeFirst()
                lock.unlock()
                continuation.resume(returning: number)
            } else {
                waiter = continuation
                lock.unlock()
            }
        }
    }
}

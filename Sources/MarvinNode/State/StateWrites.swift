import Synchronization

/// Whether the state database takes writes (scenario 128): a full filesystem makes every
/// transition fail. Meanwhile runs still stop at their stop time, no new run starts, the
/// runners try again every second, and `marvind status` and systemd's status line say
/// `state database write failing`.
public final class StateWrites: Sendable {
    private let isFailing = Mutex(false)

    public init() {}

    public var failing: Bool { isFailing.withLock { $0 } }

    /// A write failed; true when it is the first since the last success.
    func failed() -> Bool {
        isFailing.withLock { failing in
            defer { failing = true }
            return !failing
        }
    }

    /// A write succeeded; true when writes had been failing.
    func succeeded() -> Bool {
        isFailing.withLock { failing in
            defer { failing = false }
            return failing
        }
    }
}

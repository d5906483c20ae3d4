import Synchronization

/// Whether the state database takes writes (scenario 128): a full filesystem makes every
/// transition fail. Meanwhile runs still stop at their stop time, no new run starts, the
/// runners try again every second, and `marvind status` and systemd's status line say
/// `state database write failing`.
public final class StateWrites: Sendable {
    private let failingSince = Mutex<Double?>(nil)

    public init() {}

    public var failing: Bool { failingSince.withLock { $0 != nil } }

    /// A write failed; true when it is the first since the last success.
    func failed(at now: Double) -> Bool {
        failingSince.withLock { since in
            defer { since = since ?? now }
            return since == nil
        }
    }

    /// A write succeeded; true when writes had been failing.
    func succeeded() -> Bool {
        failingSince.withLock { since in
            defer { since = nil }
            return since != nil
        }
    }
}

import Foundation

/// `<results>/container.log` (node-runtime §8.3): the run's stdout and stderr, each line as
/// `<RFC 3339 UTC time with nanoseconds> <line>` like `docker logs -t`, in arrival order. The
/// follower position is kept durably so a restarted marvind neither skips nor repeats lines.
public final class ContainerLog: @unchecked Sendable {
    public let path: String
    private let lock = NSLock()
    private var storedPosition: String?
    private let persist: @Sendable (String) -> Void
    private var dropped = 0

    public init(path: String, position: String?, persist: @escaping @Sendable (String) -> Void) {
        self.path = path
        self.storedPosition = position
        self.persist = persist
    }

    /// Runtime-specific: an engine timestamp, or a byte offset into a process's output file.
    public var position: String? {
        lock.lock()
        defer { lock.unlock() }
        return storedPosition
    }

    /// Lines dropped because the results filesystem was full.
    public var linesDropped: Int {
        lock.lock()
        defer { lock.unlock() }
        return dropped
    }

    /// Appends lines that share one new position, then stores that position.
    public func append(_ lines: [(timestamp: String, text: String)], position: String) {
        guard !lines.isEmpty else { return }
        let text = lines.map { "\($0.timestamp) \($0.text)\n" }.joined()
        lock.lock()
        do {
            try PhaseLog.append(Data(text.utf8), to: path)
        } catch {
            dropped += lines.count
        }
        storedPosition = position
        lock.unlock()
        persist(position)
    }

    /// `2026-12-01T10:15:00.123456789Z` for a line read now.
    public static func timestamp(_ now: timespec = ContainerLog.now()) -> String {
        PhaseLog.rfc3339(seconds: Int64(now.tv_sec), fraction: Int64(now.tv_nsec), digits: 9)
    }

    public static func now() -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return now
    }
}

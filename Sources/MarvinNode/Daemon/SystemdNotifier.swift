import CSystemd

/// `Type=notify` messages to systemd (node-runtime §14.3) through libsystemd. Without a
/// notify socket (not started by systemd) every call is a no-op.
public struct SystemdNotifier: Sendable {
    public init() {}

    @discardableResult
    public func notify(_ state: String) -> Bool {
        sd_notify(0, state) > 0
    }

    public func ready(status: String) { notify("READY=1\nSTATUS=\(status)") }
    public func status(_ text: String) { notify("STATUS=\(text)") }
    public func watchdog() { notify("WATCHDOG=1") }
    public func stopping() { notify("STOPPING=1") }

    /// The watchdog interval systemd expects, in seconds; nil when the watchdog is off.
    public var watchdogInterval: Double? {
        var microseconds: UInt64 = 0
        guard sd_watchdog_enabled(0, &microseconds) > 0, microseconds > 0 else { return nil }
        return Double(microseconds) / 1e6
    }
}

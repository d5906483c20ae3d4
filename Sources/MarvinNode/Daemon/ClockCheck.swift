import Foundation

/// Is the wall clock good enough to act on (node-runtime §5.9)? A node without an RTC battery
/// may boot in the past, and the schedule is in wall-clock time. Plausible when systemd says
/// the clock is synchronised, or when it is not earlier than the last plausible time marvind
/// recorded (every 60 s) minus 300 s.
public struct ClockCheck: Sendable {
    public static let synchronizedFile = "/run/systemd/timesync/synchronized"
    let facts: NodeFacts

    public init(facts: NodeFacts) {
        self.facts = facts
    }

    public var lastPlausible: Double? {
        (try? facts.value("last_plausible_clock")).flatMap { $0.flatMap(Double.init) }
    }

    public func isPlausible(now: Double = NodeServices.now()) -> Bool {
        if FileManager.default.fileExists(atPath: Self.synchronizedFile) { return true }
        guard let last = lastPlausible else { return true }
        return now >= last - 300
    }

    /// Records the current time as plausible (called every 60 s while it is).
    public func record(now: Double = NodeServices.now()) {
        try? facts.set("last_plausible_clock", String(format: "%.0f", now))
    }
}

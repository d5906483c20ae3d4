import MarvinCore

/// Where a heartbeat may put a queued task (§5.11.3): right after the padding, if that
/// interval is inside the task's window, clear of maintenance and of the node's bookings.
enum QueuePlacement {
    struct Queued: Sendable {
        var id: String
        var duration: Int64
        var windowEnd: Int64
    }

    /// The first of `queued` (in order) that fits now, with its interval.
    static func firstFitting(_ queued: [Queued], bookings: [Booking], now: Int64, policy: SchedulingPolicy) -> (id: String, start: Int64, stop: Int64)? {
        let start = now + policy.padding
        for task in queued {
            let stop = start + task.duration
            guard start <= task.windowEnd, !policy.maintenanceWindows.touch(start: start, stop: stop) else { continue }
            let busy = bookings.contains { $0.stop + policy.padding >= start && $0.start - policy.padding <= stop }
            if !busy { return (task.id, start, stop) }
        }
        return nil
    }
}

import MarvinCore

/// Instants where a node's availability can change (§5.4.2), and the slot search of `find`
/// (§5.4.3). ASAP allocation (§5.3.2) tries the same instants.
struct SlotSearch: Sendable {
    var selection: NodeSelection

    var policy: SchedulingPolicy { selection.policy }
    var now: Int64 { selection.snapshot.now }

    /// `B(ws, we)`: sorted, duplicate-free.
    func boundaries(from ws: Int64, to we: Int64) -> [Int64] {
        var points: Set<Int64> = [ws, we]
        let immediate = now + policy.immediateWindow
        if immediate > ws, immediate < we { points.insert(immediate) }
        points.formUnion(policy.maintenanceWindows.boundaries(from: ws, to: we))
        let edge = policy.padding + 1
        for node in selection.matchingNodes() {
            for booking in selection.snapshot.bookings[node.id] ?? [] {
                for point in [booking.start - edge, booking.stop + edge] where point >= ws && point < we {
                    points.insert(point)
                }
            }
        }
        return points.sorted()
    }

    struct Slot: Sendable {
        var start: Int64
        var maxStop: Int64
        /// Machines free for the whole `[start, maxStop]`: nodes, or pairs × 2.
        var available: Int
    }

    /// Up to `results` slots of `duration` seconds with at least `need` nodes (or pairs).
    func find(from start: Int64, duration: Int64, need: Int, results: Int) -> [Slot] {
        let ws = max(start, now + policy.leadTime + policy.asapSlack)
        let we = now + policy.horizon
        let points = boundaries(from: ws, to: we)
        var slots: [Slot] = []
        var next = 0
        for (index, s0) in points.enumerated() {
            next = max(next, index + 1)
            while next < points.count, points[next] - s0 < duration { next += 1 }
            guard next < points.count else { break }
            let b = points[next]
            let candidates = selection.candidates(start: s0, stop: b)
            guard candidates.count >= need else { continue }
            let machines = selection.mode == .pair ? candidates.count * 2 : candidates.count
            slots.append(Slot(start: s0, maxStop: b, available: machines))
            if slots.count >= results { break }
        }
        return slots
    }
}

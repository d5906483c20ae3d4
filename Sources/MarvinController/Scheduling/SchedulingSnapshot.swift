import MarvinCore

/// What node selection needs to know, read once inside the allocation's transaction:
/// nodes with their tags and order keys, pairs, and the blocking tasks per node.
struct SchedulingSnapshot: Sendable {
    struct Node: Sendable {
        var id: Int64
        var status: NodeStatus
        var heartbeat: Int64
        var tags: [String: String]
        /// Smallest `quota_current` of the node's current interfaces; 0 without interfaces.
        var quotaRank: Int64
        /// Unplaced, open LPQ tasks already waiting on the node.
        var queuedTasks: Int
    }

    var now: Int64
    var nodes: [Node]
    var tailOfHead: [Int64: Int64]
    var headOfTail: [Int64: Int64]
    /// Blocking tasks (placed, not shared, not final) per node.
    var bookings: [Int64: [Booking]]
}

/// An interval a node is taken for: a blocking task, or a tentative booking of the same request.
struct Booking: Sendable, Equatable {
    var start: Int64
    var stop: Int64
}

import GRDB
import MarvinCore

extension SchedulingSnapshot {
    /// Reads the snapshot inside the caller's transaction; bookings that end before
    /// `bookingsFrom` cannot matter and are left out.
    static func load(_ db: Database, now: Int64, bookingsFrom: Int64) throws -> SchedulingSnapshot {
        var tags: [Int64: [String: String]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT node_id, name, value FROM node_tags") {
            tags[row["node_id"], default: [:]][row["name"]] = row["value"] as String
        }
        var quotaRank: [Int64: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT node_id, MIN(quota_current) AS q FROM interfaces WHERE status = 'current' GROUP BY node_id") {
            quotaRank[row["node_id"]] = row["q"]
        }
        var queued: [Int64: Int] = [:]
        // Through the `start` index (see `QueueStore.queuedTasks`): left alone, SQLite walks
        // the whole (nodeid, stop) index to save the GROUP BY sort, which cost more than the rest of `find`.
        let queuedCounts = "SELECT nodeid, COUNT(*) AS n FROM schedules INDEXED BY schedules_start WHERE start < 0 AND final = 0 GROUP BY nodeid"
        for row in try Row.fetchAll(db, sql: queuedCounts) {
            queued[row["nodeid"]] = row["n"]
        }
        let nodes = try Row.fetchAll(db, sql: "SELECT id, status, heartbeat FROM nodes ORDER BY id").map { row -> Node in
            let id: Int64 = row["id"]
            return Node(
                id: id, status: NodeStatus(rawValue: row["status"]) ?? .disabled, heartbeat: row["heartbeat"],
                tags: tags[id] ?? [:], quotaRank: quotaRank[id] ?? 0, queuedTasks: queued[id] ?? 0)
        }
        var tailOfHead: [Int64: Int64] = [:]
        var headOfTail: [Int64: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT head, tail FROM node_pairs") {
            tailOfHead[row["head"]] = row["tail"]
            headOfTail[row["tail"]] = row["head"]
        }
        var bookings: [Int64: [Booking]] = [:]
        let cursor = try Row.fetchCursor(
            db,
            sql: "SELECT nodeid, start, stop FROM schedules INDEXED BY schedules_bookings WHERE final = 0 AND shared = 0 AND start >= 0 AND stop >= ?",
            arguments: [bookingsFrom])
        while let row = try cursor.next() {
            bookings[row[0], default: []].append(Booking(start: row[1], stop: row[2]))
        }
        return SchedulingSnapshot(now: now, nodes: nodes, tailOfHead: tailOfHead, headOfTail: headOfTail, bookings: bookings)
    }
}

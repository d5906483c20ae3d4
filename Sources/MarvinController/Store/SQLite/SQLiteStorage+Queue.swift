import GRDB
import MarvinCore

/// The first-availability queue (§5.11) in the database: unplaced tasks wait until a heartbeat
/// of their node finds room for them, or until their window ends.
enum QueueStore {
    static let expiredStatus = TaskStatus(.failed, reason: "not executed within availability window")

    /// Only open queue entries have `start < 0` (a final unplaced task gets `start = now`), so the
    /// `start` index finds them directly. Without the hint SQLite prefers `nodeid = ?` on the
    /// `(nodeid, stop)` index and reads every task the node ever had, on every heartbeat.
    static let queuedTasks = "SELECT * FROM schedules INDEXED BY schedules_start WHERE start < 0 AND final = 0"

    /// Fails and refunds unplaced tasks whose window has ended (§5.11.4); for one node or all.
    static func expire(_ db: Database, now: Int64, nodeID: Int64? = nil) throws {
        var sql = queuedTasks + " AND lpq_until < ?"
        var arguments: StatementArguments = [now]
        if let nodeID {
            sql += " AND nodeid = ?"
            arguments += [nodeID]
        }
        let expired = try ScheduleRecord.fetchAll(db, sql: sql + " ORDER BY seq", arguments: arguments)
        for task in expired {
            try ScheduleRecord.finalise(db, task, status: expiredStatus, now: now)
        }
        for (expID, tasks) in Dictionary(grouping: expired, by: \.expID) {
            guard let experiment = try ExperimentRecord.fetch(db, id: expID) else { continue }
            try QuotaLedger.refund(db, tasks: tasks, experiment: experiment, cause: .notExecutedInWindow, now: now)
            let open = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM schedules WHERE expid = ? AND final = 0", arguments: [expID]) ?? 0
            if open == 0, experiment.status == .active {
                try db.execute(sql: "UPDATE experiments SET status = 'expired' WHERE id = ?", arguments: [expID])
            }
        }
    }

    /// Places the first queued task of the node that fits right now; returns its id.
    static func placeNext(_ db: Database, nodeID: Int64, now: Int64, policy: SchedulingPolicy) throws -> String? {
        let queued = try ScheduleRecord.fetchAll(db, sql: queuedTasks + " AND nodeid = ? ORDER BY seq", arguments: [nodeID])
        guard !queued.isEmpty else { return nil }
        let bookings = try Row.fetchAll(
            db, sql: "SELECT start, stop FROM schedules WHERE nodeid = ? AND start >= 0 AND final = 0 AND shared = 0", arguments: [nodeID]
        ).map { Booking(start: $0["start"], stop: $0["stop"]) }
        let candidates = queued.map { QueuePlacement.Queued(id: $0.id, duration: $0.stop, windowEnd: $0.lpqUntil ?? 0) }
        guard let placed = QueuePlacement.firstFitting(candidates, bookings: bookings, now: now, policy: policy),
            let task = queued.first(where: { $0.id == placed.id })
        else { return nil }
        try db.execute(sql: "UPDATE schedules SET start = ?, stop = ? WHERE seq = ?", arguments: [placed.start, placed.stop, task.seq])
        try db.execute(sql: "UPDATE ssh_keys SET expires = ? WHERE schedule_seq = ?", arguments: [placed.stop, task.seq])
        return placed.id
    }
}

extension SQLiteStorage {
    func expireQueue(now: Int64) async throws {
        try await write { db in try QueueStore.expire(db, now: now) }
    }
}

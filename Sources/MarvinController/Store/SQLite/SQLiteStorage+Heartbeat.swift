import GRDB
import MarvinCore

/// The node heartbeat in one transaction (§7.3).
extension SQLiteStorage {
    func heartbeat(_ report: HeartbeatReport) async throws -> HeartbeatAnswer {
        try await write { db in
            let (id, now) = (report.node, report.now)
            // Only the status is needed: `NodeRecord.fetch` would read the tags too.
            guard let storedStatus = try String.fetchOne(db.cachedStatement(sql: "SELECT status FROM nodes WHERE id = ?"), arguments: [id]) else {
                throw APIError(404, "Could not find resource with this id.")
            }
            if let problem = report.problem { throw problem }

            // 1. liveness and maintenance state
            var status = NodeStatus(rawValue: storedStatus) ?? .disabled
            if status == .active || status == .maintenance { status = report.maintenance ? .maintenance : .active }
            // The statements of every heartbeat come from the connection's statement cache.
            try db.cachedStatement(sql: "UPDATE nodes SET heartbeat = ?, status = ? WHERE id = ?").execute(arguments: [now, status.rawValue, id])
            // 2. interface report
            for element in report.interfaces {
                try Self.recordInterface(db, nodeID: id, element: element, now: now)
            }
            // 3. and 4. the first-availability queue
            try QueueStore.expire(db, now: now, nodeID: id)
            let placed = status == .active ? try QueueStore.placeNext(db, nodeID: id, now: now, policy: report.policy) : nil
            // 5. tasks to deliver
            let tasks = try Self.deliverableTasks(
                db, nodeID: id, now: now, window: report.prefetchWindow, knownTasks: report.knownTasks, placed: placed, limit: report.limit)
            let delivered = report.limit == 0 ? tasks : Array(tasks.prefix(Int(report.limit)))
            for task in delivered {
                if task.isFinal {
                    try db.cachedStatement(sql: "UPDATE schedules SET final_delivered = 1 WHERE seq = ?").execute(arguments: [task.seq])
                } else {
                    if task.status.code == .defined { try ScheduleRecord.setStatus(db, seq: task.seq, TaskStatus(.requested)) }
                    try db.cachedStatement(sql: "UPDATE schedules SET delivered = 1 WHERE seq = ?").execute(arguments: [task.seq])
                }
            }
            var interfaces: [(iccid: String, quotaCurrent: Int64)]?
            if report.sendInterfaceList {
                interfaces = try Row.fetchAll(
                    db, sql: "SELECT iccid, quota_current FROM interfaces WHERE node_id = ? AND status = 'current' AND iccid != '' ORDER BY iccid",
                    arguments: [id]
                ).map { (iccid: $0["iccid"], quotaCurrent: $0["quota_current"]) }
            }
            return HeartbeatAnswer(interfaces: interfaces, tasks: delivered.map(\.privateObject))
        }
    }

    /// One element of the heartbeat's interface report (§7.3 step 2).
    static func recordInterface(_ db: Database, nodeID: Int64, element: [String: JSONValue], now: Int64) throws {
        let opname = element["opname"]?.stringValue ?? ""
        if let iccid = element["iccid"]?.stringValue, !iccid.isEmpty {
            let used = element["host"]?.integerValue.flatMap { $0 >= 0 ? $0 : nil } ?? 0
            try db.execute(
                sql: """
                    UPDATE interfaces SET heartbeat = ?, status = 'current', quota_current = quota_reset_value - ?, opname = ?
                    WHERE node_id = ? AND iccid = ?
                    """,
                arguments: [now, used, opname, nodeID, iccid])
            if db.changesCount == 0 {
                try db.execute(
                    sql: """
                        INSERT INTO interfaces (node_id, iccid, imei, opname, status, heartbeat, quota_current)
                        VALUES (?, ?, '', ?, 'current', ?, ?)
                        """,
                    arguments: [nodeID, iccid, opname, now, -used])
            }
        } else if let mac = element["mac"]?.stringValue, !mac.isEmpty {
            try db.execute(
                sql: "UPDATE interfaces SET heartbeat = ?, status = 'current', opname = ? WHERE node_id = ? AND iccid = '' AND imei = ?",
                arguments: [now, opname, nodeID, mac])
            if db.changesCount == 0 {
                try db.execute(
                    sql: "INSERT INTO interfaces (node_id, iccid, imei, opname, status, heartbeat) VALUES (?, '', ?, ?, 'current', ?)",
                    arguments: [nodeID, mac, opname, now])
            }
        }
    }

    /// §7.4: open tasks in the prefetch window, plus abort/cancel notices for tasks the node holds;
    /// with `limit` > 0 the caller answers only the first `limit` of them.
    static func deliverableTasks(
        _ db: Database, nodeID: Int64, now: Int64, window: Int64, knownTasks: Set<String>?, placed: String?, limit: Int64 = 0
    ) throws -> [ScheduleRecord] {
        func qualifies(_ task: ScheduleRecord) -> Bool {
            guard let code = task.status.code else { return false }
            if !code.isFinal { return true }
            guard code == .aborted || code == .canceled else { return false }
            if let knownTasks { return knownTasks.contains(task.id) }
            return task.delivered && !task.finalDelivered
        }
        // Without a task placed by this heartbeat the answer is the first `limit` qualifying rows in
        // this order, so reading stops there: decoding every task of the next day cost more than
        // the rest of the heartbeat.
        let enough = placed == nil && limit > 0 ? Int(limit) : Int.max
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT * FROM schedules WHERE nodeid = ? AND start >= 0 AND start <= ? AND stop >= ? ORDER BY start, seq"),
            arguments: [nodeID, now + window, now])
        var selected: [ScheduleRecord] = []
        while selected.count < enough, let row = try rows.next() {
            let task = ScheduleRecord(row: row)
            if qualifies(task) { selected.append(task) }
        }
        guard let placed, let first = selected.firstIndex(where: { $0.id == placed }) else { return selected }
        var ordered = selected
        ordered.insert(ordered.remove(at: first), at: 0)
        return ordered
    }
}

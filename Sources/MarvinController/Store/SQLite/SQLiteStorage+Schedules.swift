import GRDB
import MarvinCore

/// Tasks: reads and the node's status and traffic reports (§3.5, §6.2, §5.14).
extension SQLiteStorage {
    func scheduleList(from: Int64, to: Int64) async throws -> [JSONValue] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.nodeid, e.ownerid, s.start, s.stop FROM schedules s JOIN experiments e ON e.id = s.expid
                    WHERE s.start >= 0 AND s.stop >= ? AND s.start <= ? ORDER BY s.start, s.seq
                    """,
                arguments: [from, to]
            ).map { row -> JSONValue in
                ["nodeid": .int(row["nodeid"]), "ownerid": .int(row["ownerid"]), "start": .int(row["start"]), "stop": .int(row["stop"])]
            }
        }
    }

    func schedule(id: String, viewer: UserRecord) async throws -> JSONValue? {
        try await read { db in
            guard let task = try ScheduleRecord.fetch(db, id: id) else { return nil }
            let privateView = viewer.role == .node && viewer.name == "Node \(task.nodeID)"
            guard case .object(var object) = task.json(privateView: privateView) else { return nil }
            object["report"] = .object(try ScheduleRecord.report(db, seq: task.seq))
            return .object(object)
        }
    }

    func updateSchedule(id: String, node caller: UserRecord, _ update: ScheduleUpdate, now: Int64) async throws {
        try await write { db in
            guard let task = try ScheduleRecord.fetch(db, id: id) else { throw APIError(404, "Could not find schedule entry with this id.") }
            guard caller.name == "Node \(task.nodeID)" else { throw APIError(401, "Wrong user to updated this status (\(caller.name))") }
            switch update {
            case .status(let text): try Self.applyNodeStatus(db, task: task, text: text, now: now)
            case .traffic(let value): try Self.recordTraffic(db, task: task, value: value)
            case .neither: throw APIError(400, "Parameters missing (required: status, or traffic)")
            }
        }
    }

    func snapshot(now: Int64, bookingsFrom: Int64) async throws -> SchedulingSnapshot {
        try await read { db in try SchedulingSnapshot.load(db, now: now, bookingsFrom: bookingsFrom) }
    }

    static func applyNodeStatus(_ db: Database, task: ScheduleRecord, text: String, now: Int64) throws {
        switch NodeStatusReport(current: task.status, reported: text) {
        case .refuse(let message): throw APIError(400, message)
        case .keep: return
        case .apply(let status, finalises: true): try ScheduleRecord.finalise(db, task, status: status, now: now)
        case .apply(let status, finalises: false): try ScheduleRecord.setStatus(db, seq: task.seq, status)
        }
    }

    /// Stores the meters of a traffic report; anything malformed stores nothing.
    static func recordTraffic(_ db: Database, task: ScheduleRecord, value: JSONValue) throws {
        let failure = APIError(400, "Count not parse JSON code for traffic parameter")
        var report = value
        if case .string(let text) = value {
            guard let parsed = try? JSONParser.parse(text) else { throw failure }
            report = parsed
        }
        guard case .object(let object) = report else { throw failure }
        var meters: [String: Int64] = [:]
        func meter(_ name: String, _ raw: JSONValue) throws {
            guard name.count <= 64, case .int(let bytes) = raw, bytes >= 0 else { throw failure }
            meters[name] = bytes
        }
        for key in ["deployment", "results"] {
            if let raw = object[key] { try meter(key, raw) }
        }
        if let interfaces = object["interfaces"] {
            guard case .object(let perInterface) = interfaces else { throw failure }
            for (name, raw) in perInterface { try meter(name, raw) }
        }
        for (name, bytes) in meters {
            try db.execute(
                sql: "INSERT INTO traffic_reports (schedule_seq, meter, bytes) VALUES (?, ?, ?) ON CONFLICT (schedule_seq, meter) DO UPDATE SET bytes = excluded.bytes",
                arguments: [task.seq, name, bytes])
        }
    }
}

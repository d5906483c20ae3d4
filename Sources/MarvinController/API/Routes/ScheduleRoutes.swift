import GRDB
import MarvinCore

/// `/v1/schedules…` (§3.5) except `find`, which lives in `FindRoute.swift`.
extension Controller {
    func listSchedules(_ request: APIRequest) async throws -> APIResponse {
        _ = try request.requirePrincipal()
        let p = request.params
        var start = request.now
        var stop = request.now + policy.horizon
        switch p.integer("start") {
        case .absent: break
        case .value(let v): start = v
        case .invalid: throw APIError(400, "Parameter start must be an integer.")
        }
        switch p.integer("stop") {
        case .absent: break
        case .value(let v): stop = v
        case .invalid: throw APIError(400, "Parameter stop must be an integer.")
        }
        if stop < start { return APIResponse([]) }
        let window = (start: start, stop: stop)
        let rows = try await store.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.nodeid, e.ownerid, s.start, s.stop FROM schedules s JOIN experiments e ON e.id = s.expid
                    WHERE s.start >= 0 AND s.stop >= ? AND s.start <= ? ORDER BY s.start, s.seq
                    """,
                arguments: [window.start, window.stop]
            ).map { row -> JSONValue in
                ["nodeid": .int(row["nodeid"]), "ownerid": .int(row["ownerid"]), "start": .int(row["start"]), "stop": .int(row["stop"])]
            }
        }
        return APIResponse(.array(rows))
    }

    func getSchedule(_ request: APIRequest) async throws -> APIResponse {
        let caller = try request.requirePrincipal()
        let id = request.pathParameter(0)
        let object = try await store.read { db -> JSONValue? in
            guard let task = try ScheduleRecord.fetch(db, id: id) else { return nil }
            let privateView = caller.role == .node && caller.name == "Node \(task.nodeID)"
            guard case .object(var object) = task.json(privateView: privateView) else { return nil }
            object["report"] = .object(try ScheduleRecord.report(db, seq: task.seq))
            return .object(object)
        }
        guard let object else { throw APIError(404, "Could not find schedule entry with this id.") }
        return APIResponse(object)
    }

    func updateScheduleCollection(_ request: APIRequest) async throws -> APIResponse {
        guard request.identity.role == .node else { throw APIError(401, "You'd have to be a node to do that") }
        throw APIError(400, "Scheduling id missing.")
    }

    /// `PUT /v1/schedules/{id}`: a node reports status (§6.2) or traffic (§5.14).
    func updateSchedule(_ request: APIRequest) async throws -> APIResponse {
        guard let caller = request.identity.principal, caller.role == .node else {
            throw APIError(401, "You'd have to be a node to do that")
        }
        let id = request.pathParameter(0)
        let p = request.params
        let statusText = p.text("status")
        let traffic = statusText == nil ? p.raw("traffic") : nil
        let now = request.now
        try await store.write { db in
            guard let task = try ScheduleRecord.fetch(db, id: id) else { throw APIError(404, "Could not find schedule entry with this id.") }
            guard caller.name == "Node \(task.nodeID)" else { throw APIError(401, "Wrong user to updated this status (\(caller.name))") }
            if let statusText {
                try Self.applyNodeStatus(db, task: task, text: statusText, now: now)
            } else if let traffic {
                try Self.recordTraffic(db, task: task, value: traffic)
            } else {
                throw APIError(400, "Parameters missing (required: status, or traffic)")
            }
        }
        return .message("Ok.")
    }

    static func applyNodeStatus(_ db: Database, task: ScheduleRecord, text: String, now: Int64) throws {
        let status = TaskStatus(text)
        guard let code = status.code else { throw APIError(400, "Unknown status code (\(status.text)).") }
        if task.isFinal {
            guard code.isFinal else { throw APIError(400, "Status \(task.status.text) cannot be reset.") }
            return
        }
        guard !code.isServerOwned else { throw APIError(400, "Status \(status.text) cannot be set by a node.") }
        if code.isFinal {
            try ScheduleRecord.finalise(db, task, status: status, now: now)
        } else {
            try ScheduleRecord.setStatus(db, seq: task.seq, status)
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

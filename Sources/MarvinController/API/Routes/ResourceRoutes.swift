import GRDB
import MarvinCore

/// `/v1/resources…` (§3.2): node reads, registration, administration and retirement.
/// The heartbeat branch of `PUT /v1/resources/{id}` lives in `HeartbeatRoute.swift`.
extension Controller {
    func listResources(_ request: APIRequest) async throws -> APIResponse {
        _ = try request.requirePrincipal()
        let nodes = try await store.read { db in
            try NodeRecord.objects(db, nodes: NodeRecord.fetchAll(db).filter { $0.status != .retired })
        }
        return APIResponse(.array(nodes))
    }

    func getResource(_ request: APIRequest) async throws -> APIResponse {
        _ = try request.requirePrincipal()
        guard let id = request.pathID(0) else { return APIResponse([]) }
        let nodes = try await store.read { db -> [JSONValue] in
            guard let node = try NodeRecord.fetch(db, id: id), node.status != .retired else { return [] }
            return try NodeRecord.objects(db, nodes: [node])
        }
        return APIResponse(.array(nodes))
    }

    /// Placed tasks of a node overlapping `[now, now + horizon]`; hidden options for the node itself.
    func resourceSchedules(_ request: APIRequest) async throws -> APIResponse {
        let caller = try request.requirePrincipal()
        guard let id = request.pathID(0) else { return APIResponse([]) }
        let tasks = try await nodeSchedules(nodeID: id, caller: caller, now: request.now)
        return APIResponse(.array(tasks))
    }

    private func nodeSchedules(nodeID: Int64, caller: UserRecord, now: Int64) async throws -> [JSONValue] {
        let privateView = caller.role == .node && caller.name == "Node \(nodeID)"
        let horizon = policy.horizon
        return try await store.read { db in
            try ScheduleRecord.fetchAll(
                db, sql: "SELECT * FROM schedules WHERE nodeid = ? AND start >= 0 AND start <= ? AND stop >= ? ORDER BY start, seq",
                arguments: [nodeID, now + horizon, now]
            ).map { $0.json(privateView: privateView) }
        }
    }

    private func nodeExperiments(nodeID: Int64) async throws -> [JSONValue] {
        try await store.read { db in
            try ExperimentRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM experiments WHERE status = 'active'
                    AND id IN (SELECT expid FROM schedules WHERE nodeid = ?) ORDER BY id
                    """,
                arguments: [nodeID]
            ).map { try $0.summary(db) }
        }
    }

    func resourceExperiments(_ request: APIRequest) async throws -> APIResponse {
        _ = try request.requirePrincipal()
        guard let id = request.pathID(0) else { return APIResponse([]) }
        return APIResponse(.array(try await nodeExperiments(nodeID: id)))
    }

    func resourceAll(_ request: APIRequest) async throws -> APIResponse {
        let caller = try request.requirePrincipal()
        guard let id = request.pathID(0) else { return APIResponse(["experiments": [], "schedules": []]) }
        let experiments = try await nodeExperiments(nodeID: id)
        let schedules = try await nodeSchedules(nodeID: id, caller: caller, now: request.now)
        return APIResponse(["experiments": .array(experiments), "schedules": .array(schedules)])
    }

    func resourceJournals(_ request: APIRequest) async throws -> APIResponse {
        _ = try request.requirePrincipal()
        guard let id = request.pathID(0) else { return APIResponse([]) }
        return APIResponse(.array(try await store.read { db in try Journal.nodeEntries(db, nodeID: id) }))
    }

    func resourceInterfaceJournals(_ request: APIRequest) async throws -> APIResponse {
        _ = try request.requirePrincipal()
        guard let id = request.pathID(0) else { return APIResponse([]) }
        let iccid = request.pathParameter(1)
        return APIResponse(.array(try await store.read { db in try Journal.interfaceEntries(db, nodeID: id, iccid: iccid) }))
    }

    func registerResource(_ request: APIRequest) async throws -> APIResponse {
        try request.requireAdmin()
        let p = request.params
        guard p.has("id"), p.has("hostname") else { throw APIError(400, NodeRegistration.missing) }
        guard case .value(let id) = p.integer("id"), id >= 1 else { throw APIError(400, "Parameter id must be a positive integer.") }
        guard case .value(let hostname) = p.string("hostname"), (1...253).contains(hostname.count) else {
            throw APIError(400, "Parameter hostname must be a non-empty string.")
        }
        let tags = try p.raw("tags").map { raw -> [String: String] in
            if case .string(let text) = raw, let parsed = try? JSONParser.parse(text), case .object = parsed {
                return try NodeTags.parse(parsed)
            }
            return try NodeTags.parse(raw)
        } ?? [:]
        var interfaces: [InterfaceRecord.Spec] = []
        if let value = p.jsonValued("interfaces") {
            do { interfaces = try InterfaceRecord.specs(from: value) } catch { throw APIError(400, error.message) }
        }
        let status = try p.text("status").map(NodeRegistration.status) ?? .active
        let registration = NodeRegistration.Request(id: id, hostname: hostname, tags: tags, interfaces: interfaces, status: status)
        let now = request.now
        try await store.write { db in try NodeRegistration.register(db, registration, now: now) }
        logger.info("node registered", metadata: ["node": "\(id)"])
        return APIResponse(status: 201, ["message": .string("Node \(id) created.")], headers: [("Location", "/v1/resources/\(id)")])
    }

    /// `PUT /v1/resources/{id}`: a node's heartbeat, or else administration (§3.2 b).
    func updateResource(_ request: APIRequest) async throws -> APIResponse {
        if request.identity.role == .node { return try await heartbeat(request) }
        let p = request.params
        guard let operation = ["pair", "type", "quota", "status", "hostname", "interfaces"].first(where: p.has) else {
            let fingerprint = request.identity.fingerprint ?? "None"
            throw APIError(400, "Parameters missing: type\nIf you are a node, you were identified as SSL_ID \(fingerprint).")
        }
        try request.requireAdmin()
        let segment = request.pathID(0)
        let now = request.now
        switch operation {
        case "pair": return try await setPair(nodeID: segment, tail: p.text("pair") ?? "")
        case "type":
            let tags = try NodeTags.parse(text: p.text("type") ?? "", elementInError: true)
            try await withExistingNode(segment) { db, id in try NodeRecord.replaceTags(db, nodeID: id, tags) }
            return .message("Node type set.")
        case "quota": return try await setInterfaceQuota(nodeID: segment, params: p, now: now)
        case "status":
            let status = try NodeRegistration.status(p.text("status") ?? "")
            try await withExistingNode(segment) { db, id in
                try db.execute(sql: "UPDATE nodes SET status = ? WHERE id = ?", arguments: [status.rawValue, id])
            }
            return .message("Node status set.")
        case "hostname":
            guard case .value(let hostname) = p.string("hostname"), (1...253).contains(hostname.count) else {
                throw APIError(400, "Parameter hostname must be a non-empty string.")
            }
            try await withExistingNode(segment) { db, id in
                try db.execute(sql: "UPDATE nodes SET hostname = ? WHERE id = ?", arguments: [hostname, id])
            }
            return .message("Node hostname set.")
        default:
            let specs: [InterfaceRecord.Spec]
            do { specs = try InterfaceRecord.specs(from: p.jsonValued("interfaces") ?? .null) } catch { throw APIError(400, error.message) }
            try await withExistingNode(segment) { db, id in try Self.replaceInterfaces(db, nodeID: id, specs: specs, now: now) }
            return .message("Node interfaces set.")
        }
    }

    /// Runs `body` in a write transaction if the node exists, else 404.
    private func withExistingNode(_ id: Int64?, _ body: @escaping @Sendable (Database, Int64) throws -> Void) async throws {
        guard let id else { throw APIError(404, "Could not find resource with this id.") }
        try await store.write { db in
            guard try NodeRecord.fetch(db, id: id) != nil else { throw APIError(404, "Could not find resource with this id.") }
            try body(db, id)
        }
    }

    private func setPair(nodeID: Int64?, tail: String) async throws -> APIResponse {
        let notFound = APIError(404, "Node id does not exist.")
        guard let head = nodeID else { throw notFound }
        let tailText = tail.trimmingCharacters(in: .whitespaces)
        try await store.write { db in
            func exists(_ id: Int64) throws -> Bool {
                try NodeRecord.fetch(db, id: id).map { $0.status != .retired } ?? false
            }
            guard try exists(head) else { throw notFound }
            if tailText == "delete" {
                try db.execute(sql: "DELETE FROM node_pairs WHERE head = ? OR tail = ?", arguments: [head, head])
                return
            }
            guard let tailID = Int64(tailText), try exists(tailID) else { throw notFound }
            guard tailID != head else { throw APIError(400, "A node cannot be paired with itself.") }
            try db.execute(sql: "DELETE FROM node_pairs WHERE head IN (?, ?) OR tail IN (?, ?)", arguments: [head, tailID, head, tailID])
            try db.execute(sql: "INSERT INTO node_pairs (head, tail) VALUES (?, ?)", arguments: [head, tailID])
        }
        return .message("Node pair set.")
    }

    private func setInterfaceQuota(nodeID: Int64?, params p: Parameters, now: Int64) async throws -> APIResponse {
        guard p.has("iccid") else { throw APIError(400, "Parameters missing (quota, iccid).") }
        let key = p.has("value") ? "value" : "quota"
        guard case .value(let bytes) = p.integer(key), bytes >= 0 else {
            throw APIError(400, "Parameter quota must be a non-negative integer.")
        }
        let iccid = p.text("iccid") ?? ""
        try await withExistingNode(nodeID) { db, id in
            try db.execute(
                sql: """
                    UPDATE interfaces SET quota_current = ?, quota_reset_value = ?, quota_reset_date = ?, quota_last_reset = ?
                    WHERE node_id = ? AND iccid = ? AND iccid != ''
                    """,
                arguments: [bytes, bytes, UTCCalendar.firstOfNextMonth(after: now), now, id, iccid])
            guard db.changesCount > 0 else { throw APIError(404, "Could not find interface with this ICCID.") }
            try Journal.interface(db, nodeID: id, iccid: iccid, newValue: bytes, at: now)
        }
        return .message("Updated.")
    }

    /// Admin replacement of the cellular inventory: listed interfaces current, others historic.
    static func replaceInterfaces(_ db: Database, nodeID: Int64, specs: [InterfaceRecord.Spec], now: Int64) throws {
        try db.execute(sql: "UPDATE interfaces SET status = 'historic' WHERE node_id = ? AND iccid != ''", arguments: [nodeID])
        for spec in specs {
            let existing = try Row.fetchOne(db, sql: "SELECT * FROM interfaces WHERE node_id = ? AND iccid = ?", arguments: [nodeID, spec.iccid])
            guard let existing else {
                try InterfaceRecord.insert(db, nodeID: nodeID, spec: spec, now: now)
                continue
            }
            let record = InterfaceRecord(row: existing)
            try db.execute(
                sql: "UPDATE interfaces SET imei = ?, mccmnc = ?, operator = ?, status = 'current' WHERE node_id = ? AND iccid = ?",
                arguments: [spec.imei ?? record.imei, spec.mccmnc ?? record.mccmnc, spec.operatorName ?? record.operatorName, nodeID, spec.iccid])
            if let quota = spec.quota {
                try db.execute(
                    sql: """
                        UPDATE interfaces SET quota_current = ?, quota_reset_value = ?, quota_reset_date = ?, quota_last_reset = ?
                        WHERE node_id = ? AND iccid = ?
                        """,
                    arguments: [quota, quota, quota > 0 ? UTCCalendar.firstOfNextMonth(after: now) : 0, now, nodeID, spec.iccid])
                try Journal.interface(db, nodeID: nodeID, iccid: spec.iccid, newValue: quota, at: now)
            }
        }
    }

    /// `DELETE /v1/resources/{id}`: retire the node and withdraw its open tasks (§3.2).
    func retireResource(_ request: APIRequest) async throws -> APIResponse {
        try request.requireAdmin()
        guard let id = request.pathID(0) else { throw APIError(404, "Could not find resource with this id.") }
        let now = request.now
        let (canceled, aborted) = try await store.write { db -> (Int, Int) in
            guard try NodeRecord.fetch(db, id: id) != nil else { throw APIError(404, "Could not find resource with this id.") }
            try db.execute(sql: "UPDATE nodes SET status = 'retired' WHERE id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM node_pairs WHERE head = ? OR tail = ?", arguments: [id, id])
            let open = try ScheduleRecord.fetchAll(db, sql: "SELECT * FROM schedules WHERE nodeid = ? AND final = 0 ORDER BY seq", arguments: [id])
            let notStarted = open.filter { $0.isUnplaced || $0.start > now }
            for task in open {
                let code: TaskCode = notStarted.contains(where: { $0.seq == task.seq }) ? .canceled : .aborted
                try ScheduleRecord.finalise(db, task, status: TaskStatus(code, reason: "node retired"), now: now)
            }
            for (expID, tasks) in Dictionary(grouping: notStarted, by: \.expID) {
                guard let experiment = try ExperimentRecord.fetch(db, id: expID) else { continue }
                try QuotaLedger.refund(db, tasks: tasks, experiment: experiment, cause: .canceledBeforeStart, now: now)
            }
            return (notStarted.count, open.count - notStarted.count)
        }
        logger.info("node retired", metadata: ["node": "\(id)"])
        return .message("Node \(id) retired.", extras: ["canceled": .int(Int64(canceled)), "aborted": .int(Int64(aborted))])
    }
}

import GRDB
import MarvinCore

/// Nodes: reads, registration, administration and retirement (§3.2).
extension SQLiteStorage {
    func nodes() async throws -> [JSONValue] {
        try await read { db in try NodeRecord.objects(db, nodes: NodeRecord.fetchAll(db).filter { $0.status != .retired }) }
    }

    func node(id: Int64) async throws -> JSONValue? {
        try await read { db in
            guard let node = try NodeRecord.fetch(db, id: id), node.status != .retired else { return nil }
            return try NodeRecord.objects(db, nodes: [node]).first
        }
    }

    func nodeSchedules(id: Int64, from: Int64, to: Int64, privateView: Bool) async throws -> [JSONValue] {
        try await read { db in
            try ScheduleRecord.fetchAll(
                db, sql: "SELECT * FROM schedules WHERE nodeid = ? AND start >= 0 AND start <= ? AND stop >= ? ORDER BY start, seq",
                arguments: [id, to, from]
            ).map { $0.json(privateView: privateView) }
        }
    }

    func nodeExperiments(id: Int64) async throws -> [JSONValue] {
        try await read { db in
            try ExperimentRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM experiments WHERE status = 'active'
                    AND id IN (SELECT expid FROM schedules WHERE nodeid = ?) ORDER BY id
                    """,
                arguments: [id]
            ).map { try $0.summary(db) }
        }
    }

    func nodeJournal(id: Int64) async throws -> [JSONValue] {
        try await read { db in try Journal.nodeEntries(db, nodeID: id) }
    }

    func interfaceJournal(node: Int64, iccid: String) async throws -> [JSONValue] {
        try await read { db in try Journal.interfaceEntries(db, nodeID: node, iccid: iccid) }
    }

    func registerNode(_ node: NodeRegistration.Request, now: Int64) async throws {
        try await write { db in try Self.register(db, node, now: now) }
    }

    func registerNodeNow(_ node: NodeRegistration.Request, now: Int64) throws {
        try writeSync { db in try Self.register(db, node, now: now) }
    }

    /// The node, its tags and interfaces; 409 when the id is taken, retired nodes included.
    private static func register(_ db: Database, _ request: NodeRegistration.Request, now: Int64) throws {
        let exists = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM nodes WHERE id = ?)", arguments: [request.id]) ?? false
        guard !exists else { throw APIError(409, "Node \(request.id) already exists.") }
        try db.execute(
            sql: "INSERT INTO nodes (id, hostname, status, heartbeat) VALUES (?, ?, ?, 0)",
            arguments: [request.id, request.hostname, request.status.rawValue])
        try NodeRecord.replaceTags(db, nodeID: request.id, request.tags)
        for spec in request.interfaces {
            try InterfaceRecord.insert(db, nodeID: request.id, spec: spec, now: now)
        }
    }

    func change(node id: Int64, _ change: NodeChange, now: Int64) async throws {
        try await write { db in
            if case .pair(let tail) = change { return try Self.setPair(db, head: id, tail: tail) }
            guard try NodeRecord.fetch(db, id: id) != nil else { throw APIError(404, "Could not find resource with this id.") }
            switch change {
            case .pair: break
            case .tags(let text): try NodeRecord.replaceTags(db, nodeID: id, try NodeTags.parse(text: text, elementInError: true))
            case .status(let status): try db.execute(sql: "UPDATE nodes SET status = ? WHERE id = ?", arguments: [status.rawValue, id])
            case .hostname(let hostname): try db.execute(sql: "UPDATE nodes SET hostname = ? WHERE id = ?", arguments: [hostname, id])
            case .interfaceQuota(let iccid, let bytes):
                try db.execute(
                    sql: """
                        UPDATE interfaces SET quota_current = ?, quota_reset_value = ?, quota_reset_date = ?, quota_last_reset = ?
                        WHERE node_id = ? AND iccid = ? AND iccid != ''
                        """,
                    arguments: [bytes, bytes, UTCCalendar.firstOfNextMonth(after: now), now, id, iccid])
                guard db.changesCount > 0 else { throw APIError(404, "Could not find interface with this ICCID.") }
                try Journal.interface(db, nodeID: id, iccid: iccid, newValue: bytes, at: now)
            case .interfaces(let specs): try Self.replaceInterfaces(db, nodeID: id, specs: specs, now: now)
            }
        }
    }

    /// Makes `head` the head of a pair with `tail`, after dissolving every pair of either node.
    private static func setPair(_ db: Database, head: Int64, tail: String) throws {
        let notFound = APIError(404, "Node id does not exist.")
        func exists(_ id: Int64) throws -> Bool {
            try NodeRecord.fetch(db, id: id).map { $0.status != .retired } ?? false
        }
        guard try exists(head) else { throw notFound }
        if tail == "delete" {
            try db.execute(sql: "DELETE FROM node_pairs WHERE head = ? OR tail = ?", arguments: [head, head])
            return
        }
        guard let tailID = Int64(tail), try exists(tailID) else { throw notFound }
        guard tailID != head else { throw APIError(400, "A node cannot be paired with itself.") }
        try db.execute(sql: "DELETE FROM node_pairs WHERE head IN (?, ?) OR tail IN (?, ?)", arguments: [head, tailID, head, tailID])
        try db.execute(sql: "INSERT INTO node_pairs (head, tail) VALUES (?, ?)", arguments: [head, tailID])
    }

    /// Admin replacement of the cellular inventory: listed interfaces current, others historic.
    private static func replaceInterfaces(_ db: Database, nodeID: Int64, specs: [InterfaceSpec], now: Int64) throws {
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

    func retire(node id: Int64, now: Int64) async throws -> (canceled: Int, aborted: Int) {
        try await write { db in
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
    }
}

import GRDB
import MarvinCore

/// Backend views and the housekeeping steps (§3.6, §5.16); each step is its own transaction.
extension SQLiteStorage {
    func activity(now: Int64) async throws -> JSONValue {
        try await read { db in
            var users: [String: JSONValue] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT role, COUNT(*) AS n FROM users GROUP BY role") {
                users[row["role"]] = .int(row["n"])
            }
            var resources: [String: JSONValue] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM nodes GROUP BY status") {
                resources[row["status"]] = .int(row["n"])
            }
            for (label, age) in [("2 min", 120), ("5 min", 300), ("1 h", 3600), ("1 d", 86400)] {
                resources[label] = .int(try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM nodes WHERE heartbeat > ?", arguments: [now - Int64(age)]) ?? 0)
            }
            func ids(_ sql: String, _ arguments: StatementArguments) throws -> JSONValue {
                .array(try Int64.fetchAll(db, sql: sql, arguments: arguments).map { .int($0) })
            }
            resources["dropouts 30d-1d"] = try ids("SELECT id FROM nodes WHERE heartbeat > ? AND heartbeat < ? ORDER BY id", [now - 2_592_000, now - 86400])
            resources["dropouts 1d-5min"] = try ids("SELECT id FROM nodes WHERE heartbeat > ? AND heartbeat < ? ORDER BY id", [now - 86400, now - 300])
            resources["maintenance"] = try ids("SELECT id FROM nodes WHERE status = 'maintenance' ORDER BY id", [])
            let week = now - 604_800
            let activeUsers = try Row.fetchAll(
                db,
                sql: """
                    SELECT u.name, u.project, COUNT(*) AS n FROM schedules s JOIN experiments e ON e.id = s.expid
                    JOIN users u ON u.id = e.ownerid WHERE s.stop > ? GROUP BY u.id ORDER BY u.id
                    """,
                arguments: [week]
            ).map { row -> JSONValue in ["name": .string(row["name"]), "project": .string(row["project"]), "tasks": .int(row["n"])] }
            let codes = try Row.fetchAll(
                db, sql: "SELECT status, COUNT(*) AS n FROM schedules WHERE start > ? GROUP BY status ORDER BY n DESC, status ASC",
                arguments: [week]
            ).map { row -> JSONValue in [.int(row["n"]), .string(row["status"])] }
            let schedules: JSONValue = [
                "future": .int(try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM schedules WHERE start > ?", arguments: [now]) ?? 0),
                "current": .int(try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM schedules WHERE start < ? AND stop > ?", arguments: [now, now]) ?? 0),
                "distinct active users (7d)": .array(activeUsers),
                "status codes (7d)": .array(codes),
            ]
            return ["users": .object(users), "resources": .object(resources), "schedules": schedules]
        }
    }

    func publicKeys(now: Int64) async throws -> [String] {
        try await write { db in
            try Self.deleteExpiredKeys(db, now: now)
            return try String.fetchAll(db, sql: "SELECT k.public_key FROM ssh_keys k JOIN schedules s ON s.seq = k.schedule_seq ORDER BY s.seq")
        }
    }

    /// A key whose task became final at `now` (expires = now) is withdrawn at once (scenario 121).
    private static func deleteExpiredKeys(_ db: Database, now: Int64) throws {
        try db.execute(sql: "DELETE FROM ssh_keys WHERE expires <= ?", arguments: [now])
    }

    func deleteExpiredKeys(now: Int64) async throws {
        try await write { db in try Self.deleteExpiredKeys(db, now: now) }
    }

    func applyDueResets(now: Int64) async throws {
        try await write { db in try QuotaLedger.applyAllDueResets(db, now: now) }
    }

    func refundUnusedData(now: Int64, settings: ControllerConfig.QuotaSettings) async throws {
        try await write { db in try Self.refundUnusedData(db, now: now, settings: settings) }
    }

    /// Credits back data a finished task was charged for but did not use (§5.12.5 case 3).
    private static func refundUnusedData(_ db: Database, now: Int64, settings: ControllerConfig.QuotaSettings) throws {
        let tasks = try ScheduleRecord.fetchAll(
            db,
            sql: """
                SELECT * FROM schedules WHERE charge_data > 0 AND data_refunded = 0 AND stop > ? AND stop < ?
                AND EXISTS (SELECT 1 FROM traffic_reports r WHERE r.schedule_seq = schedules.seq AND r.meter NOT IN ('deployment', 'results'))
                ORDER BY seq
                """,
            arguments: [now - settings.dataRefundMaxAge, now - settings.dataRefundDelay])
        for task in tasks {
            defer { _ = try? db.execute(sql: "UPDATE schedules SET data_refunded = 1 WHERE seq = ?", arguments: [task.seq]) }
            // TOTAL never fails on overflow; a node's meters may add up beyond 64 bits.
            let total = try Double.fetchOne(
                db, sql: "SELECT TOTAL(bytes) FROM traffic_reports WHERE schedule_seq = ? AND meter NOT IN ('deployment', 'results')",
                arguments: [task.seq]) ?? 0
            let used = total >= 9.2e18 ? Int64.max : Int64(total)
            let unused = task.charges.data - used
            guard unused > 0, let experiment = try ExperimentRecord.fetch(db, id: task.expID),
                let owner = try UserRecord.fetch(db, id: experiment.ownerID), owner.quota(.data).lastReset <= task.charges.chargedAt
            else { continue }
            let balance = try QuotaLedger.adjust(db, userID: owner.id, kind: .data, by: unused)
            try Journal.user(
                db, ownerID: owner.id, kind: .data, newValue: balance,
                reason: "refunded \(unused) bytes (\(task.charges.data) requested, \(used) used) for experiment \(experiment.id), schedule \(task.id).",
                at: now)
        }
    }

    func statusCounts() async throws -> (nodes: [String: Int64], tasks: [String: Int64]) {
        try await read { db in
            var nodes: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM nodes GROUP BY status") { nodes[row["status"]] = row["n"] }
            var tasks: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM schedules GROUP BY status") {
                tasks[TaskStatus(row["status"] as String).codeText, default: 0] += row["n"] as Int64
            }
            return (nodes, tasks)
        }
    }
}

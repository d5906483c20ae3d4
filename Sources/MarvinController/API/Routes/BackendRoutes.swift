import GRDB
import MarvinCore

/// `/v1/backend/…` (§3.6).
extension Controller {
    func backendAuth(_ request: APIRequest) async throws -> APIResponse {
        let identity = request.identity
        let body: JSONValue = [
            "fingerprint": .string(identity.fingerprint ?? ""),
            "verified": JSONValue(identity.verified),
            "user": identity.user?.json(showFingerprint: true) ?? .null,
        ]
        return APIResponse(body, status: identity.principal == nil ? 401 : 200)
    }

    func backendActivity(_ request: APIRequest) async throws -> APIResponse {
        guard request.identity.principal != nil else { throw APIError(401, "Not authorized.") }
        let now = request.now
        let body = try await store.read { db -> JSONValue in
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
        return APIResponse(body)
    }

    func backendPubkeys(_ request: APIRequest) async throws -> APIResponse {
        let now = request.now
        let keys = try await store.write { db -> [JSONValue] in
            // A key whose task became final now (expires = now) is already withdrawn (§11.6 scenario 121).
            try db.execute(sql: "DELETE FROM ssh_keys WHERE expires <= ?", arguments: [now])
            return try String.fetchAll(
                db, sql: "SELECT k.public_key FROM ssh_keys k JOIN schedules s ON s.seq = k.schedule_seq ORDER BY s.seq"
            ).map { .string($0) }
        }
        return APIResponse(.array(keys))
    }

    func backendSync(_ request: APIRequest) async throws -> APIResponse {
        try request.requireAdmin()
        await runHousekeeping(now: request.now)
        return .message("Ok.")
    }

    func backendOther(_ request: APIRequest) async throws -> APIResponse {
        if request.method == "PUT" { try request.requireAdmin() }
        throw APIError(404, "Unknown request")
    }
}

import GRDB
import MarvinCore

/// Creating a principal, shared by `POST /v1/users` and `marvinctld admin add-user` (§3.3, §9.1).
enum UserRegistration {
    static let missing = "Parameters missing (name, ssl, role), optional: project."

    static func invalidRole(_ role: String) -> String { "Invalid role (\(role)). Valid roles: user, node, admin." }
    static func invalidFingerprint(_ ssl: String) -> String { "Invalid fingerprint (\(ssl)). Expected 40 hexadecimal digits." }

    static func role(_ text: String) -> Role? {
        switch text {
        case "user": return .user
        case "node": return .node
        case "admin": return .admin
        default: return nil
        }
    }

    /// Validates and inserts; returns the new id. Errors carry the REST status and text.
    static func create(
        _ db: Database, name: String?, ssl: String?, role: String?, project: String?, now: Int64,
        quota: ControllerConfig.QuotaSettings
    ) throws -> Int64 {
        let name = name?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let sslText = ssl?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let roleText = role?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !name.isEmpty, !sslText.isEmpty, !roleText.isEmpty else { throw APIError(400, missing) }
        guard let role = Self.role(roleText) else { throw APIError(400, invalidRole(roleText)) }
        guard let fingerprint = Fingerprint.normalise(sslText) else { throw APIError(400, invalidFingerprint(sslText)) }
        let project = project?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let taken = try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM users WHERE ssl_id = ? OR (name = ? AND project = ?))",
            arguments: [fingerprint, name, project]) ?? false
        guard !taken else { throw APIError(409, "Error inserting user.") }
        let resetDate = UTCCalendar.firstOfNextMonth(after: now)
        try db.execute(
            sql: """
                INSERT INTO users (name, ssl_id, role, project,
                    time_current, time_reset_value, time_reset_date, time_last_reset,
                    data_current, data_reset_value, data_reset_date, data_last_reset,
                    storage_current, storage_reset_value, storage_reset_date, storage_last_reset)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [name, fingerprint, role.rawValue, project,
                        quota.defaultTime, quota.defaultTime, resetDate, now,
                        quota.defaultData, quota.defaultData, resetDate, now,
                        quota.defaultStorage, quota.defaultStorage, resetDate, now])
        let id = db.lastInsertedRowID
        for (kind, value) in [(QuotaKind.time, quota.defaultTime), (.data, quota.defaultData), (.storage, quota.defaultStorage)] {
            try Journal.user(db, ownerID: id, kind: kind, newValue: value, reason: "user created", at: now)
        }
        return id
    }
}

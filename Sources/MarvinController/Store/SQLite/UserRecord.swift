import GRDB
import MarvinCore

/// The three user quotas (§5.12.1) and how each is named in the database and the journal.
enum QuotaKind: String, CaseIterable, Sendable {
    case time, data, storage

    var journalName: String { "quota_owner_\(rawValue)" }
}

struct QuotaBalance: Sendable, Equatable {
    var current: Int64
    var resetValue: Int64
    var resetDate: Int64
    var lastReset: Int64
}

enum Role: String, Sendable {
    case user, node, admin, invalid
}

/// A principal (§4.2).
struct UserRecord: Sendable {
    var id: Int64
    var name: String
    var sslID: String
    var role: Role
    var project: String
    var quotas: [QuotaKind: QuotaBalance]

    init(row: Row) {
        id = row["id"]
        name = row["name"]
        sslID = row["ssl_id"]
        role = Role(rawValue: row["role"]) ?? .invalid
        project = row["project"]
        var quotas: [QuotaKind: QuotaBalance] = [:]
        for kind in QuotaKind.allCases {
            let p = kind.rawValue
            quotas[kind] = QuotaBalance(
                current: row["\(p)_current"], resetValue: row["\(p)_reset_value"],
                resetDate: row["\(p)_reset_date"], lastReset: row["\(p)_last_reset"])
        }
        self.quotas = quotas
    }

    func quota(_ kind: QuotaKind) -> QuotaBalance { quotas[kind]! }

    /// The user object; `ssl_id` only for admins and the user itself (§2.5.5).
    func json(showFingerprint: Bool) -> JSONValue {
        UserObject(
            id: id, name: name, role: role.rawValue, project: project, quotaTime: quota(.time).current,
            quotaData: quota(.data).current, quotaStorage: quota(.storage).current, sslID: showFingerprint ? sslID : nil
        ).json
    }
}

extension UserRecord {
    static func fetch(_ db: Database, id: Int64) throws -> UserRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?", arguments: [id]).map(UserRecord.init(row:))
    }

    /// The identity lookup of every request; its compiled statement is kept in the connection's cache.
    static func fetch(_ db: Database, fingerprint: String) throws -> UserRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM users WHERE ssl_id = ?"), arguments: [fingerprint]).map(UserRecord.init(row:))
    }

    static func fetchAll(_ db: Database) throws -> [UserRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM users ORDER BY id").map(UserRecord.init(row:))
    }

    static func setQuota(_ db: Database, userID: Int64, kind: QuotaKind, _ balance: QuotaBalance) throws {
        let p = kind.rawValue
        try db.execute(
            sql: "UPDATE users SET \(p)_current = ?, \(p)_reset_value = ?, \(p)_reset_date = ?, \(p)_last_reset = ? WHERE id = ?",
            arguments: [balance.current, balance.resetValue, balance.resetDate, balance.lastReset, userID])
    }
}

import GRDB
import MarvinCore

/// An append-only quota journal entry (§4.10): user quotas and node interface quotas.
enum Journal {
    static func user(_ db: Database, ownerID: Int64, kind: QuotaKind, newValue: Int64, reason: String, at time: Int64) throws {
        try db.execute(
            sql: "INSERT INTO journal (timestamp, quota, ownerid, new_value, reason) VALUES (?, ?, ?, ?, ?)",
            arguments: [time, kind.journalName, ownerID, newValue, reason])
    }

    static func interface(_ db: Database, nodeID: Int64, iccid: String, newValue: Int64, at time: Int64) throws {
        try db.execute(
            sql: "INSERT INTO journal (timestamp, quota, nodeid, iccid, new_value, reason) VALUES (?, 'node_interface', ?, ?, ?, 'set by API')",
            arguments: [time, nodeID, iccid, newValue])
    }

    /// `GET /v1/users/{id}/journals`.
    static func userEntries(_ db: Database, ownerID: Int64) throws -> [JSONValue] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM journal WHERE ownerid = ? ORDER BY timestamp, seq", arguments: [ownerID]
        ).map { row in
            ["ownerid": .int(row["ownerid"]), "new_value": .int(row["new_value"]), "quota": .string(row["quota"]),
             "reason": .string(row["reason"]), "timestamp": .int(row["timestamp"])]
        }
    }

    /// `GET /v1/resources/{id}/journals`.
    static func nodeEntries(_ db: Database, nodeID: Int64) throws -> [JSONValue] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM journal WHERE nodeid = ? ORDER BY timestamp, seq", arguments: [nodeID]
        ).map { row in
            ["iccid": .string(row["iccid"]), "new_value": .int(row["new_value"]), "reason": .string(row["reason"]),
             "timestamp": .int(row["timestamp"])]
        }
    }

    /// `GET /v1/resources/{id}/journals/{iccid}`, in the user-journal shape.
    static func interfaceEntries(_ db: Database, nodeID: Int64, iccid: String) throws -> [JSONValue] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM journal WHERE nodeid = ? AND iccid = ? ORDER BY timestamp, seq", arguments: [nodeID, iccid]
        ).map { row in
            ["ownerid": .null, "new_value": .int(row["new_value"]), "quota": "node_interface",
             "reason": .string(row["reason"]), "timestamp": .int(row["timestamp"])]
        }
    }
}

import GRDB
import MarvinCore

/// A network interface of a node (§4.5): a SIM (by ICCID) or a MAC interface (ICCID "").
struct InterfaceRecord: Sendable {
    var nodeID: Int64
    var iccid: String
    var imei: String
    var mccmnc: String
    var operatorName: String
    var opname: String
    var status: String
    var heartbeat: Int64
    var quotaCurrent: Int64
    var quotaResetValue: Int64
    var quotaResetDate: Int64
    var quotaLastReset: Int64

    init(row: Row) {
        nodeID = row["node_id"]
        iccid = row["iccid"]
        imei = row["imei"]
        mccmnc = row["mccmnc"]
        operatorName = row["operator"]
        opname = row["opname"]
        status = row["status"]
        heartbeat = row["heartbeat"]
        quotaCurrent = row["quota_current"]
        quotaResetValue = row["quota_reset_value"]
        quotaResetDate = row["quota_reset_date"]
        quotaLastReset = row["quota_last_reset"]
    }

    var wire: InterfaceObject {
        InterfaceObject(
            iccid: iccid, imei: imei, mccmnc: mccmnc, operatorName: operatorName, interface: opname, status: status,
            heartbeat: heartbeat, quotaCurrent: quotaCurrent, quotaLastReset: quotaLastReset, quotaResetValue: quotaResetValue,
            quotaResetDate: quotaResetDate)
    }
}

extension InterfaceRecord {
    /// Current interfaces per node, ordered by ICCID then IMEI.
    static func currentByNode(_ db: Database, nodeID: Int64? = nil) throws -> [Int64: [InterfaceRecord]] {
        var result: [Int64: [InterfaceRecord]] = [:]
        let rows: [Row]
        if let nodeID {
            rows = try Row.fetchAll(
                db, sql: "SELECT * FROM interfaces WHERE status = 'current' AND node_id = ? ORDER BY iccid, imei", arguments: [nodeID])
        } else {
            rows = try Row.fetchAll(db, sql: "SELECT * FROM interfaces WHERE status = 'current' ORDER BY iccid, imei")
        }
        for row in rows {
            let record = InterfaceRecord(row: row)
            result[record.nodeID, default: []].append(record)
        }
        return result
    }

    /// Inserts a registered interface with its monthly quota and the `set by API` journal entry.
    static func insert(_ db: Database, nodeID: Int64, spec: InterfaceSpec, now: Int64) throws {
        let quota = spec.quota ?? 0
        try db.execute(
            sql: """
                INSERT INTO interfaces (node_id, iccid, imei, mccmnc, operator, opname, status, heartbeat,
                    quota_current, quota_reset_value, quota_reset_date, quota_last_reset)
                VALUES (?, ?, ?, ?, ?, '', 'current', 0, ?, ?, ?, ?)
                """,
            arguments: [nodeID, spec.iccid, spec.imei ?? "", spec.mccmnc ?? "", spec.operatorName ?? "",
                        quota, quota, quota > 0 ? UTCCalendar.firstOfNextMonth(after: now) : 0, now])
        if quota > 0 {
            try Journal.interface(db, nodeID: nodeID, iccid: spec.iccid, newValue: quota, at: now)
        }
    }
}

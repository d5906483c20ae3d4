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

    /// A validated element of an `interfaces` list (registration and admin replacement).
    struct Spec: Sendable {
        var iccid: String
        var imei: String?
        var mccmnc: String?
        var operatorName: String?
        var quota: Int64?
    }

    enum SpecError: Error {
        case invalid
        case duplicate(String)

        var message: String {
            switch self {
            case .invalid: return "Parameter interfaces must be a list of interface objects."
            case .duplicate(let iccid): return "Duplicate interface (\(iccid))."
            }
        }
    }

    /// Validates an `interfaces` list (§4.5).
    static func specs(from value: JSONValue) throws(SpecError) -> [Spec] {
        guard case .array(let items) = value else { throw .invalid }
        var specs: [Spec] = []
        var seen = Set<String>()
        for item in items {
            guard case .object(let object) = item, case .string(let iccid)? = object["iccid"], !iccid.isEmpty, iccid.count <= 32
            else { throw .invalid }
            func text(_ key: String) throws(SpecError) -> String? {
                guard let value = object[key] else { return nil }
                guard case .string(let s) = value else { throw .invalid }
                return s
            }
            var quota: Int64?
            if let raw = object["quota"] {
                guard case .int(let q) = raw, q >= 0 else { throw .invalid }
                quota = q
            }
            let spec = Spec(iccid: iccid, imei: try text("imei"), mccmnc: try text("mccmnc"), operatorName: try text("operator"), quota: quota)
            guard seen.insert(iccid).inserted else { throw .duplicate(iccid) }
            specs.append(spec)
        }
        return specs
    }

    /// Inserts a registered interface with its monthly quota and the `set by API` journal entry.
    static func insert(_ db: Database, nodeID: Int64, spec: Spec, now: Int64) throws {
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

import GRDB
import MarvinCore

/// A task: one experiment on one node for one interval (§4.7).
struct ScheduleRecord: Sendable {
    var seq: Int64
    var id: String
    var nodeID: Int64
    var expID: Int64
    var start: Int64
    var stop: Int64
    var status: TaskStatus
    var createdShared: Bool
    var deploymentOptions: [String: JSONValue]
    var lpqUntil: Int64?
    var delivered: Bool
    var finalDelivered: Bool
    var charges: Charges
    var dataRefunded: Bool

    /// What the allocation charged for this task (§5.12.3), refunded in some cases (§5.12.5).
    struct Charges: Sendable {
        var time: Int64
        var storage: Int64
        var data: Int64
        var chargedAt: Int64
    }

    init(row: Row) {
        seq = row["seq"]
        id = row["id"]
        nodeID = row["nodeid"]
        expID = row["expid"]
        start = row["start"]
        stop = row["stop"]
        status = TaskStatus(row["status"] as String)
        createdShared = row["shared"]
        deploymentOptions = (try? JSONParser.parse(row["deployment_options"] as String))?.objectValue ?? [:]
        lpqUntil = row["lpq_until"]
        delivered = row["delivered"]
        finalDelivered = row["final_delivered"]
        charges = Charges(time: row["charge_time"], storage: row["charge_storage"], data: row["charge_data"], chargedAt: row["charged_at"])
        dataRefunded = row["data_refunded"]
    }

    /// An LPQ task not yet given a time (§5.11): shown with `start: -1`, `stop: <duration>`.
    var isUnplaced: Bool { start < 0 }
    var isFinal: Bool { status.isFinal }

    /// The schedule object; hidden options only in the private view of the task's node.
    func json(privateView: Bool) -> JSONValue { object(privateView: privateView).json }

    func object(privateView: Bool) -> ScheduleObject {
        ScheduleObject(
            id: id, nodeID: nodeID, expID: expID, start: start, stop: stop, status: status, shared: createdShared || isFinal,
            deploymentOptions: privateView ? deploymentOptions : HiddenOptions.redacted(deploymentOptions))
    }

    /// The view of the task's own node: hidden options included.
    var privateObject: ScheduleObject { object(privateView: true) }
}

extension ScheduleRecord {
    static func fetch(_ db: Database, id: String) throws -> ScheduleRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM schedules WHERE id = ?", arguments: [id]).map(ScheduleRecord.init(row:))
    }

    /// `sql` is fixed text (every caller's is), so the compiled statement is kept in the
    /// connection's cache: compiling `SELECT *` of this table is costlier than running it, and
    /// the heartbeat runs three such queries per request.
    static func fetchAll(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> [ScheduleRecord] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map(ScheduleRecord.init(row:))
    }

    /// Sets the full status string and keeps the `final` column (used by the blocking index) in step.
    static func setStatus(_ db: Database, seq: Int64, _ status: TaskStatus) throws {
        try db.cachedStatement(sql: "UPDATE schedules SET status = ?, final = ? WHERE seq = ?").execute(arguments: [status.text, status.isFinal, seq])
    }

    /// Side effects of becoming final (§6.2): the ssh key expires, an unplaced task gets `start = stop = now`.
    static func finalise(_ db: Database, _ task: ScheduleRecord, status: TaskStatus, now: Int64) throws {
        try setStatus(db, seq: task.seq, status)
        try db.execute(sql: "UPDATE ssh_keys SET expires = ? WHERE schedule_seq = ? AND expires > ?", arguments: [now, task.seq, now])
        if task.isUnplaced {
            try db.execute(sql: "UPDATE schedules SET start = ?, stop = ? WHERE seq = ?", arguments: [now, now, task.seq])
        }
    }

    /// Traffic reports of a task: meter → bytes.
    static func report(_ db: Database, seq: Int64) throws -> [String: JSONValue] {
        var report: [String: JSONValue] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT meter, bytes FROM traffic_reports WHERE schedule_seq = ?", arguments: [seq]) {
            report[row["meter"]] = .int(row["bytes"])
        }
        return report
    }
}

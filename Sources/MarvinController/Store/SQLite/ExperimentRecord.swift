import GRDB
import MarvinCore

enum ExperimentStatus: String, Sendable {
    case active, archived, expired, merged
}

/// An experiment (§4.8): what a user asked for; its tasks are schedule records.
struct ExperimentRecord: Sendable {
    var id: Int64
    var name: String
    var ownerID: Int64
    var type: String
    var script: String
    var start: Int64
    var stop: Int64
    var recurringUntil: Int64
    var optionsText: String
    var status: ExperimentStatus

    init(row: Row) {
        id = row["id"]
        name = row["name"]
        ownerID = row["ownerid"]
        type = row["type"]
        script = row["script"]
        start = row["start"]
        stop = row["stop"]
        recurringUntil = row["recurring_until"]
        optionsText = row["options"]
        status = ExperimentStatus(rawValue: row["status"]) ?? .active
    }

    /// Scheduling options; never holds hidden keys (§5.13).
    var options: [String: JSONValue] {
        HiddenOptions.redacted((try? JSONParser.parse(optionsText))?.objectValue ?? [:])
    }

    /// The experiment summary with its task status counts.
    func summary(_ db: Database) throws -> JSONValue {
        var counts: [String: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM schedules WHERE expid = ? GROUP BY status", arguments: [id]) {
            counts[row["status"]] = row["n"]
        }
        return wire(summary: counts).json
    }

    private func wire(summary: [String: Int64]) -> ExperimentSummary {
        ExperimentSummary(
            id: id, name: name, ownerID: ownerID, type: type, script: script, start: start, stop: stop, status: status.rawValue,
            options: options, summary: summary)
    }

    /// The experiment with its tasks (`…/schedules`), optionally reduced to one schedule id.
    func withSchedules(_ db: Database, only scheduleID: String? = nil) throws -> JSONValue {
        var schedules: [String: JSONValue] = [:]
        for task in try ScheduleRecord.fetchAll(db, sql: "SELECT * FROM schedules WHERE expid = ?", arguments: [id]) {
            if let scheduleID, task.id != scheduleID { continue }
            schedules[task.id] = ["nodeid": .int(task.nodeID), "start": .int(task.start), "status": .string(task.status.text), "stop": .int(task.stop)]
        }
        var object = wire(summary: [:]).baseJSON
        object["schedules"] = .object(schedules)
        return .object(object)
    }

    static func fetch(_ db: Database, id: Int64) throws -> ExperimentRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM experiments WHERE id = ?", arguments: [id]).map(ExperimentRecord.init(row:))
    }

    static func fetchAll(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> [ExperimentRecord] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map(ExperimentRecord.init(row:))
    }
}

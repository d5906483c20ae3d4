import Foundation
import GRDB
import MarvinCore

/// The node's durable record of each task (node-runtime §3.2): what the ctld said about it, its
/// local state and stop reason, and the final status once decided. A state change and the status
/// it reports are committed in one transaction ("write intent, then act", §3.1).
public final class TaskStore: Sendable {
    let store: NodeStateStore

    public init(store: NodeStateStore) {
        self.store = store
    }

    public struct Record: Sendable, Equatable {
        public var schedid: String
        public var expID: Int64
        public var start: Int64
        public var stop: Int64
        /// The private options verbatim, hidden keys included: never logged.
        public var privateOptions: [String: JSONValue]
        public var script: String?
        public var state: TaskState
        public var stopReason: StopReason?
        public var finalStatus: String?
        public var startCounter: Int

        init(row: Row) {
            schedid = row["schedid"]
            expID = row["expid"]
            start = row["start"]
            stop = row["stop"]
            privateOptions = (try? JSONParser.parse(row["private_options"] as String))?.objectValue ?? [:]
            script = row["script"]
            state = TaskState(rawValue: row["state"]) ?? .received
            stopReason = (row["stop_reason"] as String?).flatMap(StopReason.init(stored:))
            finalStatus = row["final_status"]
            startCounter = row["start_counter"]
        }
    }

    /// Records a task first seen in a heartbeat (state `received`); false when it was known.
    @discardableResult
    public func learn(_ task: HeartbeatTask, now: Int64) throws -> Bool {
        try store.write { db in
            let known = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM tasks WHERE schedid = ?)", arguments: [task.id]) ?? false
            if known { return false }
            try db.execute(
                sql: """
                    INSERT INTO tasks (schedid, expid, start, stop, private_options, script, state, created, updated)
                    VALUES (?, ?, ?, ?, ?, ?, 'received', ?, ?)
                    """,
                arguments: [task.id, task.expID, task.start, task.stop, JSONWriter.write(.object(task.deploymentOptions), pretty: false),
                            task.deploymentOptions["script"]?.stringValue, now, now])
            return true
        }
    }

    /// Moves a task to its next state and queues the step's status in the same transaction.
    /// A final status is decided once: a later one is neither stored nor reported.
    public func apply(_ step: TaskLifecycle.Step, to schedid: String, now: Int64, at when: Double) throws {
        try store.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM tasks WHERE schedid = ?", arguments: [schedid]) else {
                throw UnknownTask(schedid: schedid)
            }
            let record = Record(row: row)
            var finalStatus = record.finalStatus
            if let text = step.status, TaskStatus(text).isFinal, finalStatus == nil { finalStatus = TaskStatus(text).text }
            try db.execute(
                sql: "UPDATE tasks SET state = ?, stop_reason = COALESCE(?, stop_reason), final_status = ?, updated = ? WHERE schedid = ?",
                arguments: [step.state.rawValue, step.reason?.stored, finalStatus, now, schedid])
            if let text = step.status, !(TaskStatus(text).isFinal && record.finalStatus != nil) {
                _ = try Outbox.queueStatus(db, text, for: schedid, at: when, now: now)
            }
        }
    }

    public struct UnknownTask: Error, CustomStringConvertible, Sendable {
        public let schedid: String
        public var description: String { "no task \(schedid) on this node" }
    }

    public func record(_ schedid: String) throws -> Record? {
        try store.read { db in try Row.fetchOne(db, sql: "SELECT * FROM tasks WHERE schedid = ?", arguments: [schedid]).map(Record.init(row:)) }
    }

    /// Every task not `done`, in start order: the heartbeat's `known_tasks` (§4.2) and recovery (§5.8).
    public func active() throws -> [Record] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM tasks WHERE state != 'done' ORDER BY start, schedid").map(Record.init(row:))
        }
    }
}

extension StopReason {
    /// How the reason is kept in the state database.
    var stored: String {
        switch self {
        case .timer: return "timer"
        case .exited: return "exited"
        case .aborted: return "aborted"
        case .traffic(let interface, let netns): return "traffic\t\(interface)\t\(netns)"
        case .storage: return "storage"
        case .nodeDown: return "node-down"
        case .noRestart: return "no-restart"
        }
    }

    init?(stored: String) {
        let parts = stored.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        switch parts[0] {
        case "timer": self = .timer
        case "exited": self = .exited
        case "aborted": self = .aborted
        case "traffic" where parts.count == 3: self = .traffic(interface: parts[1], netns: parts[2])
        case "storage": self = .storage
        case "node-down": self = .nodeDown
        case "no-restart": self = .noRestart
        default: return nil
        }
    }
}

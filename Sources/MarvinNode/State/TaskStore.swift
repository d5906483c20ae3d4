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
        /// The deploy sub-step in progress (§5.1), and how many attempts ended delayed.
        public var substep: String?
        public var deployAttempts: Int
        /// When a delayed deploy is tried again.
        public var retryAt: Int64?
        public var imageID: String?
        public var deploymentBytes: Int64
        public var resultsBytes: Int64
        /// The container id, or the process runtime's handle.
        public var runID: String?
        public var guid: String?
        /// Recovery found the run gone before its stop time: the next start is a restart (§5.8).
        public var restartPending: Bool
        /// The actual start: wall clock, monotonic clock and the boot it happened in.
        public var startedAt: Double?
        public var startedMonotonic: Double?
        public var startedBoot: String?
        public var stopSignalAt: Double?
        public var exitCode: Int?
        public var exitedAt: Double?
        public var logPosition: String?

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
            substep = row["substep"]
            deployAttempts = row["deploy_attempts"]
            retryAt = row["retry_at"]
            imageID = row["image_id"]
            deploymentBytes = row["deployment_bytes"]
            resultsBytes = row["results_bytes"]
            runID = row["run_id"]
            guid = row["guid"]
            restartPending = row["restart_pending"]
            startedAt = row["started_at"]
            startedMonotonic = row["started_monotonic"]
            startedBoot = row["started_boot"]
            stopSignalAt = row["stop_signal_at"]
            exitCode = row["exit_code"]
            exitedAt = row["exited_at"]
            logPosition = row["log_position"]
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
    /// A final status is decided once: a later one is neither stored nor reported. With
    /// `expecting`, nothing happens (nil) unless the task is still in that state, so the
    /// late result of an interrupted step cannot undo an abort.
    @discardableResult
    public func apply(_ step: TaskLifecycle.Step, to schedid: String, now: Int64, at when: Double, expecting: TaskState? = nil, event: String = "") throws -> Applied? {
        try store.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM tasks WHERE schedid = ?", arguments: [schedid]) else {
                throw UnknownTask(schedid: schedid)
            }
            let record = Record(row: row)
            if let expecting, record.state != expecting { return nil }
            var finalStatus = record.finalStatus
            if let text = step.status, TaskStatus(text).isFinal, finalStatus == nil { finalStatus = TaskStatus(text).text }
            try db.execute(
                sql: "UPDATE tasks SET state = ?, stop_reason = COALESCE(?, stop_reason), final_status = ?, updated = ? WHERE schedid = ?",
                arguments: [step.state.rawValue, step.reason?.stored, finalStatus, now, schedid])
            var queued = false
            if let text = step.status, !(TaskStatus(text).isFinal && record.finalStatus != nil) {
                queued = try Outbox.queueStatus(db, text, for: schedid, at: when, now: now)
            }
            try db.execute(sql: "INSERT INTO task_transitions (schedid, state, event, at) VALUES (?, ?, ?, ?)",
                           arguments: [schedid, step.state.rawValue, event, when])
            return Applied(statusQueued: queued)
        }
    }

    /// A step `apply` committed; its status was queued unless it repeated the last one (§4.4).
    public struct Applied: Sendable {
        public var statusQueued: Bool
    }

    /// The columns a run step records on its way (never the state: that is `apply`'s).
    public enum Field: String, Sendable {
        case script, substep, retryAt = "retry_at", imageID = "image_id", deploymentBytes = "deployment_bytes"
        case resultsBytes = "results_bytes", runID = "run_id", guid, restartPending = "restart_pending"
        case startCounter = "start_counter", startedAt = "started_at", startedMonotonic = "started_monotonic"
        case startedBoot = "started_boot", stopSignalAt = "stop_signal_at", exitCode = "exit_code", exitedAt = "exited_at"
        case logPosition = "log_position", deployAttempts = "deploy_attempts", start, stop
    }

    /// Records step data, committed before the step goes on ("write intent, then act").
    public func set(_ schedid: String, _ values: [Field: (any DatabaseValueConvertible)?]) throws {
        guard !values.isEmpty else { return }
        let fields = Array(values.keys)
        let assignments = fields.map { "\($0.rawValue) = ?" }.joined(separator: ", ")
        var arguments = StatementArguments(fields.map { values[$0]! })
        arguments += [schedid]
        try store.write { db in
            try db.execute(sql: "UPDATE tasks SET \(assignments) WHERE schedid = ?", arguments: arguments)
        }
    }

    /// Whether the outbox still holds anything for the task (a task is `done` only when not).
    public func hasPendingReports(_ schedid: String) throws -> Bool {
        try store.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM outbox WHERE schedid = ?)", arguments: [schedid]) ?? false
        }
    }

    /// Every task, newest first, for `marvind status`.
    public func all() throws -> [Record] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM tasks ORDER BY start DESC, schedid").map(Record.init(row:))
        }
    }

    public struct UnknownTask: Error, CustomStringConvertible, Sendable {
        public let schedid: String
        public var description: String { "no task \(schedid) on this node" }
    }

    public func record(_ schedid: String) throws -> Record? {
        try store.read { db in try Row.fetchOne(db, sql: "SELECT * FROM tasks WHERE schedid = ?", arguments: [schedid]).map(Record.init(row:)) }
    }

    /// The layers this task's pulls have downloaded, with their compressed sizes (§6.3).
    public func pulledLayers(_ schedid: String) throws -> [String: Int64] {
        try store.read { db in
            Dictionary(try Row.fetchAll(db, sql: "SELECT layer, bytes FROM pulled_layers WHERE schedid = ?", arguments: [schedid])
                .map { ($0["layer"] as String, $0["bytes"] as Int64) }, uniquingKeysWith: { $1 })
        }
    }

    /// Records a layer as soon as its download completed.
    public func layerPulled(_ schedid: String, layer: String, bytes: Int64) throws {
        try store.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO pulled_layers (schedid, layer, bytes) VALUES (?, ?, ?)", arguments: [schedid, layer, bytes])
        }
    }

    /// Every task not `done`, in start order: the heartbeat's `known_tasks` (§4.2) and recovery (§5.8).
    public func active() throws -> [Record] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM tasks WHERE state != 'done' ORDER BY start, schedid").map(Record.init(row:))
        }
    }
}

extension StopReason {
    /// The reason's name (§9.1): `container.stat`, `MARVIN_STOP_REASON`, logs.
    var name: String {
        switch self {
        case .timer: return "timer"
        case .exited: return "exited"
        case .aborted: return "aborted"
        case .traffic: return "traffic"
        case .storage: return "storage"
        case .nodeDown: return "node-down"
        case .noRestart: return "no-restart"
        }
    }

    /// How the reason is kept in the state database: the name, and the interface for a quota.
    var stored: String {
        if case .traffic(let interface, let netns) = self { return "traffic\t\(interface)\t\(netns)" }
        return name
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

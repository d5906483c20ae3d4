import Foundation
import GRDB
import MarvinCore

/// Reports to the ctld, written durably before they are delivered (node-runtime §4.4).
/// Entries of one task go out in creation order; a newer report of the same kind replaces an
/// undelivered older one, except that a final status is never replaced and ends the task's
/// status reports.
public final class Outbox: Sendable {
    let store: NodeStateStore

    public init(store: NodeStateStore) {
        self.store = store
    }

    public struct Entry: Sendable, Equatable {
        public var seq: Int64
        public var schedid: String
        public var kind: String
        /// The form body of `PUT <rest-server>/schedules/<schedid>`.
        public var payload: String
        public var attempts: Int
        public var lastError: String?
    }

    /// Queues a status report; false when it is discarded (a final status was already queued,
    /// or the same text was queued last).
    @discardableResult
    public func status(_ text: String, for schedid: String, at when: Double, now: Int64) throws -> Bool {
        try store.write { db in try Self.queueStatus(db, text, for: schedid, at: when, now: now) }
    }

    /// The same inside the caller's transaction, so a state change and its report commit together.
    static func queueStatus(_ db: Database, _ text: String, for schedid: String, at when: Double, now: Int64) throws -> Bool {
        let status = TaskStatus(text)
        let payload = [("status", status.text), ("schedid", schedid), ("when", String(format: "%.3f", when))]
            .map { "\($0.0)=\(HeartbeatRequest.encode($0.1))" }.joined(separator: "&")
        let task = try Row.fetchOne(db, sql: "SELECT last_status, final_queued FROM outbox_task WHERE schedid = ?", arguments: [schedid])
        if let task {
            if (task["final_queued"] as Bool) || (task["last_status"] as String?) == status.text { return false }
        }
        // Latest wins over an undelivered open status, but a final status leaves it in place:
        // the ctld learns that the run started before it learns how it ended (scenarios 17
        // and 20). A final status is never removed.
        if !status.isFinal {
            try db.execute(sql: "DELETE FROM outbox WHERE schedid = ? AND kind = 'status' AND final = 0", arguments: [schedid])
        }
        try db.execute(
            sql: "INSERT INTO outbox (schedid, kind, final, status_text, payload, created) VALUES (?, 'status', ?, ?, ?, ?)",
            arguments: [schedid, status.isFinal, status.text, payload, now])
        try db.execute(
            sql: """
                INSERT INTO outbox_task (schedid, last_status, final_queued) VALUES (?, ?, ?)
                ON CONFLICT (schedid) DO UPDATE SET last_status = excluded.last_status, final_queued = excluded.final_queued
                """,
            arguments: [schedid, status.text, status.isFinal])
        return true
    }

    /// The status last queued for a task (delivered or not); a repeat of it is not queued again.
    public func lastStatus(_ schedid: String) -> String? {
        try? store.read { db in
            try String.fetchOne(db, sql: "SELECT last_status FROM outbox_task WHERE schedid = ?", arguments: [schedid])
        }
    }

    /// Queues a traffic report (full current totals), replacing an undelivered older one.
    public func traffic(_ report: JSONValue, for schedid: String, now: Int64) throws {
        let payload = "traffic=\(HeartbeatRequest.encode(JSONWriter.write(report, pretty: false)))&schedid=\(HeartbeatRequest.encode(schedid))"
        try store.write { db in
            try db.execute(sql: "DELETE FROM outbox WHERE schedid = ? AND kind = 'traffic'", arguments: [schedid])
            try db.execute(
                sql: "INSERT INTO outbox (schedid, kind, payload, created) VALUES (?, 'traffic', ?, ?)", arguments: [schedid, payload, now])
        }
    }

    /// Everything undelivered, oldest first (each task's entries stay in creation order).
    public func pending() throws -> [Entry] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM outbox ORDER BY seq").map { row in
                Entry(seq: row["seq"], schedid: row["schedid"], kind: row["kind"], payload: row["payload"], attempts: row["attempts"],
                      lastError: row["last_error"])
            }
        }
    }

    /// Applies the ctld's answer to one delivery attempt.
    public func settle(_ entry: Entry, _ outcome: ReportOutcome) throws {
        try store.write { db in
            switch outcome {
            case .delivered, .dropped:
                try db.execute(sql: "DELETE FROM outbox WHERE seq = ?", arguments: [entry.seq])
            case .retry(let reason):
                try db.execute(sql: "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ?", arguments: [reason, entry.seq])
            }
        }
    }
}

/// What the ctld's answer to a report means for its outbox entry (§4.4).
public enum ReportOutcome: Sendable, Equatable {
    case delivered
    /// Removed without being delivered; retrying cannot help. `error` says how loudly to log it.
    case dropped(reason: String, error: Bool)
    /// Kept for the next flush.
    case retry(reason: String)

    /// `status` nil means no HTTP answer arrived (network or TLS error).
    public init(status: Int?, message: String?) {
        switch status {
        case 200?: self = .delivered
        case 400? where message?.contains("cannot be reset") == true: self = .delivered
        case 404? where message == "Could not find schedule entry with this id.":
            self = .dropped(reason: "task deleted on the ctld", error: false)
        case 400?: self = .dropped(reason: "refused: \(message ?? "no message")", error: true)
        case let code?: self = .retry(reason: "HTTP \(code)")
        case nil: self = .retry(reason: "ctld unreachable")
        }
    }
}

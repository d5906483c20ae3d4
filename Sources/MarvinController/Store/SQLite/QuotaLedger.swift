import GRDB
import MarvinCore

/// Quota bookkeeping (§5.12): monthly resets, charges at allocation and refunds, each with its
/// journal entry.
enum QuotaLedger {
    /// Resets every user quota whose reset date has passed (§5.12.4); returns the updated user.
    @discardableResult
    static func applyDueResets(_ db: Database, user: UserRecord, now: Int64) throws -> UserRecord {
        var user = user
        for kind in QuotaKind.allCases {
            var balance = user.quota(kind)
            guard balance.resetDate < now else { continue }
            balance.current = balance.resetValue
            balance.lastReset = now
            balance.resetDate = UTCCalendar.firstOfNextMonth(after: now)
            try UserRecord.setQuota(db, userID: user.id, kind: kind, balance)
            try Journal.user(db, ownerID: user.id, kind: kind, newValue: balance.resetValue, reason: "scheduled reset", at: now)
            user.quotas[kind] = balance
        }
        return user
    }

    /// Resets for all users and all interfaces with a monthly quota (housekeeping).
    static func applyAllDueResets(_ db: Database, now: Int64) throws {
        for user in try UserRecord.fetchAll(db) {
            try applyDueResets(db, user: user, now: now)
        }
        try db.execute(
            sql: """
                UPDATE interfaces SET quota_current = quota_reset_value, quota_last_reset = ?, quota_reset_date = ?
                WHERE quota_reset_value > 0 AND quota_reset_date < ?
                """,
            arguments: [now, UTCCalendar.firstOfNextMonth(after: now), now])
    }

    /// Moves a user's balance by `delta` (negative = charge).
    static func adjust(_ db: Database, userID: Int64, kind: QuotaKind, by delta: Int64) throws -> Int64 {
        let column = "\(kind.rawValue)_current"
        // Saturate instead of letting SQLite turn an overflowing sum into a REAL.
        try db.execute(
            sql: """
                UPDATE users SET \(column) = CASE
                    WHEN ? > 0 AND \(column) > 9223372036854775807 - ? THEN 9223372036854775807
                    WHEN ? < 0 AND \(column) < -9223372036854775807 - ? THEN -9223372036854775807
                    ELSE \(column) + ? END
                WHERE id = ?
                """,
            arguments: [delta, delta, delta, delta, delta, userID])
        return try Int64.fetchOne(db, sql: "SELECT \(column) FROM users WHERE id = ?", arguments: [userID]) ?? 0
    }

    /// Why tasks were refunded, as the journal says it (§5.12.5).
    enum RefundCause {
        case canceledBeforeStart, notExecutedInWindow

        var text: String {
            switch self {
            case .canceledBeforeStart: return "canceled before start"
            case .notExecutedInWindow: return "not executed within availability window"
            }
        }
    }

    /// Credits back the charges of `tasks` (all of one experiment), skipping quotas reset since
    /// the allocation; one journal entry per quota with a credited amount > 0. Marks the tasks
    /// `data_refunded`.
    static func refund(_ db: Database, tasks: [ScheduleRecord], experiment: ExperimentRecord, cause: RefundCause, now: Int64) throws {
        guard !tasks.isEmpty, let owner = try UserRecord.fetch(db, id: experiment.ownerID) else { return }
        for kind in [QuotaKind.time, .storage, .data] {
            // A charge made before the quota's last reset is gone with the reset.
            let eligible = tasks.filter { owner.quota(kind).lastReset <= $0.charges.chargedAt }
            let amount = eligible.reduce(Int64(0)) { sum, task in
                switch kind {
                case .time: return sum + task.charges.time
                case .storage: return sum + task.charges.storage
                case .data: return sum + task.charges.data
                }
            }
            guard amount > 0 else { continue }
            let balance = try adjust(db, userID: owner.id, kind: kind, by: amount)
            let what = kind == .time ? "\(amount) seconds runtime" : "\(amount) bytes"
            try Journal.user(
                db, ownerID: owner.id, kind: kind, newValue: balance,
                reason: "experiment #\(experiment.id) refunded \(what) (\(tasks.count) tasks \(cause.text))",
                at: now)
        }
        for task in tasks {
            try db.execute(sql: "UPDATE schedules SET data_refunded = 1 WHERE seq = ?", arguments: [task.seq])
        }
    }
}

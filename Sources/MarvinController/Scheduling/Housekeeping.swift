import GRDB
import MarvinCore

/// Hourly housekeeping (§5.16): resets, LPQ expiry, post-run data refunds, expired ssh keys.
/// Each step has its own transaction; a failing step is logged and the others still run.
extension Controller {
    func runHousekeeping(now: Int64) async {
        let steps: [(String, @Sendable (Database) throws -> Void)] = [
            ("monthly quota resets", { db in try QuotaLedger.applyAllDueResets(db, now: now) }),
            ("queue expiry", { db in try LowPriorityQueue.expire(db, now: now) }),
            ("data refunds", { [quota = config.quota] db in try Self.refundUnusedData(db, now: now, settings: quota) }),
            ("ssh key expiry", { db in try db.execute(sql: "DELETE FROM ssh_keys WHERE expires <= ?", arguments: [now]) }),
        ]
        for (name, step) in steps {
            do {
                try await store.write(step)
            } catch {
                logger.error("housekeeping step failed", metadata: ["step": "\(name)", "error": "\(type(of: error))"])
            }
        }
        metrics.housekeepingRuns.increment()
    }

    /// Credits back data a finished task was charged for but did not use (§5.12.5 case 3).
    static func refundUnusedData(_ db: Database, now: Int64, settings: ControllerConfig.QuotaSettings) throws {
        let tasks = try ScheduleRecord.fetchAll(
            db,
            sql: """
                SELECT * FROM schedules WHERE charge_data > 0 AND data_refunded = 0 AND stop > ? AND stop < ?
                AND EXISTS (SELECT 1 FROM traffic_reports r WHERE r.schedule_seq = schedules.seq AND r.meter NOT IN ('deployment', 'results'))
                ORDER BY seq
                """,
            arguments: [now - settings.dataRefundMaxAge, now - settings.dataRefundDelay])
        for task in tasks {
            defer { _ = try? db.execute(sql: "UPDATE schedules SET data_refunded = 1 WHERE seq = ?", arguments: [task.seq]) }
            let used = try Int64.fetchOne(
                db, sql: "SELECT COALESCE(SUM(bytes), 0) FROM traffic_reports WHERE schedule_seq = ? AND meter NOT IN ('deployment', 'results')",
                arguments: [task.seq]) ?? 0
            let unused = task.charges.data - used
            guard unused > 0, let experiment = try ExperimentRecord.fetch(db, id: task.expID),
                let owner = try UserRecord.fetch(db, id: experiment.ownerID), owner.quota(.data).lastReset <= task.charges.chargedAt
            else { continue }
            let balance = try QuotaLedger.adjust(db, userID: owner.id, kind: .data, by: unused)
            try Journal.user(
                db, ownerID: owner.id, kind: .data, newValue: balance,
                reason: "refunded \(unused) bytes (\(task.charges.data) requested, \(used) used) for experiment \(experiment.id), schedule \(task.id).",
                at: now)
        }
    }
}

import GRDB
import MarvinCore

/// Experiments: reads, merge and delete (§3.4, §6.4). Allocation is in `SQLiteStorage+Allocation.swift`.
extension SQLiteStorage {
    func experiments(showHidden: Bool) async throws -> [JSONValue] {
        let filter = showHidden ? "" : " WHERE status = 'active'"
        return try await read { db in
            try ExperimentRecord.fetchAll(db, sql: "SELECT * FROM experiments\(filter) ORDER BY id").map { try $0.summary(db) }
        }
    }

    func experiment(id: Int64) async throws -> JSONValue? {
        try await read { db in try ExperimentRecord.fetch(db, id: id)?.summary(db) }
    }

    func experimentSchedules(id: Int64, only: String?) async throws -> JSONValue? {
        try await read { db in try ExperimentRecord.fetch(db, id: id)?.withSchedules(db, only: only) }
    }

    func merge(into: Int64, from: Int64, caller: Int64, name: String?) async throws -> Int {
        try await write { db in
            guard let target = try ExperimentRecord.fetch(db, id: into), let source = try ExperimentRecord.fetch(db, id: from),
                target.status == .active, source.status == .active
            else { throw APIError(404, "Experiment does not exist.") }
            guard target.ownerID == caller, source.ownerID == caller else { throw APIError(401, "Only user \(caller) can do this") }
            try db.execute(sql: "UPDATE schedules SET expid = ? WHERE expid = ?", arguments: [into, from])
            let moved = db.changesCount
            if let name, !name.isEmpty {
                try db.execute(sql: "UPDATE experiments SET name = ? WHERE id = ?", arguments: [name, into])
            }
            try db.execute(sql: "UPDATE experiments SET status = 'merged' WHERE id = ?", arguments: [from])
            return moved
        }
    }

    func deleteExperiment(id: Int64, caller: UserRecord, now: Int64) async throws -> ExperimentDeletion? {
        try await write { db in
            guard let experiment = try ExperimentRecord.fetch(db, id: id), experiment.status == .active else { return nil }
            guard caller.role == .admin || experiment.ownerID == caller.id else {
                throw APIError(401, "Only admins and user \(experiment.ownerID) can do this")
            }
            let tasks = try ScheduleRecord.fetchAll(db, sql: "SELECT * FROM schedules WHERE expid = ? ORDER BY seq", arguments: [id])
            guard !tasks.isEmpty else { throw APIError(404, "Could not find experiment id.") }
            // Nothing was ever delivered: the experiment goes away entirely.
            if Set(tasks.map { $0.status.code }).isSubset(of: [.defined, .canceled]) {
                let refundable = tasks.filter { $0.status.code == .defined && ($0.isUnplaced || now < $0.start) }
                try QuotaLedger.refund(db, tasks: refundable, experiment: experiment, cause: .canceledBeforeStart, now: now)
                try db.execute(sql: "DELETE FROM schedules WHERE expid = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM experiments WHERE id = ?", arguments: [id])
                return .deleted
            }
            if tasks.allSatisfy(\.isFinal) {
                try db.execute(sql: "UPDATE experiments SET status = 'archived' WHERE id = ?", arguments: [id])
                return .archived
            }
            var (canceled, aborted) = (0, 0)
            var refundable: [ScheduleRecord] = []
            for task in tasks where !task.isFinal {
                let code = (task.status.code ?? .defined).withdrawal
                if code == .canceled { canceled += 1 } else { aborted += 1 }
                if task.isUnplaced || now < task.start { refundable.append(task) }
                try ScheduleRecord.finalise(db, task, status: TaskStatus(code), now: now)
            }
            try QuotaLedger.refund(db, tasks: refundable, experiment: experiment, cause: .canceledBeforeStart, now: now)
            return .withdrawn(canceled: canceled, aborted: aborted)
        }
    }
}

import GRDB
import MarvinCore

/// `/v1/experiments…` (§3.4): reads, delete, merge. Allocation is in `AllocationRoute.swift`.
extension Controller {
    func listExperiments(_ request: APIRequest) async throws -> APIResponse {
        _ = try request.requirePrincipal()
        let filter = request.params.flag("showHidden") ? "" : " WHERE status = 'active'"
        let summaries = try await store.read { db in
            try ExperimentRecord.fetchAll(db, sql: "SELECT * FROM experiments\(filter) ORDER BY id").map { try $0.summary(db) }
        }
        return APIResponse(.array(summaries))
    }

    func getExperiment(_ request: APIRequest) async throws -> APIResponse {
        _ = try request.requirePrincipal()
        let id = request.pathID(0)
        let summary = try await store.read { db in try id.flatMap { try ExperimentRecord.fetch(db, id: $0) }?.summary(db) }
        guard let summary else { throw APIError(404, "Could not find experiment with this id.") }
        return APIResponse(summary)
    }

    func experimentSchedules(_ request: APIRequest) async throws -> APIResponse {
        _ = try request.requirePrincipal()
        let id = request.pathID(0)
        let only = request.route.parameters.count > 1 ? request.pathParameter(1) : nil
        let object = try await store.read { db in
            try id.flatMap { try ExperimentRecord.fetch(db, id: $0) }?.withSchedules(db, only: only)
        }
        guard let object else { throw APIError(404, "Could not find experiment with this id.") }
        return APIResponse(object)
    }

    func updateExperimentCollection(_ request: APIRequest) async throws -> APIResponse {
        guard request.identity.role == .user || request.isAdmin else { throw APIError(401, "You'd have to be a user to do that") }
        throw APIError(400, "Experiment id missing.")
    }

    func updateExperiment(_ request: APIRequest) async throws -> APIResponse {
        guard request.identity.role == .user || request.isAdmin else { throw APIError(401, "You'd have to be a user to do that") }
        throw APIError(400, "Second experiment id missing.")
    }

    /// `PUT /v1/experiments/{into}/{from}`: moves the tasks of `from` into `into`.
    func mergeExperiments(_ request: APIRequest) async throws -> APIResponse {
        guard let caller = request.identity.principal, caller.role == .user || caller.role == .admin else {
            throw APIError(401, "You'd have to be a user to do that")
        }
        guard request.pathParameter(0) != request.pathParameter(1) else { throw APIError(400, "Cannot merge an experiment into itself.") }
        let notFound = APIError(404, "Experiment does not exist.")
        guard let into = request.pathID(0), let from = request.pathID(1) else { throw notFound }
        let name = request.params.text("name")
        let moved = try await store.write { db -> Int in
            guard let target = try ExperimentRecord.fetch(db, id: into), let source = try ExperimentRecord.fetch(db, id: from),
                target.status == .active, source.status == .active
            else { throw notFound }
            guard target.ownerID == caller.id, source.ownerID == caller.id else { throw APIError(401, "Only user \(caller.id) can do this") }
            try db.execute(sql: "UPDATE schedules SET expid = ? WHERE expid = ?", arguments: [into, from])
            let count = db.changesCount
            if let name, !name.isEmpty {
                try db.execute(sql: "UPDATE experiments SET name = ? WHERE id = ?", arguments: [name, into])
            }
            try db.execute(sql: "UPDATE experiments SET status = 'merged' WHERE id = ?", arguments: [from])
            return count
        }
        return .message("Merged \(moved) tasks from experiment \(from) into \(into)")
    }

    func deleteExperimentCollection(_ request: APIRequest) async throws -> APIResponse {
        guard request.identity.role == .user || request.isAdmin else { throw APIError(401, "You'd have to be a user or admin to do that") }
        throw APIError(400, "Experiment id missing.")
    }

    /// `DELETE /v1/experiments/{id}` (§6.4): hard delete, archive, or cancel/abort open tasks.
    func deleteExperiment(_ request: APIRequest) async throws -> APIResponse {
        guard let caller = request.identity.principal, caller.role == .user || caller.role == .admin else {
            throw APIError(401, "You'd have to be a user or admin to do that")
        }
        let segment = request.pathParameter(0)
        let id = request.pathID(0)
        let now = request.now
        let response = try await store.write { db -> APIResponse in
            guard let id, let experiment = try ExperimentRecord.fetch(db, id: id), experiment.status == .active else {
                throw APIError(404, "Experiment \(segment) not found.")
            }
            guard caller.role == .admin || experiment.ownerID == caller.id else {
                throw APIError(401, "Only admins and user \(experiment.ownerID) can do this")
            }
            let tasks = try ScheduleRecord.fetchAll(db, sql: "SELECT * FROM schedules WHERE expid = ? ORDER BY seq", arguments: [id])
            guard !tasks.isEmpty else { throw APIError(404, "Could not find experiment id.") }
            let codes = Set(tasks.map { $0.status.code })
            if codes.isSubset(of: [.defined, .canceled]) {
                let refundable = tasks.filter { $0.status.code == .defined && ($0.isUnplaced || now < $0.start) }
                try QuotaLedger.refund(db, tasks: refundable, experiment: experiment, cause: .canceledBeforeStart, now: now)
                try db.execute(sql: "DELETE FROM schedules WHERE expid = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM experiments WHERE id = ?", arguments: [id])
                return .message("Ok. Deleted experiment and scheduling entries")
            }
            if tasks.allSatisfy(\.isFinal) {
                try db.execute(sql: "UPDATE experiments SET status = 'archived' WHERE id = ?", arguments: [id])
                return .message("Ok. Archived experiment.")
            }
            var (canceled, aborted) = (0, 0)
            var refundable: [ScheduleRecord] = []
            for task in tasks where !task.isFinal {
                let code: TaskCode = task.status.code == .defined ? .canceled : .aborted
                if code == .canceled { canceled += 1 } else { aborted += 1 }
                if task.isUnplaced || now < task.start { refundable.append(task) }
                try ScheduleRecord.finalise(db, task, status: TaskStatus(code), now: now)
            }
            try QuotaLedger.refund(db, tasks: refundable, experiment: experiment, cause: .canceledBeforeStart, now: now)
            return .message(
                "Ok. Canceled or aborted open scheduling entries",
                extras: ["canceled": .int(Int64(canceled)), "aborted": .int(Int64(aborted))])
        }
        logger.info("experiment deleted", metadata: ["experiment": "\(segment)"])
        return response
    }
}

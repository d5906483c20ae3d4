import GRDB
import MarvinCore

/// `/v1/users…` (§3.3).
extension Controller {
    func listUsers(_ request: APIRequest) async throws -> APIResponse {
        let caller = try request.requirePrincipal()
        let users = try await store.read { db in try UserRecord.fetchAll(db) }
        return APIResponse(.array(users.map { $0.json(showFingerprint: caller.role == .admin || caller.id == $0.id) }))
    }

    func getUser(_ request: APIRequest) async throws -> APIResponse {
        let caller = try request.requirePrincipal()
        guard let id = request.pathID(0) else { throw APIError(404, "Could not find user with this id.") }
        let now = request.now
        let user = try await store.write { db -> UserRecord? in
            guard let user = try UserRecord.fetch(db, id: id) else { return nil }
            return try QuotaLedger.applyDueResets(db, user: user, now: now)
        }
        guard let user else { throw APIError(404, "Could not find user with this id.") }
        return APIResponse([user.json(showFingerprint: caller.role == .admin || caller.id == user.id)])
    }

    /// Tasks of the user's experiments in the horizon, in the raw-join shape (§4.7).
    func userSchedules(_ request: APIRequest) async throws -> APIResponse {
        _ = try request.requirePrincipal()
        guard let id = request.pathID(0) else { return APIResponse([]) }
        let (now, horizon) = (request.now, policy.horizon)
        let rows = try await store.read { db -> [JSONValue] in
            let experiments = Dictionary(
                uniqueKeysWithValues: try ExperimentRecord.fetchAll(db, sql: "SELECT * FROM experiments WHERE ownerid = ?", arguments: [id])
                    .map { ($0.id, $0) })
            let tasks = try ScheduleRecord.fetchAll(
                db,
                sql: """
                    SELECT s.* FROM schedules s JOIN experiments e ON e.id = s.expid
                    WHERE e.ownerid = ? AND s.start >= 0 AND s.start <= ? AND s.stop >= ? ORDER BY s.start, s.seq
                    """,
                arguments: [id, now + horizon, now])
            return tasks.compactMap { task in
                guard let experiment = experiments[task.expID], case .object(var object) = task.json(privateView: false) else { return nil }
                object["name"] = .string(experiment.name)
                object["ownerid"] = .int(experiment.ownerID)
                object["type"] = .string(experiment.type)
                object["script"] = .string(experiment.script)
                object["recurring_until"] = .int(experiment.recurringUntil)
                object["options"] = .string(JSONWriter.write(.object(experiment.options), pretty: false))
                return .object(object)
            }
        }
        return APIResponse(.array(rows))
    }

    func userExperiments(_ request: APIRequest) async throws -> APIResponse {
        _ = try request.requirePrincipal()
        guard let id = request.pathID(0) else { throw APIError(404, "Could not find user with this id.") }
        let showHidden = request.params.flag("showHidden")
        let summaries = try await store.read { db -> [JSONValue]? in
            guard try UserRecord.fetch(db, id: id) != nil else { return nil }
            let filter = showHidden ? "" : " AND status = 'active'"
            return try ExperimentRecord.fetchAll(db, sql: "SELECT * FROM experiments WHERE ownerid = ?\(filter) ORDER BY id", arguments: [id])
                .map { try $0.summary(db) }
        }
        guard let summaries else { throw APIError(404, "Could not find user with this id.") }
        return APIResponse(.array(summaries))
    }

    func userJournals(_ request: APIRequest) async throws -> APIResponse {
        _ = try request.requirePrincipal()
        guard let id = request.pathID(0) else { return APIResponse([]) }
        return APIResponse(.array(try await store.read { db in try Journal.userEntries(db, ownerID: id) }))
    }

    func createUser(_ request: APIRequest) async throws -> APIResponse {
        guard request.isAdmin else {
            throw APIError(401, "You'd have to be an admin to do that (\(request.identity.role?.rawValue ?? "None"), admin)")
        }
        let p = request.params
        let (now, quota) = (request.now, config.quota)
        let id = try await store.write { db in
            try UserRegistration.create(db, name: p.text("name"), ssl: p.text("ssl"), role: p.text("role"), project: p.text("project"), now: now, quota: quota)
        }
        logger.info("user created", metadata: ["user": "\(id)"])
        return APIResponse(status: 201, ["message": .string("User \(id) created.")], headers: [("Location", "/user/\(id)")])
    }

    /// `PUT /v1/users/{id}`: quotas, monthly values, fingerprint and role; all or nothing.
    func updateUser(_ request: APIRequest) async throws -> APIResponse {
        try request.requireAdmin()
        let p = request.params
        let quotaKeys: [(String, QuotaKind, Bool)] = [
            ("time", .time, false), ("data", .data, false), ("storage", .storage, false),
            ("time_reset", .time, true), ("data_reset", .data, true), ("storage_reset", .storage, true),
        ]
        guard (quotaKeys.map(\.0) + ["ssl", "role"]).contains(where: p.has) else {
            throw APIError(400, "Parameters missing (any of: time, data, storage, ssl, role, time_reset, data_reset, storage_reset).")
        }
        var changes: [(QuotaKind, Bool, Int64)] = []
        for (key, kind, monthly) in quotaKeys where p.has(key) {
            guard case .value(let value) = p.integer(key), value >= 0 else {
                throw APIError(400, "Parameter \(key) must be a non-negative integer.")
            }
            changes.append((kind, monthly, value))
        }
        var fingerprint: String?
        if p.has("ssl") {
            let text = (p.text("ssl") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard let value = Fingerprint.normalise(text) else { throw APIError(400, UserRegistration.invalidFingerprint(text)) }
            fingerprint = value
        }
        var role: Role?
        if p.has("role") {
            let text = (p.text("role") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard let value = UserRegistration.role(text) else { throw APIError(400, UserRegistration.invalidRole(text)) }
            role = value
        }
        guard let id = request.pathID(0) else { throw APIError(404, "Could not find user ID.") }
        let now = request.now
        let (newFingerprint, newRole, quotaChanges) = (fingerprint, role, changes)
        try await store.write { db in
            let (fingerprint, role, changes) = (newFingerprint, newRole, quotaChanges)
            guard let user = try UserRecord.fetch(db, id: id) else { throw APIError(404, "Could not find user ID.") }
            if let fingerprint {
                let taken = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM users WHERE ssl_id = ? AND id != ?)", arguments: [fingerprint, id]) ?? false
                guard !taken else { throw APIError(409, "Error updating user.") }
                try db.execute(sql: "UPDATE users SET ssl_id = ? WHERE id = ?", arguments: [fingerprint, id])
            }
            if let role {
                try db.execute(sql: "UPDATE users SET role = ? WHERE id = ?", arguments: [role.rawValue, id])
            }
            var balances = user.quotas
            for (kind, monthly, value) in changes {
                if monthly {
                    balances[kind]!.resetValue = value
                    try UserRecord.setQuota(db, userID: id, kind: kind, balances[kind]!)
                    try Journal.user(db, ownerID: id, kind: kind, newValue: balances[kind]!.current,
                                     reason: "monthly reset value set to \(value) by API", at: now)
                } else {
                    balances[kind]!.current = value
                    try UserRecord.setQuota(db, userID: id, kind: kind, balances[kind]!)
                    try Journal.user(db, ownerID: id, kind: kind, newValue: value, reason: "set by API", at: now)
                }
            }
        }
        return .message("Updated.")
    }

    func deleteUser(_ request: APIRequest) async throws -> APIResponse {
        try request.requireAdmin()
        guard let id = request.pathID(0) else { throw APIError(404, "Could not find user with that id.") }
        let found = try await store.write { db -> Bool in
            try db.execute(sql: "UPDATE users SET role = 'invalid' WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
        guard found else { throw APIError(404, "Could not find user with that id.") }
        return .message("Ok. Invalidated user certificate.")
    }
}

import GRDB
import MarvinCore

/// Principals (§3.3).
extension SQLiteStorage {
    func users() async throws -> [UserRecord] {
        try await read { db in try UserRecord.fetchAll(db) }
    }

    func user(id: Int64, now: Int64) async throws -> UserRecord? {
        try await write { db in
            guard let user = try UserRecord.fetch(db, id: id) else { return nil }
            return try QuotaLedger.applyDueResets(db, user: user, now: now)
        }
    }

    func createUser(_ user: UserRegistration.NewUser, now: Int64) async throws -> Int64 {
        try await write { db in try Self.insert(db, user, now: now) }
    }

    func createUserNow(_ user: UserRegistration.NewUser, now: Int64) throws -> Int64 {
        try writeSync { db in try Self.insert(db, user, now: now) }
    }

    /// The user with its quotas and the three `user created` journal entries; 409 when the
    /// fingerprint or the (name, project) pair is taken.
    private static func insert(_ db: Database, _ user: UserRegistration.NewUser, now: Int64) throws -> Int64 {
        let taken = try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM users WHERE ssl_id = ? OR (name = ? AND project = ?))",
            arguments: [user.fingerprint, user.name, user.project]) ?? false
        guard !taken else { throw APIError(409, "Error inserting user.") }
        let quota = user.quota
        let resetDate = UTCCalendar.firstOfNextMonth(after: now)
        try db.execute(
            sql: """
                INSERT INTO users (name, ssl_id, role, project,
                    time_current, time_reset_value, time_reset_date, time_last_reset,
                    data_current, data_reset_value, data_reset_date, data_last_reset,
                    storage_current, storage_reset_value, storage_reset_date, storage_last_reset)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [user.name, user.fingerprint, user.role.rawValue, user.project,
                        quota.defaultTime, quota.defaultTime, resetDate, now,
                        quota.defaultData, quota.defaultData, resetDate, now,
                        quota.defaultStorage, quota.defaultStorage, resetDate, now])
        let id = db.lastInsertedRowID
        for (kind, value) in [(QuotaKind.time, quota.defaultTime), (.data, quota.defaultData), (.storage, quota.defaultStorage)] {
            try Journal.user(db, ownerID: id, kind: kind, newValue: value, reason: "user created", at: now)
        }
        return id
    }

    func updateUser(id: Int64, _ update: UserUpdate, now: Int64) async throws {
        try await write { db in
            guard let user = try UserRecord.fetch(db, id: id) else { throw APIError(404, "Could not find user ID.") }
            if let fingerprint = update.fingerprint {
                let taken = try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM users WHERE ssl_id = ? AND id != ?)", arguments: [fingerprint, id]) ?? false
                guard !taken else { throw APIError(409, "Error updating user.") }
                try db.execute(sql: "UPDATE users SET ssl_id = ? WHERE id = ?", arguments: [fingerprint, id])
            }
            if let role = update.role {
                try db.execute(sql: "UPDATE users SET role = ? WHERE id = ?", arguments: [role.rawValue, id])
            }
            var balances = user.quotas
            for (kind, monthly, value) in update.quotas {
                if monthly {
                    balances[kind]!.resetValue = value
                    try UserRecord.setQuota(db, userID: id, kind: kind, balances[kind]!)
                    try Journal.user(
                        db, ownerID: id, kind: kind, newValue: balances[kind]!.current, reason: "monthly reset value set to \(value) by API", at: now)
                } else {
                    balances[kind]!.current = value
                    try UserRecord.setQuota(db, userID: id, kind: kind, balances[kind]!)
                    try Journal.user(db, ownerID: id, kind: kind, newValue: value, reason: "set by API", at: now)
                }
            }
        }
    }

    func invalidateUser(id: Int64) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "UPDATE users SET role = 'invalid' WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    func userSchedules(id: Int64, from: Int64, to: Int64) async throws -> [JSONValue] {
        try await read { db in
            let experiments = Dictionary(
                uniqueKeysWithValues: try ExperimentRecord.fetchAll(db, sql: "SELECT * FROM experiments WHERE ownerid = ?", arguments: [id])
                    .map { ($0.id, $0) })
            let tasks = try ScheduleRecord.fetchAll(
                db,
                sql: """
                    SELECT s.* FROM schedules s JOIN experiments e ON e.id = s.expid
                    WHERE e.ownerid = ? AND s.start >= 0 AND s.start <= ? AND s.stop >= ? ORDER BY s.start, s.seq
                    """,
                arguments: [id, to, from])
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
    }

    func userExperiments(id: Int64, showHidden: Bool) async throws -> [JSONValue]? {
        try await read { db in
            guard try UserRecord.fetch(db, id: id) != nil else { return nil }
            let filter = showHidden ? "" : " AND status = 'active'"
            return try ExperimentRecord.fetchAll(db, sql: "SELECT * FROM experiments WHERE ownerid = ?\(filter) ORDER BY id", arguments: [id])
                .map { try $0.summary(db) }
        }
    }

    func userJournal(id: Int64) async throws -> [JSONValue] {
        try await read { db in try Journal.userEntries(db, ownerID: id) }
    }
}

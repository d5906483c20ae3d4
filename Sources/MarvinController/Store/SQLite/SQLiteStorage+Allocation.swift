import GRDB
import MarvinCore

/// Allocation in one write transaction (§4.1, §5.1): the owner's due resets, a snapshot of the
/// nodes, the plan, and the writes all see the same state.
extension SQLiteStorage {
    func allocate(_ request: AllocationRequest, owner: Int64, now: Int64, suffix: String, policy: SchedulingPolicy) async throws -> AllocationAnswer {
        try await write { db in
            guard let user = try UserRecord.fetch(db, id: owner) else { throw APIError(401, "You'd have to be a user to do that.") }
            let balances = try QuotaLedger.applyDueResets(db, user: user, now: now)
            let snapshot = try SchedulingSnapshot.load(db, now: now, bookingsFrom: now - policy.padding)
            let plan = try Allocator(request: request, policy: policy, now: now).plan(balances: balances.quotas, snapshot: snapshot)
            let id = try Self.write(db, plan, request: request, owner: owner, now: now, suffix: suffix)
            return AllocationAnswer(experiment: id, intervals: Int64(plan.intervals), nodecount: Int64(plan.nodecount))
        }
    }

    /// The experiment, its tasks (with ssh keys when asked for), the charges and their journal.
    private static func write(_ db: Database, _ plan: AllocationPlan, request r: AllocationRequest, owner: Int64, now: Int64, suffix: String) throws -> Int64 {
        let options = JSONWriter.write(.object(r.options.schedulingOptions(r.validated)), pretty: false)
        try db.execute(
            sql: """
                INSERT INTO experiments (name, ownerid, type, script, start, stop, recurring_until, options, status, created)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', ?)
                """,
            arguments: [r.name, owner, r.nodetypes, r.scripts.joined(separator: "|"), plan.experimentStart, plan.experimentStop,
                        plan.recurringUntil, options, now])
        let experimentID = db.lastInsertedRowID
        var nextSeq = (try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'schedules'") ?? 0) + 1
        let wantsSSH = r.options.has("ssh")
        for task in plan.tasks {
            let id = "\(nextSeq)\(suffix)"
            var deployment = r.options.deploymentOptions(script: task.script)
            var publicKey: String?
            if wantsSSH {
                let key = SSHKeyPair(comment: "marvin-\(id)")
                deployment["ssh.public"] = .string(key.publicKey)
                deployment["_ssh.private"] = .string(key.privateKey)
                publicKey = key.publicKey
            }
            try db.execute(
                sql: """
                    INSERT INTO schedules (seq, id, nodeid, expid, start, stop, status, final, shared, deployment_options, lpq_until,
                        charge_time, charge_storage, charge_data, charged_at, data_refunded)
                    VALUES (?, ?, ?, ?, ?, ?, 'defined', 0, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [nextSeq, id, task.node, experimentID, task.start, task.stop, r.validated.shared,
                            JSONWriter.write(.object(deployment), pretty: false), plan.queueWindowEnd,
                            r.duration, r.validated.storage, task.dataCharge, now, r.validated.traffic == 0])
            if let publicKey {
                // An unplaced queue task's key lives until the latest possible stop (§5.15).
                let expires = plan.queueWindowEnd.map { $0 + r.duration } ?? task.stop
                try db.execute(sql: "INSERT INTO ssh_keys (schedule_seq, public_key, expires) VALUES (?, ?, ?)", arguments: [nextSeq, publicKey, expires])
            }
            nextSeq += 1
        }
        let k = "\(r.need) \(r.unit), \(plan.intervals) intervals"
        for (kind, amount, text) in [
            (QuotaKind.time, plan.chargedTime, "\(plan.chargedTime) seconds runtime (\(k))"),
            (.storage, plan.chargedStorage, "\(plan.chargedStorage) bytes (\(k))"),
            (.data, plan.chargedData, "\(plan.chargedData) bytes (\(k), \(plan.interfaces) interfaces)"),
        ] {
            let balance = try QuotaLedger.adjust(db, userID: owner, kind: kind, by: -amount)
            try Journal.user(db, ownerID: owner, kind: kind, newValue: balance, reason: "experiment #\(experimentID) requested \(text)", at: now)
        }
        return experimentID
    }
}

import GRDB
import MarvinCore

/// The database half of the allocation pipeline (§5.1.1 #16–#24, §5.1.2), run inside one
/// write transaction so that the availability check and the inserts see the same state.
struct Allocator {
    let request: AllocationRequest
    let config: ControllerConfig
    let now: Int64
    let owner: Int64

    var policy: SchedulingPolicy { config.policy }

    struct Result: Sendable {
        var experimentID: Int64
        var intervals: Int
        var nodecount: Int
    }

    /// The sc1 body of a failed interval (#22).
    func unavailable(available: Int, interval: Int, start: Int64, stop: Int64) -> APIError {
        sc1(
            "Only \(available)/\(request.need) \(request.unit) are available during interval \(interval) (\(UTCCalendar.isoText(start)) to \(UTCCalendar.isoText(stop))).",
            available: available, start: start, stop: stop)
    }

    /// The sc1 body of a queue request nobody can take (§5.11.2).
    func queueUnavailable(available: Int) -> APIError {
        sc1("Only \(available)/\(request.need) nodes are available for scheduling this task.", available: available, start: -1, stop: request.duration)
    }

    private func sc1(_ reason: String, available: Int, start: Int64, stop: Int64) -> APIError {
        let selection: JSONValue = request.preselection.map { .array($0.map { .string(String($0)) }) } ?? .null
        return .allocation(
            reason,
            extras: ["code": "sc1", "available": .int(Int64(available)), "requested": .int(Int64(request.need)),
                     "selection": selection, "start": .int(start), "stop": .int(stop)])
    }

    func run(_ db: Database) throws -> Result {
        let r = request
        let validated = r.validated
        // #16, #17: times and recurrence, for ASAP with the provisional start
        var until = validated.until
        var firstStart = r.isASAP ? now + policy.leadTime + policy.asapSlack : r.start
        var starts: [Int64] = []
        if r.isLPQ {
            if r.duration < policy.minRuntime { throw APIError.allocation("Tasks must run for a minimum of \(policy.minRuntime) seconds.") }
            if r.duration > policy.maxRuntime { throw APIError.allocation("Tasks may not run for more than \(policy.maxRuntime) seconds.") }
            let end = validated.until ?? now + policy.lpqDefaultWindow
            if end <= now { throw APIError.allocation("End of availability window set to before start time.") }
            until = min(end, now + policy.horizon)
            firstStart = -1
            starts = [-1]
        } else {
            try AllocationRequest.checkTimes(start: firstStart, duration: r.duration, now: now, policy: policy)
            do {
                starts = try seriesStarts(from: firstStart)
            } catch { throw APIError.allocation(error.reason) }
        }
        // #18
        if r.mode == .pair, r.nodecount % 2 != 0 { throw APIError.allocation("Node count must be even for paired nodes.") }
        // #19 – #21 with the due monthly resets applied first
        guard let user = try UserRecord.fetch(db, id: owner) else { throw APIError(401, "You'd have to be a user to do that.") }
        let balances = try QuotaLedger.applyDueResets(db, user: user, now: now)
        let intervalCount = Int64(starts.count)
        if r.preselection == nil {
            let machines = r.nodecount
            let estimate = r.mode == .pair ? machines * 3 / 2 : r.mode == .head ? machines * 2 : machines
            let required = validated.traffic * estimate * intervalCount
            if balances.quota(.data).current < required {
                throw insufficientData(balance: balances.quota(.data).current, required: required, interfaces: estimate)
            }
        }
        let time = r.duration * r.nodecount * intervalCount
        if balances.quota(.time).current < time {
            throw APIError.allocation("Insufficient time quota.", extras: ["quota_time": .int(balances.quota(.time).current), "required": .int(time)])
        }
        let storage = validated.storage * r.nodecount * intervalCount
        if balances.quota(.storage).current < storage {
            throw APIError.allocation(
                "Insufficient storage quota.", extras: ["quota_storage": .int(balances.quota(.storage).current), "required": .int(storage)])
        }
        // #22 node selection
        let snapshot = try SchedulingSnapshot.load(db, now: now, bookingsFrom: now - policy.padding)
        let selection = NodeSelection(
            snapshot: snapshot, policy: policy, mode: r.mode, filter: r.filter, trustedRegistryTerm: r.trustedRegistryTerm,
            preselection: r.preselection)
        var chosen: [(start: Int64, choices: [Choice])]
        if r.isLPQ {
            let candidates = selection.candidates(start: now, stop: now + r.duration, lpq: true)
            guard candidates.count >= r.need else { throw queueUnavailable(available: candidates.count) }
            chosen = [(-1, Array(candidates.prefix(r.need)))]
        } else {
            switch place(starts: starts, selection: selection) {
            case .success(let placed): chosen = placed
            case .failure(let failure):
                guard r.isASAP, let placed = searchASAP(selection: selection) else { throw failure }
                chosen = placed
            }
        }
        // #23 data quota with the real interface count
        let weights = chosen.flatMap { $0.choices.map(selection.interfaceWeight) }
        let interfaces = weights.reduce(0, +)
        let data = validated.traffic * interfaces
        if balances.quota(.data).current < data {
            throw insufficientData(balance: balances.quota(.data).current, required: data, interfaces: interfaces)
        }
        // Charges use the final series, which ASAP may have moved (§5.3.2).
        let placedIntervals = Int64(chosen.count)
        let charges = (time: r.duration * r.nodecount * placedIntervals, storage: validated.storage * r.nodecount * placedIntervals, data: data)
        let experimentID = try write(db, chosen: chosen, until: until, selection: selection, charges: charges, interfaces: interfaces)
        return Result(experimentID: experimentID, intervals: chosen.count, nodecount: chosen.last?.choices.count ?? 0)
    }

    private func insufficientData(balance: Int64, required: Int64, interfaces: Int64) -> APIError {
        .allocation(
            "Insufficient data quota.",
            extras: ["quota_data": .int(balance), "required": .int(required), "requested": .int(request.validated.traffic),
                     "interfaces": .int(interfaces)])
    }

    private func seriesStarts(from start: Int64) throws(Recurrence.Rejected) -> [Int64] {
        try Recurrence.starts(
            start: start, duration: request.duration, recurrence: request.options["recurrence"], period: request.validated.period,
            until: request.validated.until, now: now, policy: policy)
    }

    /// Node selection for every interval of a series, later intervals avoiding earlier choices.
    private func place(starts: [Int64], selection: NodeSelection) -> Swift.Result<[(start: Int64, choices: [Choice])], APIError> {
        var tentative: [Int64: [Booking]] = [:]
        var placed: [(start: Int64, choices: [Choice])] = []
        for (index, start) in starts.enumerated() {
            let stop = start + request.duration
            let candidates = selection.candidates(start: start, stop: stop, tentative: tentative)
            guard candidates.count >= request.need else {
                return .failure(unavailable(available: candidates.count, interval: index + 1, start: start, stop: stop))
            }
            let choices = Array(candidates.prefix(request.need))
            if !request.validated.shared {
                for machine in choices.flatMap(\.machines) { tentative[machine, default: []].append(Booking(start: start, stop: stop)) }
            }
            placed.append((start, choices))
        }
        return .success(placed)
    }

    /// ASAP (§5.3.2): the earliest boundary from which the whole series can be placed.
    private func searchASAP(selection: NodeSelection) -> [(start: Int64, choices: [Choice])]? {
        let ws = now + policy.leadTime + policy.asapSlack
        for candidate in SlotSearch(selection: selection).boundaries(from: ws, to: now + policy.horizon) {
            guard let starts = try? seriesStarts(from: candidate), !starts.isEmpty else { continue }
            if case .success(let placed) = place(starts: starts, selection: selection) { return placed }
        }
        return nil
    }

    private func write(
        _ db: Database, chosen: [(start: Int64, choices: [Choice])], until: Int64?, selection: NodeSelection,
        charges: (time: Int64, storage: Int64, data: Int64), interfaces: Int64
    ) throws -> Int64 {
        let r = request
        let experimentStart = r.isLPQ ? now : chosen[0].start
        let experimentStop = r.isLPQ ? (until ?? now) : chosen[0].start + r.duration
        let recurringUntil = r.isLPQ ? (until ?? 0) : (r.validated.until ?? 0)
        let options = JSONWriter.write(.object(r.options.schedulingOptions(r.validated)), pretty: false)
        try db.execute(
            sql: """
                INSERT INTO experiments (name, ownerid, type, script, start, stop, recurring_until, options, status, created)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', ?)
                """,
            arguments: [r.name, owner, r.nodetypes, r.scripts.joined(separator: "|"), experimentStart, experimentStop, recurringUntil, options, now])
        let experimentID = db.lastInsertedRowID
        var nextSeq = (try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'schedules'") ?? 0) + 1
        let wantsSSH = r.options.has("ssh")
        for interval in chosen {
            // Single machines in order; for pairs all heads, then all tails.
            var machines: [(node: Int64, script: String, weight: Int64)] = []
            for choice in interval.choices {
                if case .node(let id) = choice { machines.append((id, r.scripts[0], selection.interfaceWeight(choice))) }
                if case .pair(let head, _) = choice { machines.append((head, r.scripts[0], 2)) }
            }
            for case .pair(_, let tail) in interval.choices { machines.append((tail, r.scripts[1], 1)) }
            for machine in machines {
                let id = "\(nextSeq)\(config.suffix)"
                var deployment = r.options.deploymentOptions(script: machine.script)
                let start = r.isLPQ ? -1 : interval.start
                let stop = r.isLPQ ? r.duration : interval.start + r.duration
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
                    arguments: [nextSeq, id, machine.node, experimentID, start, stop, r.validated.shared,
                                JSONWriter.write(.object(deployment), pretty: false), r.isLPQ ? until : nil,
                                r.duration, r.validated.storage, r.validated.traffic * machine.weight, now, r.validated.traffic == 0])
                if let publicKey {
                    let expires = r.isLPQ ? (until ?? now) + r.duration : stop
                    try db.execute(sql: "INSERT INTO ssh_keys (schedule_seq, public_key, expires) VALUES (?, ?, ?)", arguments: [nextSeq, publicKey, expires])
                }
                nextSeq += 1
            }
        }
        let k = "\(r.need) \(r.unit), \(chosen.count) intervals"
        for (kind, amount, text) in [
            (QuotaKind.time, charges.time, "\(charges.time) seconds runtime (\(k))"),
            (.storage, charges.storage, "\(charges.storage) bytes (\(k))"),
            (.data, charges.data, "\(charges.data) bytes (\(k), \(interfaces) interfaces)"),
        ] {
            let balance = try QuotaLedger.adjust(db, userID: owner, kind: kind, by: -amount)
            try Journal.user(db, ownerID: owner, kind: kind, newValue: balance, reason: "experiment #\(experimentID) requested \(text)", at: now)
        }
        return experimentID
    }
}

import MarvinCore

/// The rules half of the allocation pipeline (§5.1.1 #16–#23): given the owner's balances and a
/// snapshot of the nodes, decide the intervals, the nodes and the charges, or refuse. Pure: the
/// storage runs it inside the transaction that then writes the plan (§5.1.2).
struct Allocator {
    let request: AllocationRequest
    let policy: SchedulingPolicy
    let now: Int64

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

    func plan(balances: [QuotaKind: QuotaBalance], snapshot: SchedulingSnapshot) throws -> AllocationPlan {
        let r = request
        let validated = r.validated
        // #16, #17: times and recurrence, for ASAP with the provisional start
        var until = validated.until
        let firstStart = r.isASAP ? now + policy.leadTime + policy.asapSlack : r.start
        var starts: [Int64] = []
        if r.isLPQ {
            if r.duration < policy.minRuntime { throw APIError.allocation("Tasks must run for a minimum of \(policy.minRuntime) seconds.") }
            if r.duration > policy.maxRuntime { throw APIError.allocation("Tasks may not run for more than \(policy.maxRuntime) seconds.") }
            let end = validated.until ?? now + policy.lpqDefaultWindow
            if end <= now { throw APIError.allocation("End of availability window set to before start time.") }
            until = min(end, now + policy.horizon)
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
        func balance(_ kind: QuotaKind) -> Int64 { balances[kind]?.current ?? 0 }
        let intervalCount = Int64(starts.count)
        if r.preselection == nil {
            let machines = r.nodecount
            let estimate = r.mode == .pair ? .saturatingProduct(machines, 3) / 2 : r.mode == .head ? .saturatingProduct(machines, 2) : machines
            let required = Int64.saturatingProduct(validated.traffic, estimate, intervalCount)
            if balance(.data) < required {
                throw insufficientData(balance: balance(.data), required: required, interfaces: estimate)
            }
        }
        let time = Int64.saturatingProduct(r.duration, r.nodecount, intervalCount)
        if balance(.time) < time {
            throw APIError.allocation("Insufficient time quota.", extras: ["quota_time": .int(balance(.time)), "required": .int(time)])
        }
        let storage = Int64.saturatingProduct(validated.storage, r.nodecount, intervalCount)
        if balance(.storage) < storage {
            throw APIError.allocation(
                "Insufficient storage quota.", extras: ["quota_storage": .int(balance(.storage)), "required": .int(storage)])
        }
        // #22 node selection
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
        let data = Int64.saturatingProduct(validated.traffic, interfaces)
        if balance(.data) < data {
            throw insufficientData(balance: balance(.data), required: data, interfaces: interfaces)
        }
        // Charges use the final series, which ASAP may have moved (§5.3.2).
        let placedIntervals = Int64(chosen.count)
        let charges = (
            time: Int64.saturatingProduct(r.duration, r.nodecount, placedIntervals),
            storage: Int64.saturatingProduct(validated.storage, r.nodecount, placedIntervals), data: data)
        var tasks: [AllocationPlan.Task] = []
        for interval in chosen {
            // Task ids follow this order: single machines as chosen; for pairs all heads, then all tails.
            for choice in interval.choices {
                if case .node(let id) = choice { tasks.append(task(on: id, script: r.scripts[0], weight: selection.interfaceWeight(choice), at: interval.start)) }
                if case .pair(let head, _) = choice { tasks.append(task(on: head, script: r.scripts[0], weight: 2, at: interval.start)) }
            }
            for case .pair(_, let tail) in interval.choices { tasks.append(task(on: tail, script: r.scripts[1], weight: 1, at: interval.start)) }
        }
        return AllocationPlan(
            experimentStart: r.isLPQ ? now : chosen[0].start,
            experimentStop: r.isLPQ ? (until ?? now) : chosen[0].start + r.duration,
            recurringUntil: r.isLPQ ? (until ?? 0) : (validated.until ?? 0),
            queueWindowEnd: r.isLPQ ? until : nil, tasks: tasks, intervals: chosen.count,
            nodecount: chosen.last?.choices.count ?? 0, chargedTime: charges.time, chargedStorage: charges.storage,
            chargedData: charges.data, interfaces: interfaces)
    }

    /// A task of the plan; an unplaced queue task has `start = -1` and its duration as `stop`.
    private func task(on node: Int64, script: String, weight: Int64, at start: Int64) -> AllocationPlan.Task {
        AllocationPlan.Task(
            node: node, script: script, start: start, stop: request.isLPQ ? request.duration : start + request.duration,
            dataCharge: request.validated.traffic * weight)
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
}

/// What an accepted allocation writes (§5.1.2).
struct AllocationPlan: Sendable {
    struct Task: Sendable {
        var node: Int64
        var script: String
        var start: Int64
        var stop: Int64
        var dataCharge: Int64
    }

    var experimentStart: Int64
    var experimentStop: Int64
    var recurringUntil: Int64
    /// Queue requests only: the end of the availability window.
    var queueWindowEnd: Int64?
    var tasks: [Task]
    var intervals: Int
    /// Machines of the last interval (pairs in pair mode), as the 201 answer reports.
    var nodecount: Int
    var chargedTime: Int64
    var chargedStorage: Int64
    var chargedData: Int64
    var interfaces: Int64
}

import MarvinCore

/// `GET /v1/schedules/find` (§3.5, §5.4): free slots; never writes anything.
extension Controller {
    func findSlots(_ request: APIRequest) async throws -> APIResponse {
        _ = try request.requirePrincipal()
        let p = request.params
        func positive(_ key: String, default value: Int64) throws -> Int64 {
            switch p.integer(key) {
            case .absent: return value
            case .value(let v) where v > 0: return v
            default: throw APIError(400, "Parameter \(key) must be a positive integer.")
            }
        }
        let nodecount = try positive("nodecount", default: 1)
        let duration = try positive("duration", default: 1)
        let results = min(try positive("results", default: 1), policy.findMaxResults)
        var start: Int64 = 0
        switch p.integer("start") {
        case .absent: break
        case .value(let v): start = v
        case .invalid: throw APIError(400, "Parameter start must be an integer.")
        }
        let requestedMode = try SelectionMode.requested(by: p)
        var preselection: [Int64]?
        if let nodes = p.text("nodes") {
            guard let ids = try? ExperimentOptions.nodeList(.string(nodes)) else {
                throw APIError(400, "Parameter nodes must be a comma-separated list of node ids.")
            }
            preselection = ids.isEmpty ? nil : ids
        }
        let nodetypes = p.text("nodetypes") ?? ""
        var filter = NodeFilter()
        if preselection == nil {
            do { filter = try NodeFilter(parsing: nodetypes) } catch { throw APIError(400, error.message) }
        }
        let mode: SelectionMode = preselection != nil ? .preselection : requestedMode
        if mode == .pair, nodecount % 2 != 0 { throw APIError(400, "Node count must be even for paired nodes.") }
        let now = request.now
        let policy = policy
        let wanted = start == 0 ? now : start
        let ws = max(wanted, now + policy.leadTime + policy.asapSlack)
        if ws > now + policy.horizon {
            throw APIError(409, "Provided start time is outside the allowedscheduling range (\(now + policy.leadTime), \(now + policy.horizon))")
        }
        let snapshot = try await storage.snapshot(now: now, bookingsFrom: ws - policy.padding)
        let selection = NodeSelection(snapshot: snapshot, policy: policy, mode: mode, filter: filter, trustedRegistryTerm: nil, preselection: preselection)
        let need = Int(mode == .pair ? nodecount / 2 : nodecount)
        let slots = SlotSearch(selection: selection).find(from: wanted, duration: duration, need: need, results: Int(results))
        guard !slots.isEmpty else { throw APIError(409, "Could not find available time slot matching these criteria.") }
        let shownTypes = preselection == nil ? nodetypes : ""
        return APIResponse(.array(slots.map { slot in
            FoundSlot(
                start: slot.start, stop: slot.start + duration, maxStop: slot.maxStop, nodecount: nodecount,
                maxNodecount: Int64(slot.available), nodetypes: shownTypes
            ).json
        }))
    }
}

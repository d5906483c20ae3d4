import MarvinCore

/// The node heartbeat, `PUT /v1/resources/{id}` by the node principal (§7).
extension Controller {
    func heartbeat(_ request: APIRequest) async throws -> APIResponse {
        let caller = try request.requirePrincipal()
        let segment = request.pathParameter(0)
        guard caller.name == "Node \(segment)" else { throw APIError(401, "Wrong user to update this status. (\(caller.name))") }
        guard let node = Int64(segment) else { throw APIError(404, "Could not find resource with this id.") }
        let p = request.params
        let settings = config.heartbeat
        // Parameter errors are answered only once the node is known to exist (§7.2).
        var problem: APIError?
        var interfaces: [[String: JSONValue]] = []
        if let value = p.jsonValued("interfaces") {
            if case .array(let items) = value {
                interfaces = items.compactMap(\.objectValue)
            } else {
                problem = APIError(400, "Parameter interfaces must be a JSON list.")
            }
        }
        var limit = settings.defaultLimit
        switch p.integer("limit") {
        case .absent: break
        case .value(let value) where value >= 0: limit = value
        default: problem = problem ?? APIError(400, "Parameter limit must be a non-negative integer.")
        }
        let now = request.now
        let sendInterfaceList = interfaceListSent.withLock { sent in
            sent[node].map { now - $0 >= settings.interfacesPeriod } ?? true
        }
        let report = HeartbeatReport(
            node: node, maintenance: p.flag("maintenance"), interfaces: interfaces, limit: limit, knownTasks: p.knownTasks.map(Set.init),
            problem: problem, sendInterfaceList: sendInterfaceList, now: now, prefetchWindow: settings.prefetchWindow, policy: policy)
        let answer = try await storage.heartbeat(report)
        if sendInterfaceList {
            interfaceListSent.withLock { $0[node] = now }
        }
        metrics.heartbeats.increment()
        return APIResponse(answer.json)
    }
}

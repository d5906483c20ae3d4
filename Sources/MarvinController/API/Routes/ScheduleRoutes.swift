import MarvinCore

/// `/v1/schedules…` (§3.5) except `find`, which lives in `FindRoute.swift`.
extension Controller {
    func listSchedules(_ request: APIRequest) async throws -> APIResponse {
        _ = try request.requirePrincipal()
        let p = request.params
        var start = request.now
        var stop = request.now + policy.horizon
        switch p.integer("start") {
        case .absent: break
        case .value(let v): start = v
        case .invalid: throw APIError(400, "Parameter start must be an integer.")
        }
        switch p.integer("stop") {
        case .absent: break
        case .value(let v): stop = v
        case .invalid: throw APIError(400, "Parameter stop must be an integer.")
        }
        if stop < start { return APIResponse([]) }
        return APIResponse(.array(try await storage.scheduleList(from: start, to: stop)))
    }

    func getSchedule(_ request: APIRequest) async throws -> APIResponse {
        let caller = try request.requirePrincipal()
        guard let object = try await storage.schedule(id: request.pathParameter(0), viewer: caller) else {
            throw APIError(404, "Could not find schedule entry with this id.")
        }
        return APIResponse(object)
    }

    func updateScheduleCollection(_ request: APIRequest) async throws -> APIResponse {
        guard request.identity.role == .node else { throw APIError(401, "You'd have to be a node to do that") }
        throw APIError(400, "Scheduling id missing.")
    }

    /// `PUT /v1/schedules/{id}`: a node reports status (§6.2) or traffic (§5.14); with both,
    /// only the status counts.
    func updateSchedule(_ request: APIRequest) async throws -> APIResponse {
        guard let caller = request.identity.principal, caller.role == .node else {
            throw APIError(401, "You'd have to be a node to do that")
        }
        let p = request.params
        let update = p.text("status").map(ScheduleUpdate.status) ?? p.raw("traffic").map(ScheduleUpdate.traffic) ?? .neither
        try await storage.updateSchedule(id: request.pathParameter(0), node: caller, update, now: request.now)
        return .message("Ok.")
    }
}

import MarvinCore

/// `/v1/resources…` (§3.2): node reads, registration, administration and retirement.
/// The heartbeat branch of `PUT /v1/resources/{id}` lives in `HeartbeatRoute.swift`.
extension Controller {
    func listResources(_ request: APIRequest) async throws -> APIResponse {
        _ = try request.requirePrincipal()
        return APIResponse(.array(try await storage.nodes()))
    }

    func getResource(_ request: APIRequest) async throws -> APIResponse {
        _ = try request.requirePrincipal()
        guard let id = request.pathID(0), let node = try await storage.node(id: id) else { return APIResponse([]) }
        return APIResponse([node])
    }

    /// Placed tasks of a node overlapping `[now, now + horizon]`; hidden options for the node itself.
    func resourceSchedules(_ request: APIRequest) async throws -> APIResponse {
        let caller = try request.requirePrincipal()
        guard let id = request.pathID(0) else { return APIResponse([]) }
        return APIResponse(.array(try await nodeSchedules(id: id, caller: caller, now: request.now)))
    }

    private func nodeSchedules(id: Int64, caller: UserRecord, now: Int64) async throws -> [JSONValue] {
        let privateView = caller.role == .node && caller.name == "Node \(id)"
        return try await storage.nodeSchedules(id: id, from: now, to: now + policy.horizon, privateView: privateView)
    }

    func resourceExperiments(_ request: APIRequest) async throws -> APIResponse {
        _ = try request.requirePrincipal()
        guard let id = request.pathID(0) else { return APIResponse([]) }
        return APIResponse(.array(try await storage.nodeExperiments(id: id)))
    }

    func resourceAll(_ request: APIRequest) async throws -> APIResponse {
        let caller = try request.requirePrincipal()
        guard let id = request.pathID(0) else { return APIResponse(["experiments": [], "schedules": []]) }
        let experiments = try await storage.nodeExperiments(id: id)
        let schedules = try await nodeSchedules(id: id, caller: caller, now: request.now)
        return APIResponse(["experiments": .array(experiments), "schedules": .array(schedules)])
    }

    func resourceJournals(_ request: APIRequest) async throws -> APIResponse {
        _ = try request.requirePrincipal()
        guard let id = request.pathID(0) else { return APIResponse([]) }
        return APIResponse(.array(try await storage.nodeJournal(id: id)))
    }

    func resourceInterfaceJournals(_ request: APIRequest) async throws -> APIResponse {
        _ = try request.requirePrincipal()
        guard let id = request.pathID(0) else { return APIResponse([]) }
        return APIResponse(.array(try await storage.interfaceJournal(node: id, iccid: request.pathParameter(1))))
    }

    func registerResource(_ request: APIRequest) async throws -> APIResponse {
        try request.requireAdmin()
        let p = request.params
        guard p.has("id"), p.has("hostname") else { throw APIError(400, NodeRegistration.missing) }
        guard case .value(let id) = p.integer("id"), id >= 1 else { throw APIError(400, "Parameter id must be a positive integer.") }
        guard case .value(let hostname) = p.string("hostname"), (1...253).contains(hostname.count) else {
            throw APIError(400, "Parameter hostname must be a non-empty string.")
        }
        let tags = try p.raw("tags").map { raw -> [String: String] in
            if case .string(let text) = raw, let parsed = try? JSONParser.parse(text), case .object = parsed {
                return try NodeTags.parse(parsed)
            }
            return try NodeTags.parse(raw)
        } ?? [:]
        var interfaces: [InterfaceSpec] = []
        if let value = p.jsonValued("interfaces") {
            do { interfaces = try InterfaceSpec.list(from: value) } catch { throw APIError(400, error.message) }
        }
        let status = try p.text("status").map(NodeRegistration.status) ?? .active
        let registration = NodeRegistration.Request(id: id, hostname: hostname, tags: tags, interfaces: interfaces, status: status)
        try await storage.registerNode(registration, now: request.now)
        logger.info("node registered", metadata: ["node": "\(id)"])
        return APIResponse(status: 201, ["message": .string("Node \(id) created.")], headers: [("Location", "/v1/resources/\(id)")])
    }

    /// `PUT /v1/resources/{id}`: a node's heartbeat, or else administration (§3.2 b).
    func updateResource(_ request: APIRequest) async throws -> APIResponse {
        if request.identity.role == .node { return try await heartbeat(request) }
        let p = request.params
        guard let operation = ["pair", "type", "quota", "status", "hostname", "interfaces"].first(where: p.has) else {
            let fingerprint = request.identity.fingerprint ?? "None"
            throw APIError(400, "Parameters missing: type\nIf you are a node, you were identified as SSL_ID \(fingerprint).")
        }
        try request.requireAdmin()
        let change: NodeChange
        let success: String
        switch operation {
        case "pair":
            guard request.pathID(0) != nil else { throw APIError(404, "Node id does not exist.") }
            change = .pair(tail: (p.text("pair") ?? "").trimmingCharacters(in: .whitespaces))
            success = "Node pair set."
        case "type":
            change = .tags(text: p.text("type") ?? "")
            success = "Node type set."
        case "quota":
            guard p.has("iccid") else { throw APIError(400, "Parameters missing (quota, iccid).") }
            guard case .value(let bytes) = p.integer(p.has("value") ? "value" : "quota"), bytes >= 0 else {
                throw APIError(400, "Parameter quota must be a non-negative integer.")
            }
            change = .interfaceQuota(iccid: p.text("iccid") ?? "", bytes: bytes)
            success = "Updated."
        case "status":
            change = .status(try NodeRegistration.status(p.text("status") ?? ""))
            success = "Node status set."
        case "hostname":
            guard case .value(let hostname) = p.string("hostname"), (1...253).contains(hostname.count) else {
                throw APIError(400, "Parameter hostname must be a non-empty string.")
            }
            change = .hostname(hostname)
            success = "Node hostname set."
        default:
            do { change = .interfaces(try InterfaceSpec.list(from: p.jsonValued("interfaces") ?? .null)) } catch { throw APIError(400, error.message) }
            success = "Node interfaces set."
        }
        guard let id = request.pathID(0) else { throw APIError(404, "Could not find resource with this id.") }
        try await storage.change(node: id, change, now: request.now)
        return .message(success)
    }

    /// `DELETE /v1/resources/{id}`: retire the node and withdraw its open tasks (§3.2).
    func retireResource(_ request: APIRequest) async throws -> APIResponse {
        try request.requireAdmin()
        guard let id = request.pathID(0) else { throw APIError(404, "Could not find resource with this id.") }
        let (canceled, aborted) = try await storage.retire(node: id, now: request.now)
        logger.info("node retired", metadata: ["node": "\(id)"])
        return .message("Node \(id) retired.", extras: ["canceled": .int(Int64(canceled)), "aborted": .int(Int64(aborted))])
    }
}

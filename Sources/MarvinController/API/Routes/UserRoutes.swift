import Foundation
import MarvinCore

/// `/v1/users…` (§3.3).
extension Controller {
    func listUsers(_ request: APIRequest) async throws -> APIResponse {
        let caller = try request.requirePrincipal()
        let users = try await storage.users()
        return APIResponse(.array(users.map { $0.json(showFingerprint: caller.role == .admin || caller.id == $0.id) }))
    }

    func getUser(_ request: APIRequest) async throws -> APIResponse {
        let caller = try request.requirePrincipal()
        guard let id = request.pathID(0), let user = try await storage.user(id: id, now: request.now) else {
            throw APIError(404, "Could not find user with this id.")
        }
        return APIResponse([user.json(showFingerprint: caller.role == .admin || caller.id == user.id)])
    }

    /// Tasks of the user's experiments in the horizon, in the raw-join shape (§4.7).
    func userSchedules(_ request: APIRequest) async throws -> APIResponse {
        _ = try request.requirePrincipal()
        guard let id = request.pathID(0) else { return APIResponse([]) }
        return APIResponse(.array(try await storage.userSchedules(id: id, from: request.now, to: request.now + policy.horizon)))
    }

    func userExperiments(_ request: APIRequest) async throws -> APIResponse {
        _ = try request.requirePrincipal()
        guard let id = request.pathID(0), let summaries = try await storage.userExperiments(id: id, showHidden: request.params.flag("showHidden"))
        else { throw APIError(404, "Could not find user with this id.") }
        return APIResponse(.array(summaries))
    }

    func userJournals(_ request: APIRequest) async throws -> APIResponse {
        _ = try request.requirePrincipal()
        guard let id = request.pathID(0) else { return APIResponse([]) }
        return APIResponse(.array(try await storage.userJournal(id: id)))
    }

    func createUser(_ request: APIRequest) async throws -> APIResponse {
        guard request.isAdmin else {
            throw APIError(401, "You'd have to be an admin to do that (\(request.identity.role?.rawValue ?? "None"), admin)")
        }
        let p = request.params
        func text(_ key: String) throws -> String? {
            switch p.string(key) {
            case .absent: return nil
            case .value(let value): return value
            case .invalid: throw APIError(400, "Parameter \(key) must be a string.")
            }
        }
        let user = try UserRegistration.validate(
            name: try text("name"), ssl: try text("ssl"), role: try text("role"), project: try text("project"), quota: config.quota)
        let id = try await storage.createUser(user, now: request.now)
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
        var update = UserUpdate()
        for (key, kind, monthly) in quotaKeys where p.has(key) {
            guard case .value(let value) = p.integer(key), value >= 0 else {
                throw APIError(400, "Parameter \(key) must be a non-negative integer.")
            }
            update.quotas.append((kind, monthly, value))
        }
        if p.has("ssl") {
            let text = (p.text("ssl") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard let value = Fingerprint.normalise(text) else { throw APIError(400, UserRegistration.invalidFingerprint(text)) }
            update.fingerprint = value
        }
        if p.has("role") {
            let text = (p.text("role") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard let value = UserRegistration.role(text) else { throw APIError(400, UserRegistration.invalidRole(text)) }
            update.role = value
        }
        guard let id = request.pathID(0) else { throw APIError(404, "Could not find user ID.") }
        try await storage.updateUser(id: id, update, now: request.now)
        return .message("Updated.")
    }

    func deleteUser(_ request: APIRequest) async throws -> APIResponse {
        try request.requireAdmin()
        guard let id = request.pathID(0), try await storage.invalidateUser(id: id) else {
            throw APIError(404, "Could not find user with that id.")
        }
        return .message("Ok. Invalidated user certificate.")
    }
}

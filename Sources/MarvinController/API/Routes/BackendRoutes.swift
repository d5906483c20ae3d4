import MarvinCore

/// `/v1/backend/…` (§3.6).
extension Controller {
    func backendAuth(_ request: APIRequest) async throws -> APIResponse {
        let identity = request.identity
        let body: JSONValue = [
            "fingerprint": .string(identity.fingerprint ?? ""),
            "verified": JSONValue(identity.verified),
            "user": identity.user?.json(showFingerprint: true) ?? .null,
        ]
        return APIResponse(body, status: identity.principal == nil ? 401 : 200)
    }

    func backendActivity(_ request: APIRequest) async throws -> APIResponse {
        guard request.identity.principal != nil else { throw APIError(401, "Not authorized.") }
        return APIResponse(try await storage.activity(now: request.now))
    }

    func backendPubkeys(_ request: APIRequest) async throws -> APIResponse {
        APIResponse(.array(try await storage.publicKeys(now: request.now).map { .string($0) }))
    }

    func backendSync(_ request: APIRequest) async throws -> APIResponse {
        try request.requireAdmin()
        await runHousekeeping(now: request.now)
        return .message("Ok.")
    }

    func backendOther(_ request: APIRequest) async throws -> APIResponse {
        if request.method == "PUT" { try request.requireAdmin() }
        throw APIError(404, "Unknown request")
    }
}

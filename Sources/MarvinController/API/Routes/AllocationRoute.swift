import MarvinCore

/// `POST /v1/experiments` (§3.4, §5.1).
extension Controller {
    func allocate(_ request: APIRequest) async throws -> APIResponse {
        guard let caller = request.identity.principal, caller.role == .user else {
            throw APIError(401, "You'd have to be a user to do that.")
        }
        do {
            let parsed = try AllocationRequest(params: request.params, fingerprint: request.identity.fingerprint, config: config)
            let answer: AllocationAnswer
            do {
                answer = try await storage.allocate(parsed, owner: caller.id, now: request.now, suffix: config.suffix, policy: policy)
            } catch let error as APIError {
                throw error
            } catch {
                logger.error("allocation could not be stored", metadata: ["error": "\(type(of: error))"])
                throw APIError.allocation("Task creation failed.", extras: ["error": "storage error"])
            }
            metrics.allocation(result: "ok")
            logger.info("experiment allocated", metadata: ["experiment": "\(answer.experiment)", "intervals": "\(answer.intervals)"])
            return APIResponse(status: 201, answer.json, headers: [("Location", "/schedules/\(answer.experiment)")])
        } catch let error as APIError {
            metrics.allocation(result: error.extras["code"]?.stringValue ?? "rejected")
            throw error
        }
    }
}

import MarvinCore

/// `POST /v1/experiments` (§3.4, §5.1).
extension Controller {
    func allocate(_ request: APIRequest) async throws -> APIResponse {
        guard let caller = request.identity.principal, caller.role == .user else {
            throw APIError(401, "You'd have to be a user to do that.")
        }
        do {
            let parsed = try AllocationRequest(params: request.params, fingerprint: request.identity.fingerprint, config: config)
            let allocator = Allocator(request: parsed, config: config, now: request.now, owner: caller.id)
            let result: Allocator.Result
            do {
                result = try await store.write { db in try allocator.run(db) }
            } catch let error as APIError {
                throw error
            } catch {
                logger.error("allocation could not be stored", metadata: ["error": "\(type(of: error))"])
                throw APIError.allocation("Task creation failed.", extras: ["error": "storage error"])
            }
            metrics.allocation(result: "ok")
            logger.info("experiment allocated", metadata: ["experiment": "\(result.experimentID)", "intervals": "\(result.intervals)"])
            let answer = AllocationAnswer(experiment: result.experimentID, intervals: Int64(result.intervals), nodecount: Int64(result.nodecount))
            return APIResponse(status: 201, answer.json, headers: [("Location", "/schedules/\(result.experimentID)")])
        } catch let error as APIError {
            let code = error.extras["code"]?.stringValue
            metrics.allocation(result: code ?? "rejected")
            throw error
        }
    }
}

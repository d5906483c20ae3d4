import MarvinCore

/// `/v1/experiments…` (§3.4): reads, delete, merge. Allocation is in `AllocationRoute.swift`.
extension Controller {
    func listExperiments(_ request: APIRequest) async throws -> APIResponse {
        _ = try request.requirePrincipal()
        return APIResponse(.array(try await storage.experiments(showHidden: request.params.flag("showHidden"))))
    }

    func getExperiment(_ request: APIRequest) async throws -> APIResponse {
        _ = try request.requirePrincipal()
        guard let id = request.pathID(0), let summary = try await storage.experiment(id: id) else {
            throw APIError(404, "Could not find experiment with this id.")
        }
        return APIResponse(summary)
    }

    func experimentSchedules(_ request: APIRequest) async throws -> APIResponse {
        _ = try request.requirePrincipal()
        let only = request.route.parameters.count > 1 ? request.pathParameter(1) : nil
        guard let id = request.pathID(0), let object = try await storage.experimentSchedules(id: id, only: only) else {
            throw APIError(404, "Could not find experiment with this id.")
        }
        return APIResponse(object)
    }

    /// Users and admins reach the item routes; everybody else is refused with this text.
    private func requireUserOrAdmin(_ request: APIRequest, _ refusal: String) throws -> UserRecord {
        guard let caller = request.identity.principal, caller.role == .user || caller.role == .admin else { throw APIError(401, refusal) }
        return caller
    }

    func updateExperimentCollection(_ request: APIRequest) async throws -> APIResponse {
        _ = try requireUserOrAdmin(request, "You'd have to be a user to do that")
        throw APIError(400, "Experiment id missing.")
    }

    func updateExperiment(_ request: APIRequest) async throws -> APIResponse {
        _ = try requireUserOrAdmin(request, "You'd have to be a user to do that")
        throw APIError(400, "Second experiment id missing.")
    }

    /// `PUT /v1/experiments/{into}/{from}`: moves the tasks of `from` into `into`.
    func mergeExperiments(_ request: APIRequest) async throws -> APIResponse {
        let caller = try requireUserOrAdmin(request, "You'd have to be a user to do that")
        let sameID = request.pathID(0).map { $0 == request.pathID(1) } ?? false
        guard request.pathParameter(0) != request.pathParameter(1), !sameID else { throw APIError(400, "Cannot merge an experiment into itself.") }
        guard let into = request.pathID(0), let from = request.pathID(1) else { throw APIError(404, "Experiment does not exist.") }
        let moved = try await storage.merge(into: into, from: from, caller: caller.id, name: request.params.text("name"))
        return .message("Merged \(moved) tasks from experiment \(from) into \(into)")
    }

    func deleteExperimentCollection(_ request: APIRequest) async throws -> APIResponse {
        _ = try requireUserOrAdmin(request, "You'd have to be a user or admin to do that")
        throw APIError(400, "Experiment id missing.")
    }

    /// `DELETE /v1/experiments/{id}` (§6.4): hard delete, archive, or cancel/abort open tasks.
    func deleteExperiment(_ request: APIRequest) async throws -> APIResponse {
        let caller = try requireUserOrAdmin(request, "You'd have to be a user or admin to do that")
        let segment = request.pathParameter(0)
        guard let id = request.pathID(0), let outcome = try await storage.deleteExperiment(id: id, caller: caller, now: request.now) else {
            throw APIError(404, "Experiment \(segment) not found.")
        }
        logger.info("experiment deleted", metadata: ["experiment": "\(id)"])
        switch outcome {
        case .deleted: return .message("Ok. Deleted experiment and scheduling entries")
        case .archived: return .message("Ok. Archived experiment.")
        case .withdrawn(let canceled, let aborted):
            return .message(
                "Ok. Canceled or aborted open scheduling entries",
                extras: ["canceled": .int(Int64(canceled)), "aborted": .int(Int64(aborted))])
        }
    }
}

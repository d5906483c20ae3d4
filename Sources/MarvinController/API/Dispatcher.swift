import MarvinCore

/// Which handler answers a (route, method) pair. HEAD is answered as GET.
extension Controller {
    func dispatch(_ request: APIRequest) async throws -> APIResponse {
        let method = request.method == "HEAD" ? "GET" : request.method
        switch (request.route.id, method) {
        case (.version, _): return APIResponse(.string("1.0"))
        case (.openAPI, _): return APIResponse(try OpenAPIDocument.parsed())
        case (.metrics, _): throw APIError(500, "metrics are answered by the responder")

        case (.resources, "GET"): return try await listResources(request)
        case (.resources, "POST"): return try await registerResource(request)
        case (.resources, "PUT"): throw APIError(404, "Updating collection not allowed.")
        case (.resource, "GET"): return try await getResource(request)
        case (.resource, "PUT"): return try await updateResource(request)
        case (.resource, "DELETE"): return try await retireResource(request)
        case (.resourceSchedules, _): return try await resourceSchedules(request)
        case (.resourceExperiments, _): return try await resourceExperiments(request)
        case (.resourceAll, _): return try await resourceAll(request)
        case (.resourceJournals, _): return try await resourceJournals(request)
        case (.resourceInterfaceJournals, _): return try await resourceInterfaceJournals(request)

        case (.users, "GET"): return try await listUsers(request)
        case (.users, "POST"): return try await createUser(request)
        case (.users, "PUT"): throw APIError(404, "Updating collection not allowed.")
        case (.users, "DELETE"):
            try request.requireAdmin()
            throw APIError(400, "Userid missing.")
        case (.user, "GET"): return try await getUser(request)
        case (.user, "PUT"): return try await updateUser(request)
        case (.user, "DELETE"): return try await deleteUser(request)
        case (.userSchedules, _): return try await userSchedules(request)
        case (.userExperiments, _): return try await userExperiments(request)
        case (.userJournals, _): return try await userJournals(request)

        case (.experiments, "GET"): return try await listExperiments(request)
        case (.experiments, "POST"): return try await allocate(request)
        case (.experiments, "PUT"): return try await updateExperimentCollection(request)
        case (.experiments, "DELETE"): return try await deleteExperimentCollection(request)
        case (.experiment, "GET"): return try await getExperiment(request)
        case (.experiment, "PUT"): return try await updateExperiment(request)
        case (.experiment, "DELETE"): return try await deleteExperiment(request)
        case (.experimentSchedules, _), (.experimentSchedule, _): return try await experimentSchedules(request)
        case (.experimentMerge, _): return try await mergeExperiments(request)

        case (.schedules, "GET"): return try await listSchedules(request)
        case (.schedules, "PUT"): return try await updateScheduleCollection(request)
        case (.scheduleFind, _): return try await findSlots(request)
        case (.schedule, "GET"): return try await getSchedule(request)
        case (.schedule, "PUT"): return try await updateSchedule(request)

        case (.backendAuth, _): return try await backendAuth(request)
        case (.backendActivity, _): return try await backendActivity(request)
        case (.backendPubkeys, _): return try await backendPubkeys(request)
        case (.backendSync, _): return try await backendSync(request)
        case (.backendOther, _): return try await backendOther(request)

        default: throw APIError(405, "Method not allowed.")
        }
    }
}

extension OpenAPIDocument {
    /// The document as a JSON value, parsed once.
    static func parsed() throws -> JSONValue { try parsedDocument.get() }

    private static let parsedDocument: Result<JSONValue, JSONParseError> = Result { () throws(JSONParseError) -> JSONValue in
        try JSONParser.parse(json)
    }
}

import Foundation
import MarvinCore
import Testing

@testable import MarvinController

/// Shortcuts for the schedule, experiment, queue, quota, backend and further-rules suites
/// (§11.8–§11.12, §11.15).
extension CtldClient {
    /// Scenario 82: `alloc{"nodetypes": "type:deployed"}` (experiment 1, task "1" on node 1).
    @discardableResult
    func alloc82(sourceLocation: SourceLocation = #_sourceLocation) async throws -> Reply {
        let reply = try await alloc(["nodetypes": "type:deployed"], sourceLocation: sourceLocation)
        #expect(reply.status == 201, "\(reply)", sourceLocation: sourceLocation)
        return reply
    }

    /// Scenario 154: the LPQ allocation `alloc{"start": -1, "nodetypes": "type:testing"}` (task "1" on node 3).
    @discardableResult
    func allocLPQ154(sourceLocation: SourceLocation = #_sourceLocation) async throws -> Reply {
        let reply = try await alloc(["start": -1, "nodetypes": "type:testing"], sourceLocation: sourceLocation)
        #expect(reply.status == 201, "\(reply)", sourceLocation: sourceLocation)
        return reply
    }

    /// `GET /v1/schedules/{id}` as `caller`; nil unless 200.
    func schedule(_ id: String, as caller: Caller = .alice) async throws -> JSONValue? {
        let reply = try await call(.get, "/v1/schedules/\(id)", as: caller)
        return reply.status == 200 ? reply.json : nil
    }

    /// The node a task is on.
    func nodeOf(_ id: String) async throws -> Int64? {
        try await schedule(id)?["nodeid"]?.integerValue
    }

    /// One of a user's current quotas, read with `GET /v1/users/{id}` (which applies due resets).
    func quota(_ key: String = "quota_time", user: Int = 2) async throws -> Int64? {
        try await get("/v1/users/\(user)", as: .admin)?.arrayValue?.first?[key]?.integerValue
    }

    /// A user's quota journal.
    func journal(user: Int = 2) async throws -> [JSONValue] {
        try await get("/v1/users/\(user)/journals", as: .admin)?.arrayValue ?? []
    }

    /// As `Node n` `PUT /v1/schedules/{id}` with `body`.
    @discardableResult
    func report(_ node: Int, _ id: String, _ body: Body, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Reply {
        try await call(.put, "/v1/schedules/\(id)", as: .node(node), body, sourceLocation: sourceLocation)
    }

    /// The `tasks` list of a heartbeat answer (nil when the answer has none).
    static func taskList(_ reply: Reply) -> [JSONValue]? {
        reply["tasks"]?.arrayValue
    }

    /// A user's quota journal entry (§4.10) as the API shows it.
    static func journalEntry(_ quota: String, _ newValue: Int64, _ reason: String, at timestamp: Int64 = Ctld.T0, owner: Int64 = 2) -> JSONValue {
        ["new_value": .int(newValue), "ownerid": .int(owner), "quota": .string(quota), "reason": .string(reason), "timestamp": .int(timestamp)]
    }

    /// Percent-encodes a form value completely (everything but letters and digits).
    static func formValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}


import Foundation
import MarvinCore
import Testing

@testable import MarvinController

/// §11.9 Experiments: read, delete, merge.
@Suite struct ExperimentTests {
    /// The summary of scenario 82's experiment.
    static let summary82: JSONValue = [
        "id": 1, "name": "e", "options": [:], "ownerid": 2, "script": .string(CtldClient.S), "start": 1_772_453_300, "status": "active",
        "stop": 1_772_453_900, "summary": ["defined": 1], "type": "type:deployed",
    ]

    /// Scenario 82's experiment with its schedules instead of `summary`.
    static func withSchedules(_ schedules: JSONValue) -> JSONValue {
        var object = summary82.objectValue ?? [:]
        object["summary"] = nil
        object["schedules"] = schedules
        return .object(object)
    }

    @Test func scenario147_listExperiments() async throws {
        try await withFixture { _, client in
            let empty = try await client.call(.get, "/v1/experiments", as: .alice)
            #expect(empty.status == 200)
            #expect(empty.json == [])
            try await client.alloc82()
            let alice = try await client.call(.get, "/v1/experiments", as: .alice)
            #expect(alice.status == 200)
            #expect(alice.json == [Self.summary82])
            let bob = try await client.call(.get, "/v1/experiments", as: .bob)
            #expect(bob.status == 200)
            #expect(bob.json == [Self.summary82])
        }
    }

    @Test func scenario148_readExperiment() async throws {
        try await withFixture { _, client in
            try await client.alloc82()
            let one = try await client.call(.get, "/v1/experiments/1", as: .alice)
            #expect(one.status == 200)
            #expect(one.json == Self.summary82)
            let unknown = try await client.call(.get, "/v1/experiments/99", as: .alice)
            #expect(unknown.status == 404)
            #expect(unknown.json == ["message": "Could not find experiment with this id."])

            let task: JSONValue = ["1": ["nodeid": 1, "start": 1_772_453_300, "status": "defined", "stop": 1_772_453_900]]
            for path in ["/v1/experiments/1/schedules", "/v1/experiments/1/schedule", "/v1/experiments/1/schedules/1", "/v1/experiments/1/schedule/1"] {
                let reply = try await client.call(.get, path, as: .alice)
                #expect(reply.status == 200, "\(path)")
                #expect(reply.json == Self.withSchedules(task), "\(path)")
            }
            let otherTask = try await client.call(.get, "/v1/experiments/1/schedules/99", as: .alice)
            #expect(otherTask.status == 200)
            #expect(otherTask.json == Self.withSchedules([:]))
        }
    }

    @Test func scenario149_deleteUndelivered() async throws {
        try await withFixture { _, client in
            try await client.alloc82()
            let reply = try await client.call(.delete, "/v1/experiments/1", as: .alice)
            #expect(reply.status == 200)
            #expect(reply.json == ["message": "Ok. Deleted experiment and scheduling entries"])
            #expect(try await client.call(.get, "/v1/experiments/1", as: .alice).status == 404)
            #expect(try await client.call(.get, "/v1/schedules/1", as: .alice).status == 404)
            #expect(try await client.quota() == 8_640_000)
            let journal = try await client.journal()
            #expect(journal.last == CtldClient.journalEntry(
                "quota_owner_time", 8_640_000, "experiment #1 refunded 600 seconds runtime (1 tasks canceled before start)"))
            // 3 × user created, 3 × requested, the time refund; no storage or data refund (amounts 0).
            #expect(journal.count == 7)
            #expect(journal.filter { $0["reason"]?.stringValue?.contains("refunded") == true }.count == 1)
        }
    }

    @Test func scenario150_cancelAbortArchive() async throws {
        try await withFixture { _, client in
            let allocation = try await client.alloc(["nodecount": 3])
            #expect(allocation.status == 201)
            #expect(try await client.nodeOf("1") == 1)
            #expect(try await client.nodeOf("2") == 2)
            #expect(try await client.nodeOf("3") == 3)
            #expect(try await client.report(1, "1", .form("status=deployed%3B%20ok")).status == 200)
            #expect(try await client.report(2, "2", .form("status=delayed%3B%20insufficient%20disk%20space")).status == 200)

            let first = try await client.call(.delete, "/v1/experiments/1", as: .alice)
            #expect(first.status == 200)
            #expect(first.json == ["aborted": 2, "canceled": 1, "message": "Ok. Canceled or aborted open scheduling entries"])
            for (id, status) in [("1", "aborted"), ("2", "aborted"), ("3", "canceled")] {
                #expect(try await client.schedule(id)?["status"] == .string(status), "task \(id)")
            }
            let journal = try await client.journal()
            #expect(journal.last == CtldClient.journalEntry(
                "quota_owner_time", 8_640_000, "experiment #1 refunded 1800 seconds runtime (3 tasks canceled before start)"))

            let second = try await client.call(.delete, "/v1/experiments/1", as: .alice)
            #expect(second.status == 200)
            #expect(second.json == ["message": "Ok. Archived experiment."])
            #expect(try await client.get("/v1/experiments") == [])
            let hidden = try await client.get("/v1/experiments?showHidden=1")?.arrayValue ?? []
            #expect(hidden.count == 1)
            #expect(hidden.first?["status"] == "archived")
            #expect(hidden.first?["id"] == 1)

            let third = try await client.call(.delete, "/v1/experiments/1", as: .alice)
            #expect(third.status == 404)
            #expect(third.json == ["message": "Experiment 1 not found."])
        }
    }

    @Test func scenario151_deletePermissions() async throws {
        try await withFixture { _, client in
            try await client.alloc82()
            let bob = try await client.call(.delete, "/v1/experiments/1", as: .bob)
            #expect(bob.status == 401)
            #expect(bob.json == ["message": "Only admins and user 2 can do this"])
            let node = try await client.call(.delete, "/v1/experiments/1", as: .node(1))
            #expect(node.status == 401)
            #expect(node.json == ["message": "You'd have to be a user or admin to do that"])
            let admin = try await client.call(.delete, "/v1/experiments/1", as: .admin)
            #expect(admin.status == 200)
            #expect(admin.json == ["message": "Ok. Deleted experiment and scheduling entries"])
            for caller in [Caller.alice, .admin] {
                let unknown = try await client.call(.delete, "/v1/experiments/99", as: caller)
                #expect(unknown.status == 404)
                #expect(unknown.json == ["message": "Experiment 99 not found."])
                let collection = try await client.call(.delete, "/v1/experiments", as: caller)
                #expect(collection.status == 400)
                #expect(collection.json == ["message": "Experiment id missing."])
            }
        }
    }

    /// The two allocations of scenario 152.
    static func allocateTwo(_ client: CtldClient) async throws {
        let first = try await client.alloc(["options": ["nodes": "1"]])
        #expect(first.status == 201)
        let second = try await client.alloc(["options": ["nodes": "1"], "start": 1_772_454_800])
        #expect(second.status == 201)
        #expect(second["experiment"] == 2)
    }

    @Test func scenario152_merge() async throws {
        try await withFixture { _, client in
            try await Self.allocateTwo(client)
            let reply = try await client.call(.put, "/v1/experiments/1/2", as: .alice, .json(["name": "merged"]))
            #expect(reply.status == 200)
            #expect(reply.json == ["message": "Merged 1 tasks from experiment 2 into 1"])
            let into = try await client.get("/v1/experiments/1")
            #expect(into?["name"] == "merged")
            #expect(into?["summary"] == ["defined": 2])
            #expect(into?["status"] == "active")
            let from = try await client.get("/v1/experiments/2")
            #expect(from?["status"] == "merged")
            let list = try await client.get("/v1/experiments")?.arrayValue ?? []
            #expect(list.map { $0["id"] } == [1])
        }
    }

    @Test func scenario153_mergeErrors() async throws {
        try await withFixture { _, client in
            try await Self.allocateTwo(client)
            let checks: [(String, Caller, Int, String)] = [
                ("/v1/experiments/1", .alice, 400, "Second experiment id missing."),
                ("/v1/experiments", .alice, 400, "Experiment id missing."),
                ("/v1/experiments/1/1", .alice, 400, "Cannot merge an experiment into itself."),
                ("/v1/experiments/1/99", .alice, 404, "Experiment does not exist."),
                ("/v1/experiments/1/2", .bob, 401, "Only user 3 can do this"),
                ("/v1/experiments/1/2", .admin, 401, "Only user 1 can do this"),
                ("/v1/experiments/1/2", .node(1), 401, "You'd have to be a user to do that"),
            ]
            for (path, caller, status, message) in checks {
                let reply = try await client.call(.put, path, as: caller)
                #expect(reply.status == status, "\(path): \(reply)")
                #expect(reply.json == ["message": .string(message)], "\(path)")
            }
            // Nothing was merged.
            #expect(try await client.get("/v1/experiments/2")?["status"] == "active")
        }
    }
}

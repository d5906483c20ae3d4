import Foundation
import MarvinCore
import Testing

@testable import MarvinController

/// §11.10 LPQ (first availability).
@Suite struct QueueTests {
    /// Scenario 155's answer to `hb(3)` at T0: task 1 placed at T0 + 120.
    static let placedTask: JSONValue = [
        "deployment_options": ["script": .string(CtldClient.S)], "expid": 1, "id": "1", "nodeid": 3, "shared": 0,
        "start": 1_772_452_920, "status": "defined", "stop": 1_772_453_520,
    ]

    @Test func scenario154_queueAllocation() async throws {
        try await withFixture { _, client in
            let reply = try await client.allocLPQ154()
            #expect(reply.json == ["experiment": 1, "intervals": 1, "message": "Allocated task 1.", "nodecount": 1])
            let task = try await client.schedule("1")
            #expect(task?["nodeid"] == 3)
            #expect(task?["start"] == -1)
            #expect(task?["stop"] == 600)
            #expect(task?["status"] == "defined")
            let withSchedules = try await client.get("/v1/experiments/1/schedules")
            #expect(withSchedules?["schedules"] == ["1": ["nodeid": 3, "start": -1, "status": "defined", "stop": 600]])
            let experiment = try await client.get("/v1/experiments/1")
            #expect(experiment?["start"] == 1_772_452_800)
            #expect(experiment?["stop"] == 1_772_539_200)
            #expect(try await client.get("/v1/schedules") == [])
            let journal = try await client.journal()
            #expect(journal.contains(CtldClient.journalEntry(
                "quota_owner_time", 8_639_400, "experiment #1 requested 600 seconds runtime (1 nodes, 1 intervals)")))
        }
    }

    @Test func scenario155_placementAtHeartbeat() async throws {
        try await withFixture { _, client in
            try await client.allocLPQ154()
            let heartbeat = try await client.hb(3)
            #expect(heartbeat.status == 200)
            #expect(heartbeat["tasks"] == [Self.placedTask])
            let task = try await client.schedule("1")
            #expect(task?["status"] == "requested")
            #expect(task?["start"] == 1_772_452_920)
            #expect(task?["stop"] == 1_772_453_520)
        }
    }

    @Test func scenario156_waitsForPadding() async throws {
        try await withFixture { ctld, client in
            #expect(try await client.alloc(["options": ["nodes": "3"]]).status == 201)
            #expect(try await client.alloc(["start": -1, "options": ["nodes": "3"]]).status == 201)
            let first = try await client.hb(3)
            #expect(CtldClient.taskIDs(first) == ["1"])
            #expect(try await client.schedule("2")?["start"] == -1)
            ctld.setClock(Ctld.T0 + 1300)
            let later = try await client.hb(3)
            #expect(CtldClient.taskIDs(later) == ["2"])
            let placed = later["tasks"]?.arrayValue?.first
            #expect(placed?["start"] == 1_772_454_220)
            #expect(placed?["stop"] == 1_772_454_820)
        }
    }

    @Test func scenario157_notPlacedWhenBusy() async throws {
        try await withFixture { _, client in
            #expect(try await client.alloc(["options": ["nodes": "3"], "start": 1_772_453_100]).status == 201)
            #expect(try await client.alloc(["start": -1, "options": ["nodes": "3"]]).status == 201)
            let heartbeat = try await client.hb(3, "limit=1")
            #expect(CtldClient.taskIDs(heartbeat) == ["1"])
            let queued = try await client.schedule("2")
            #expect(queued?["start"] == -1)
            #expect(queued?["stop"] == 600)
            #expect(queued?["status"] == "defined")
        }
    }

    @Test func scenario158_maintenanceWindows() async throws {
        try await withFixture { ctld, client in
            try await client.allocLPQ154()
            ctld.setClock(1_772_486_700)
            let beforeWindow = try await client.hb(3)
            #expect(CtldClient.taskList(beforeWindow) == [])
            #expect(try await client.schedule("1")?["start"] == -1)
            ctld.setClock(1_772_488_800)
            let afterWindow = try await client.hb(3)
            #expect(CtldClient.taskIDs(afterWindow) == ["1"])
            #expect(afterWindow["tasks"]?.arrayValue?.first?["start"] == 1_772_488_920)
        }
        try await withFixture { _, client in
            try await client.allocLPQ154()
            let maintenance = try await client.hb(3, "maintenance=1")
            #expect(maintenance.status == 200)
            #expect(CtldClient.taskList(maintenance) == [])
            #expect(try await client.schedule("1")?["start"] == -1)
        }
    }

    @Test func scenario159_expiry() async throws {
        try await withFixture { ctld, client in
            let reply = try await client.alloc(["start": -1, "nodetypes": "type:testing", "options": ["until": 1_772_456_400]])
            #expect(reply.status == 201)
            ctld.setClock(1_772_456_401)
            try await client.sync()
            let task = try await client.schedule("1")
            #expect(task?["status"] == "failed; not executed within availability window")
            #expect(task?["start"] == 1_772_456_401)
            #expect(task?["stop"] == 1_772_456_401)
            let experiment = try await client.call(.get, "/v1/experiments/1", as: .alice)
            #expect(experiment.status == 200)
            #expect(experiment["status"] == "expired")
            #expect(try await client.quota() == 8_640_000)
            let journal = try await client.journal()
            #expect(journal.last == CtldClient.journalEntry(
                "quota_owner_time", 8_640_000,
                "experiment #1 refunded 600 seconds runtime (1 tasks not executed within availability window)", at: 1_772_456_401))
            let heartbeat = try await client.hb(3)
            #expect(CtldClient.taskList(heartbeat) == [])
        }
    }

    @Test func scenario160_queueValidation() async throws {
        try await withFixture { _, client in
            let cases: [([String: JSONValue], String)] = [
                (["start": -1, "duration": 30], "Tasks must run for a minimum of 60 seconds."),
                (["start": -1, "duration": 999_999], "Tasks may not run for more than 90000 seconds."),
                (["start": -1, "options": ["until": 1_772_452_799]], "End of availability window set to before start time."),
            ]
            for (changes, reason) in cases {
                let reply = try await client.alloc(changes)
                #expect(reply.status == 409, "\(changes)")
                #expect(reply.json == CtldClient.refused(reason), "\(changes)")
            }
            let clamped = try await client.alloc(["start": -1, "options": ["until": 1_777_452_800]])
            #expect(clamped.status == 201)
            #expect(try await client.get("/v1/experiments/1")?["stop"] == 1_775_908_800)
        }
    }

    @Test func scenario161_loadBalancing() async throws {
        try await withFixture { _, client in
            for _ in 0..<3 { try await client.allocLPQ154() }
            let nodes = [try await client.nodeOf("1"), try await client.nodeOf("2"), try await client.nodeOf("3")]
            #expect(nodes == [3, 4, 3])
        }
    }

    @Test func scenario162_onePlacementAtATime() async throws {
        try await withFixture { ctld, client in
            for _ in 0..<2 {
                #expect(try await client.alloc(["start": -1, "options": ["nodes": "3"]]).status == 201)
            }
            let first = try await client.hb(3)
            #expect(CtldClient.taskIDs(first) == ["1"])
            #expect(try await client.schedule("2")?["start"] == -1)
            ctld.setClock(Ctld.T0 + 60)
            let busy = try await client.hb(3)
            #expect(!CtldClient.taskIDs(busy).contains("2"))
            #expect(try await client.schedule("2")?["start"] == -1)
            ctld.setClock(Ctld.T0 + 900)
            let free = try await client.hb(3)
            #expect(CtldClient.taskIDs(free) == ["2"])
            #expect(free["tasks"]?.arrayValue?.first?["start"] == 1_772_453_820)
        }
    }

    @Test func scenario163_deleteUnplaced() async throws {
        try await withFixture { _, client in
            try await client.allocLPQ154()
            let reply = try await client.call(.delete, "/v1/experiments/1", as: .alice)
            #expect(reply.status == 200)
            #expect(reply.json == ["message": "Ok. Deleted experiment and scheduling entries"])
            #expect(try await client.quota() == 8_640_000)
        }
    }

    @Test func scenario164_deletePlaced() async throws {
        try await withFixture { _, client in
            try await client.allocLPQ154()
            #expect(CtldClient.taskIDs(try await client.hb(3)) == ["1"])
            let reply = try await client.call(.delete, "/v1/experiments/1", as: .alice)
            #expect(reply.status == 200)
            #expect(reply.json == ["aborted": 1, "canceled": 0, "message": "Ok. Canceled or aborted open scheduling entries"])
            let heartbeat = try await client.hb(3)
            #expect(CtldClient.taskIDs(heartbeat) == ["1"])
            #expect(heartbeat["tasks"]?.arrayValue?.first?["status"] == "aborted")
        }
    }
}

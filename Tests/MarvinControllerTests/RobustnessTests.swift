import Foundation
import MarvinCore
import Testing

@testable import MarvinController

/// Inputs at the edges of the number range and other corners the numbered scenarios do not
/// reach: each must be answered, never crash the server (§2.4).
@Suite struct RobustnessTests {
    @Test func extremeNumbersInAllocations() async throws {
        try await withFixture { _, client in
            let emptySeries = try await client.alloc(["options": ["recurrence": "simple", "period": 1200, "until": 1_772_453_300]])
            #expect(emptySeries.json == CtldClient.refused("End of recurrence set to before start time."))
            let asapEmptySeries = try await client.alloc(["start": 0, "options": ["recurrence": "simple", "period": 1200, "until": 1_772_452_870]])
            #expect(asapEmptySeries.json == CtldClient.refused("End of recurrence set to before start time."))
            let hugeCount = try await client.alloc(["nodecount": 100_000_000_000_000_000])
            #expect(hugeCount.status == 409)
            #expect(hugeCount.message == "Could not allocate. Insufficient time quota.")
            #expect(hugeCount["required"] == .int(Int64.max))
            let hugeTraffic = try await client.alloc(["nodecount": 4_000_000_000, "duration": 600, "options": ["traffic": 3_000_000_000]])
            #expect(hugeTraffic.message == "Could not allocate. Insufficient data quota.")
            let lateStart = try await client.alloc(["start": .int(Int64.max)])
            #expect(lateStart.json == CtldClient.refused("Tasks may not run be scheduled more than 3456000 seconds in advance."))
            let longRun = try await client.alloc(["duration": .int(Int64.max)])
            #expect(longRun.json == CtldClient.refused("Tasks may not run for more than 90000 seconds."))
            let hugePeriod = try await client.alloc(
                ["start": 1_772_456_400, "options": ["recurrence": "simple", "period": 9_223_372_036_854_775_200, "until": 1_772_464_200]])
            #expect(hugePeriod.status == 201)
            #expect(hugePeriod["intervals"] == 1)
            let stillServing = try await client.call(.get, "/version")
            #expect(stillServing.status == 200)
        }
    }

    @Test func queueUsesTheLongFreshnessRule() async throws {
        // Node 3 was last heard 700 s ago: too stale for an immediate start, fine for the queue.
        try await withFixture(heartbeats: [3: Ctld.T0 - 700, 4: Ctld.T0 - 700]) { _, client in
            let queued = try await client.alloc(["start": -1, "nodetypes": "type:testing"])
            #expect(queued.status == 201, "\(queued)")
        }
    }

    @Test func mergeIntoItselfByAnotherSpelling() async throws {
        try await withFixture { _, client in
            let allocated = try await client.alloc(["options": ["nodes": "1"]])
            #expect(allocated.status == 201)
            let merged = try await client.call(.put, "/v1/experiments/1/01", as: .alice)
            #expect(merged.status == 400)
            #expect(merged.message == "Cannot merge an experiment into itself.")
            #expect(try await client.get("/v1/experiments/1")?["status"] == "active")
        }
    }

    @Test func quotaBalancesSaturate() async throws {
        try await withFixture { _, client in
            let raised = try await client.call(.put, "/v1/users/2", as: .admin, .form("time=\(Int64.max)"))
            #expect(raised.status == 200)
            let allocated = try await client.alloc()
            #expect(allocated.status == 201)
            let raisedAgain = try await client.call(.put, "/v1/users/2", as: .admin, .form("time=\(Int64.max)"))
            #expect(raisedAgain.status == 200)
            // The refund would pass the largest balance; it stops there instead.
            let deleted = try await client.call(.delete, "/v1/experiments/1", as: .alice)
            #expect(deleted.status == 200)
            let user = try await client.call(.get, "/v1/users/2", as: .alice)
            #expect(user.json?.arrayValue?.first?["quota_time"] == .int(Int64.max))
        }
    }

    @Test func typedUserParametersAndNodeAdministration() async throws {
        try await withFixture { _, client in
            let nullName = try await client.call(
                .post, "/v1/users", as: .admin, .json(["name": nil, "ssl": .string(String(repeating: "d", count: 40)), "role": "user"]))
            #expect(nullName.status == 400)
            #expect(nullName.message == "Parameter name must be a string.")
            let unknownNode = try await client.call(.put, "/v1/resources/99", as: .admin, .form("type=badterm"))
            #expect(unknownNode.status == 404)
            #expect(unknownNode.message == "Could not find resource with this id.")
            let quotaAsText = try await client.call(
                .post, "/v1/resources", as: .admin, .json(["id": 40, "hostname": "n40", "interfaces": [["iccid": "8940", "quota": "500"]]]))
            #expect(quotaAsText.status == 201, "\(quotaAsText)")
        }
    }
}

import Foundation
import MarvinCore
import Testing

@testable import MarvinController

/// §11.7 Slot search (`GET /v1/schedules/find`, §5.4).
@Suite struct FindTests {
    static let noSlot: JSONValue = ["message": "Could not find available time slot matching these criteria."]

    /// Nodes 1 and 2 busy 12:08:20–12:18:20 (two `alloc{"nodetypes": "type:deployed"}`).
    static func bookDeployed(_ client: CtldClient) async throws {
        for _ in 0..<2 {
            let reply = try await client.alloc(["nodetypes": "type:deployed"])
            #expect(reply.status == 201)
        }
    }

    @Test func scenario124_firstSlot() async throws {
        try await withFixture { _, client in
            try await Self.bookDeployed(client)
            let reply = try await client.call(.get, "/v1/schedules/find?nodecount=1&duration=600&nodetypes=type:deployed", as: .alice)
            #expect(reply.status == 200)
            #expect(reply.json == [
                ["max_nodecount": 2, "max_stop": 1_772_487_000, "nodecount": 1, "nodetypes": "type:deployed", "start": 1_772_454_021, "stop": 1_772_454_621]
            ])
        }
    }

    @Test func scenario125_threeSlots() async throws {
        try await withFixture { _, client in
            try await Self.bookDeployed(client)
            let reply = try await client.call(.get, "/v1/schedules/find?nodecount=1&duration=600&nodetypes=type:deployed&results=3", as: .alice)
            #expect(reply.status == 200)
            let slots: [(Int64, Int64, Int64)] = [
                (1_772_454_021, 1_772_454_621, 1_772_487_000), (1_772_488_800, 1_772_489_400, 1_772_530_200),
                (1_772_532_000, 1_772_532_600, 1_772_573_400),
            ]
            #expect(reply.json == .array(slots.map { start, stop, maxStop in
                ["max_nodecount": 2, "max_stop": .int(maxStop), "nodecount": 1, "nodetypes": "type:deployed", "start": .int(start), "stop": .int(stop)]
            }))
        }
    }

    @Test func scenario126_noSlot() async throws {
        try await withFixture { _, client in
            for query in ["nodetypes=type:none&duration=600", "duration=50000"] {
                let reply = try await client.call(.get, "/v1/schedules/find?\(query)", as: .alice)
                #expect(reply.status == 409, "\(query)")
                #expect(reply.json == Self.noSlot, "\(query)")
            }
        }
    }

    @Test func scenario127_startOutsideRange() async throws {
        try await withFixture { _, client in
            let reply = try await client.call(.get, "/v1/schedules/find?start=1775908900&duration=600", as: .alice)
            #expect(reply.status == 409)
            #expect(reply.json == ["message": "Provided start time is outside the allowedscheduling range (1772452860, 1775908800)"])
        }
    }

    @Test func scenario128_parameterValidation() async throws {
        try await withFixture { _, client in
            let cases: [(String, String)] = [
                ("nodecount=abc", "Parameter nodecount must be a positive integer."),
                ("duration=0", "Parameter duration must be a positive integer."),
                ("results=0", "Parameter results must be a positive integer."),
                ("start=x", "Parameter start must be an integer."),
                ("nodes=1,x", "Parameter nodes must be a comma-separated list of node ids."),
                ("interfaceCount=5", "Parameter interfaceCount must be 1, 2 or 3."),
                ("nodetypes=deployed", "nodetype expression could not be parsed. 'deployed' is not of the form tag:value."),
            ]
            for (query, message) in cases {
                let reply = try await client.call(.get, "/v1/schedules/find?\(query)", as: .alice)
                #expect(reply.status == 400, "\(query)")
                #expect(reply.json == ["message": .string(message)], "\(query)")
            }
        }
    }

    @Test func scenario129_preselectionIgnoresFilter() async throws {
        try await withFixture { _, client in
            let reply = try await client.call(.get, "/v1/schedules/find?nodes=1,2&nodetypes=type:none&duration=600", as: .alice)
            #expect(reply.status == 200)
            #expect(reply.json == [
                ["max_nodecount": 2, "max_stop": 1_772_454_000, "nodecount": 1, "nodetypes": "", "start": 1_772_452_870, "stop": 1_772_453_470]
            ])
        }
    }

    @Test func scenario130_pairs() async throws {
        try await withFixture { _, client in
            let pair = try await client.call(.put, "/v1/resources/1", as: .admin, .form("pair=2"))
            #expect(pair.status == 200)
            let reply = try await client.call(.get, "/v1/schedules/find?interfaceCount=3&nodecount=2&duration=600", as: .alice)
            #expect(reply.status == 200)
            #expect(reply.json == [
                ["max_nodecount": 2, "max_stop": 1_772_454_000, "nodecount": 2, "nodetypes": "", "start": 1_772_452_870, "stop": 1_772_453_470]
            ])
            let odd = try await client.call(.get, "/v1/schedules/find?interfaceCount=3&nodecount=1", as: .alice)
            #expect(odd.status == 400)
            #expect(odd.json == ["message": "Node count must be even for paired nodes."])
        }
    }

    @Test func scenario131_resultsCapped() async throws {
        try await withFixture { _, client in
            let reply = try await client.call(.get, "/v1/schedules/find?duration=600&results=1000", as: .alice)
            #expect(reply.status == 200)
            let starts = reply.json?.arrayValue?.compactMap { $0["start"]?.integerValue } ?? []
            #expect(!starts.isEmpty)
            #expect(starts.count <= 100)
            #expect(starts.count == reply.json?.arrayValue?.count)
            #expect(zip(starts, starts.dropFirst()).allSatisfy { $0 < $1 })
        }
    }

    @Test func scenario132_access() async throws {
        try await withFixture { _, client in
            let node = try await client.call(.get, "/v1/schedules/find?duration=600", as: .node(1))
            #expect(node.status == 200)
            #expect(node.json?.arrayValue?.count == 1)
            let anonymous = try await client.call(.get, "/v1/schedules/find?duration=600")
            #expect(anonymous.status == 401)
            #expect(anonymous.json == ["message": "Please present a valid SSL client certificate to access this information"])
        }
    }

    @Test func scenario133_wantedStart() async throws {
        try await withFixture { _, client in
            let reply = try await client.call(.get, "/v1/schedules/find?start=1772456400&duration=600", as: .alice)
            #expect(reply.status == 200)
            let first = reply.json?.arrayValue?.first
            #expect(first?["start"] == 1_772_456_400)
            #expect(first?["stop"] == 1_772_457_000)
            #expect(first?["max_stop"] == 1_772_487_000)
            #expect(first?["max_nodecount"] == 4)
        }
    }

    @Test func scenario134_findThenAllocate() async throws {
        try await withFixture { ctld, client in
            try await Self.bookDeployed(client)
            let found = try await client.call(.get, "/v1/schedules/find?nodecount=1&duration=600&nodetypes=type:deployed", as: .alice)
            let start = try #require(found.json?.arrayValue?.first?["start"]?.integerValue)
            #expect(start == 1_772_454_021)
            ctld.setClock(Ctld.T0 + 5)
            let reply = try await client.alloc(["nodetypes": "type:deployed", "start": .int(start)])
            #expect(reply.status == 201)
            #expect(reply["experiment"] == 3)
            let experiment = try await client.get("/v1/experiments/3/schedules")
            #expect(experiment?["start"] == .int(start))
            #expect(experiment?["schedules"]?["3"]?["nodeid"] == 1)
        }
    }
}

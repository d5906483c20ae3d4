import Foundation
import MarvinCore
import Testing

@testable import MarvinController

/// Concurrent allocations for the same nodes (§4.1, D51): nobody double-books a node.
@Suite struct RaceTests {
    @Test func fiftyConcurrentAllocationsNeverDoubleBook() async throws {
        try await withFixture { _, client in
            let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await client.alloc(["nodetypes": "type:deployed"]) }
                }
                var all: [Reply] = []
                for try await reply in group { all.append(reply) }
                return all
            }
            let winners = replies.filter { $0.status == 201 }
            let losers = replies.filter { $0.status != 201 }
            // Nodes 1 and 2 are the only deployed nodes: exactly two requests can win.
            #expect(winners.count == 2)
            #expect(losers.count == 48)
            for loser in losers {
                #expect(loser.status == 409)
                #expect(loser.json == CtldClient.sc1(0, 1, 1, 1_772_453_300, 1_772_453_900))
            }
            let booked = try await client.get("/v1/schedules")?.arrayValue ?? []
            #expect(booked.count == 2)
            #expect(Set(booked.compactMap { $0["nodeid"]?.integerValue }) == [1, 2])
            let experiments = try await client.get("/v1/experiments")?.arrayValue ?? []
            #expect(experiments.count == 2)
            let journal = try await client.get("/v1/users/2/journals")?.arrayValue ?? []
            #expect(journal.filter { $0["reason"]?.stringValue?.contains("requested") == true }.count == 6, "charges only for the two winners")
        }
    }
}

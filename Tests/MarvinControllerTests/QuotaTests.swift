import Foundation
import MarvinCore
import Testing

@testable import MarvinController

/// §11.11 Quotas.
@Suite struct QuotaTests {
    /// The three `scheduled reset` entries of a monthly reset of alice's default quotas.
    static func resets(at time: Int64) -> [JSONValue] {
        [
            CtldClient.journalEntry("quota_owner_time", 8_640_000, "scheduled reset", at: time),
            CtldClient.journalEntry("quota_owner_data", 100_000_000_000, "scheduled reset", at: time),
            CtldClient.journalEntry("quota_owner_storage", 200_000_000_000, "scheduled reset", at: time),
        ]
    }

    static let dataRefund = CtldClient.journalEntry(
        "quota_owner_data", 99_999_999_700, "refunded 700 bytes (1000 requested, 300 used) for experiment 1, schedule 1.", at: 1_772_540_301)

    @Test func scenario165_monthlyReset() async throws {
        try await withFixture { ctld, client in
            let set = try await client.call(.put, "/v1/users/2", as: .admin, .form("time=5"))
            #expect(set.status == 200)
            ctld.setClock(1_775_001_601)
            try await client.sync()
            #expect(try await client.quota() == 8_640_000)
            let journal = try await client.journal()
            #expect(Array(journal.suffix(3)) == Self.resets(at: 1_775_001_601))
            #expect(journal.count == 3 + 1 + 3)
            ctld.setClock(1_777_593_601)
            try await client.sync()
            let next = try await client.journal()
            #expect(Array(next.suffix(6)) == Self.resets(at: 1_775_001_601) + Self.resets(at: 1_777_593_601))
            #expect(next.count == 3 + 1 + 6)
        }
    }

    @Test func scenario166_lazyReset() async throws {
        try await withFixture { ctld, client in
            let set = try await client.call(.put, "/v1/users/2", as: .admin, .form("time=5"))
            #expect(set.status == 200)
            #expect(try await client.quota() == 5)
            ctld.setClock(1_775_001_601)
            let user = try await client.get("/v1/users/2", as: .alice)?.arrayValue?.first
            #expect(user?["quota_time"] == 8_640_000)
            let journal = try await client.journal()
            #expect(Array(journal.suffix(3)) == Self.resets(at: 1_775_001_601))
        }
    }

    @Test func scenario167_noRefundAfterReset() async throws {
        try await withFixture { ctld, client in
            let allocation = try await client.alloc(["start": 1_775_088_000])
            #expect(allocation.status == 201, "\(allocation)")
            #expect(try await client.quota() == 8_639_400)
            ctld.setClock(1_775_001_601)
            try await client.sync()
            let reply = try await client.call(.delete, "/v1/experiments/1", as: .alice)
            #expect(reply.status == 200)
            #expect(reply.json == ["message": "Ok. Deleted experiment and scheduling entries"])
            #expect(try await client.quota() == 8_640_000)
            let journal = try await client.journal()
            #expect(Array(journal.suffix(3)) == Self.resets(at: 1_775_001_601))
            #expect(!journal.contains { $0["reason"]?.stringValue?.contains("refunded") == true })
        }
    }

    /// Scenario 168 up to its first `sync`: allocation with a data charge, traffic report, `finished`.
    static func runWithTraffic(_ client: CtldClient, report: Bool) async throws {
        let allocation = try await client.alloc(["options": ["nodes": "1", "traffic": 1000]])
        #expect(allocation.status == 201, "\(allocation)")
        #expect(try await client.quota("quota_data") == 99_999_999_000)
        if report {
            let traffic = "traffic=" + CtldClient.formValue(#"{"interfaces": {"89460000000000000001": 300}}"#)
            #expect(try await client.report(1, "1", .form(traffic)).status == 200)
        }
        #expect(try await client.report(1, "1", .form("status=finished")).status == 200)
    }

    @Test func scenario168_dataRefund() async throws {
        try await withFixture { ctld, client in
            try await Self.runWithTraffic(client, report: true)
            ctld.setClock(1_772_540_301)
            try await client.sync()
            #expect(try await client.quota("quota_data") == 99_999_999_700)
            let journal = try await client.journal()
            #expect(journal.last == Self.dataRefund)
            try await client.sync()
            #expect(try await client.journal() == journal)
            #expect(try await client.quota("quota_data") == 99_999_999_700)
        }
    }

    @Test func scenario169_noDataRefund() async throws {
        // Without a traffic report.
        try await withFixture { ctld, client in
            try await Self.runWithTraffic(client, report: false)
            let before = try await client.journal()
            ctld.setClock(1_772_540_301)
            try await client.sync()
            #expect(try await client.quota("quota_data") == 99_999_999_000)
            #expect(try await client.journal() == before)
        }
        // With the report, but the refund is too late (stop + 2678401): only the month's resets.
        try await withFixture { ctld, client in
            try await Self.runWithTraffic(client, report: true)
            let before = try await client.journal()
            ctld.setClock(1_775_132_301)
            try await client.sync()
            let journal = try await client.journal()
            #expect(journal == before + Self.resets(at: 1_775_132_301))
        }
    }

    @Test func scenario170_headModeDataCharge() async throws {
        try await withFixture { _, client in
            let pair = try await client.call(.put, "/v1/resources/1", as: .admin, .form("pair=2"))
            #expect(pair.json == ["message": "Node pair set."])
            let reply = try await client.alloc(["interfaceCount": 2, "nodetypes": "type:testing", "options": ["traffic": 100]])
            #expect(reply.status == 201, "\(reply)")
            #expect(try await client.nodeOf("1") == 3)
            let journal = try await client.journal()
            #expect(journal.last == CtldClient.journalEntry(
                "quota_owner_data", 99_999_999_900, "experiment #1 requested 100 bytes (1 nodes, 1 intervals, 1 interfaces)"))
        }
    }
}

import Foundation
import MarvinCore
import Testing

@testable import MarvinController

/// §11.15 Further rules (185–197, 199, 200).
@Suite struct FurtherRulesTests {
    /// A node principal whose id has two digits: its fingerprint is the id repeated 20 times.
    static func nodePrincipal(_ id: Int) -> (fingerprint: String, caller: Caller) {
        let fingerprint = String(repeating: String(id), count: 20)
        return (fingerprint, Caller(headers: [("SSL-Fingerprint", fingerprint), ("VERIFIED", "SUCCESS")]))
    }

    /// Registers node `id` with `body` and its principal `Node <id>`; returns the principal.
    static func registerNode(_ client: CtldClient, _ body: JSONValue, id: Int) async throws -> Caller {
        let node = try await client.call(.post, "/v1/resources", as: .admin, .json(body))
        #expect(node.status == 201, "\(node)")
        let principal = nodePrincipal(id)
        let user = try await client.call(
            .post, "/v1/users", as: .admin, .json(["name": .string("Node \(id)"), "project": "", "role": "node", "ssl": .string(principal.fingerprint)]))
        #expect(user.status == 201, "\(user)")
        return principal.caller
    }

    @Test func scenario185_orderingTies() async throws {
        let quota = CtldClient.Body.form("quota=40000000000&iccid=89460000000000000003")
        try await withFixture { _, client in
            let set = try await client.call(.put, "/v1/resources/3", as: .admin, quota)
            #expect(set.json == ["message": "Updated."])
            #expect(try await client.hb(3).status == 200)
            let reply = try await client.alloc(["nodetypes": "country:se"])
            #expect(reply.status == 201, "\(reply)")
            #expect(try await client.nodeOf("1") == 3)
        }
        try await withFixture { _, client in
            let set = try await client.call(.put, "/v1/resources/3", as: .admin, quota)
            #expect(set.json == ["message": "Updated."])
            #expect(try await client.hb(1).status == 200)
            #expect(try await client.hb(3).status == 200)
            let reply = try await client.alloc(["nodetypes": "country:se"])
            #expect(reply.status == 201, "\(reply)")
            #expect(try await client.nodeOf("1") == 1)
        }
    }

    @Test func scenario186_nodeWithoutInterfaces() async throws {
        try await withFixture { _, client in
            let node30 = try await Self.registerNode(client, ["id": 30, "hostname": "node30", "tags": ["type": "testing"]], id: 30)
            let heartbeat = try await client.call(.put, "/v1/resources/30", as: node30)
            #expect(heartbeat.status == 200, "\(heartbeat)")
            let node = try await client.get("/v1/resources/30")
            #expect(node == [["heartbeat": .int(Ctld.T0), "hostname": "node30", "id": 30, "interfaces": [], "status": "active", "type": "testing"]])
            let reply = try await client.alloc(["nodetypes": "type:testing", "nodecount": 3])
            #expect(reply.status == 201, "\(reply)")
            let nodes = [try await client.nodeOf("1"), try await client.nodeOf("2"), try await client.nodeOf("3")]
            #expect(nodes == [3, 4, 30])
        }
    }

    @Test func scenario187_freshness48h() async throws {
        try await withFixture { ctld, client in
            ctld.setClock(1_772_625_600)
            let reply = try await client.alloc(["nodetypes": "model:apu1", "start": 1_772_630_600])
            #expect(reply.status == 409)
            #expect(reply.json == CtldClient.sc1(0, 1, 1, 1_772_630_600, 1_772_631_200))
        }
        try await withFixture { ctld, client in
            ctld.setClock(1_772_625_500)
            let reply = try await client.alloc(["nodetypes": "model:apu1", "start": 1_772_630_500])
            #expect(reply.status == 201, "\(reply)")
            #expect(try await client.nodeOf("1") == 3)
        }
    }

    /// The spec lists the three allocations one after the other, but the second (node 3 from
    /// T0+1200) and the third (node 3 at T0+500) overlap within the padding, so whichever comes
    /// second would fail; the third runs in its own fixture.
    @Test func scenario188_freshnessImmediate() async throws {
        let stale: [Int: Int64] = [3: Ctld.T0 - 700]
        try await withFixture(heartbeats: stale) { _, client in
            let immediate = try await client.alloc(["nodetypes": "model:apu1"])
            #expect(immediate.status == 409)
            #expect(immediate.json == CtldClient.sc1(0, 1, 1, 1_772_453_300, 1_772_453_900))
            let later = try await client.alloc(["nodetypes": "model:apu1", "start": 1_772_454_000])
            #expect(later.status == 201, "\(later)")
            #expect(try await client.nodeOf("1") == 3)
        }
        try await withFixture(heartbeats: stale) { _, client in
            let preselected = try await client.alloc(["nodetypes": "", "options": ["nodes": "3"]])
            #expect(preselected.status == 201, "\(preselected)")
            #expect(try await client.nodeOf("1") == 3)
        }
    }

    @Test func scenario189_trustedRegistryOff() async throws {
        try await withFixture(trustedRegistry: "") { _, client in
            let reply = try await client.alloc(["script": .string(CtldClient.U), "nodetypes": "type:deployed"])
            #expect(reply.status == 201, "\(reply)")
            #expect(try await client.nodeOf("1") == 1)
        }
    }

    @Test func scenario190_disabledNode() async throws {
        try await withFixture { _, client in
            let node19 = try await Self.registerNode(
                client, ["id": 19, "hostname": "node19", "tags": ["type": "testing"], "status": "disabled"], id: 19)
            let heartbeat = try await client.call(.put, "/v1/resources/19", as: node19)
            #expect(heartbeat.status == 200, "\(heartbeat)")
            #expect(try await client.get("/v1/resources/19")?.arrayValue?.first?["status"] == "disabled")
            let refused = try await client.alloc(["options": ["nodes": "19"]])
            #expect(refused.status == 409)
            #expect(refused.json == CtldClient.sc1(0, 1, 1, 1_772_453_300, 1_772_453_900, selection: ["19"]))
            let enable = try await client.call(.put, "/v1/resources/19", as: .admin, .form("status=active"))
            #expect(enable.json == ["message": "Node status set."])
            let reply = try await client.alloc(["options": ["nodes": "19"]])
            #expect(reply.status == 201, "\(reply)")
            #expect(try await client.nodeOf("1") == 19)
        }
    }

    @Test func scenario191_finalAndSharedAreNoBoundaries() async throws {
        let firstSlot: JSONValue = [
            "max_nodecount": 1, "max_stop": 1_772_454_000, "nodecount": 1, "nodetypes": "", "start": 1_772_452_870, "stop": 1_772_453_470,
        ]
        try await withFixture { _, client in
            #expect(try await client.alloc(["options": ["nodes": "1"]]).status == 201)
            #expect(try await client.report(1, "1", .form("status=finished")).status == 200)
            let find = try await client.call(.get, "/v1/schedules/find?nodes=1&duration=600", as: .alice)
            #expect(find.status == 200)
            #expect(find.json?.arrayValue?.first == firstSlot)
        }
        try await withFixture { _, client in
            #expect(try await client.alloc(["options": ["nodes": "1", "shared": 1]]).status == 201)
            let find = try await client.call(.get, "/v1/schedules/find?nodes=1&duration=600", as: .alice)
            #expect(find.status == 200)
            #expect(find.json?.arrayValue?.first == firstSlot)
        }
    }

    @Test func scenario192_nodeFinalisesUnplaced() async throws {
        try await withFixture { _, client in
            try await client.allocLPQ154()
            let reply = try await client.report(3, "1", .form("status=failed%3B%20gave%20up"))
            #expect(reply.status == 200)
            #expect(reply.json == ["message": "Ok."])
            let task = try await client.schedule("1")
            #expect(task?["start"] == 1_772_452_800)
            #expect(task?["stop"] == 1_772_452_800)
            #expect(task?["status"] == "failed; gave up")
            let heartbeat = try await client.hb(3)
            #expect(CtldClient.taskList(heartbeat) == [])
            #expect(try await client.quota() == 8_639_400)
        }
    }

    @Test func scenario193_expiredNotDeletable() async throws {
        try await withFixture { ctld, client in
            let allocation = try await client.alloc(["start": -1, "nodetypes": "type:testing", "options": ["until": 1_772_456_400]])
            #expect(allocation.status == 201)
            ctld.setClock(1_772_456_401)
            try await client.sync()
            #expect(try await client.get("/v1/experiments/1")?["status"] == "expired")
            let reply = try await client.call(.delete, "/v1/experiments/1", as: .alice)
            #expect(reply.status == 404)
            #expect(reply.json == ["message": "Experiment 1 not found."])
        }
    }

    @Test func scenario194_knownTasksEncodings() async throws {
        try await withFixture { ctld, client in
            // Scenario 79: 75's allocation and first heartbeat, then DELETE.
            let allocation = try await client.alloc(["nodetypes": "country:se,model:apu2", "options": ["_k": "v"]])
            #expect(allocation.status == 201)
            ctld.setClock(Ctld.T0 + 10)
            #expect(CtldClient.taskIDs(try await client.hb(1)) == ["1"])
            let delete = try await client.call(.delete, "/v1/experiments/1", as: .alice)
            #expect(delete.json == ["aborted": 1, "canceled": 0, "message": "Ok. Canceled or aborted open scheduling entries"])

            let bodies: [CtldClient.Body] = [.form("known_tasks=1,5"), .json(["known_tasks": ["1"]]), .json(["known_tasks": [1]])]
            for body in bodies {
                let reply = try await client.call(.put, "/v1/resources/1", as: .node(1), body)
                #expect(reply.status == 200, "\(body)")
                #expect(CtldClient.taskIDs(reply) == ["1"], "\(body)")
                #expect(reply["tasks"]?.arrayValue?.first?["status"] == "aborted", "\(body)")
            }
        }
    }

    @Test func scenario195_listIncludesFinal() async throws {
        try await withFixture { _, client in
            try await client.alloc82()
            for status in ["deployed", "started", "finished"] {
                #expect(try await client.report(1, "1", .form("status=\(status)")).status == 200)
            }
            let list = try await client.get("/v1/schedules")
            #expect(list == [["nodeid": 1, "ownerid": 2, "start": 1_772_453_300, "stop": 1_772_453_900]])
        }
    }

    @Test func scenario196_interfaceMonthlyReset() async throws {
        try await withFixture { ctld, client in
            let report = "interfaces=" + CtldClient.formValue(#"[{"iccid": "89460000000000000001", "host": 1000}]"#)
            #expect(try await client.hb(1, report).status == 200)
            let used = try await client.get("/v1/resources/1")?.arrayValue?.first?["interfaces"]?.arrayValue?.first
            #expect(used?["quota_current"] == 39_999_999_000)
            ctld.setClock(1_775_001_601)
            try await client.sync()
            let interface = try await client.get("/v1/resources/1")?.arrayValue?.first?["interfaces"]?.arrayValue?.first
            #expect(interface?["iccid"] == "89460000000000000001")
            #expect(interface?["quota_current"] == 40_000_000_000)
            #expect(interface?["quota_reset_date"] == 1_777_593_600)
            #expect(interface?["quota_last_reset"] == 1_775_001_601)
        }
    }

    /// The restarted server is started through `makeApplication()`, which runs housekeeping once
    /// before it serves (the start-up path `ControllerServer.run()` uses the same application).
    @Test func scenario197_housekeepingAtStartup() async throws {
        let ctld = try Ctld()
        defer { try? FileManager.default.removeItem(at: ctld.directory) }
        try await ctld.run { client in
            try await FixtureF.build(ctld, client)
            let reply = try await client.alloc(["start": -1, "nodetypes": "type:testing", "options": ["until": 1_772_456_400]])
            #expect(reply.status == 201, "\(reply)")
        }
        ctld.setClock(1_772_456_401)
        let restarted = try Ctld(directory: ctld.directory)
        try await restarted.run { client in
            let task = try await client.schedule("1")
            #expect(task?["status"] == "failed; not executed within availability window")
            #expect(task?["start"] == 1_772_456_401)
            #expect(task?["stop"] == 1_772_456_401)
            #expect(try await client.get("/v1/experiments/1")?["status"] == "expired")
        }
    }

    @Test func scenario199_adminBranchForUsers() async throws {
        try await withFixture { _, client in
            let missing = try await client.call(.put, "/v1/resources/1", as: .alice)
            #expect(missing.status == 400)
            #expect(missing.message?.hasSuffix("identified as SSL_ID bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.") == true)
            #expect(missing.message == "Parameters missing: type\nIf you are a node, you were identified as SSL_ID bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.")
            let status = try await client.call(.put, "/v1/resources/1", as: .alice, .form("status=active"))
            #expect(status.status == 401)
            #expect(status.json == ["message": "You'd have to be an admin to do that"])
        }
    }

    @Test func scenario200_recurringASAP() async throws {
        try await withFixture { _, client in
            for _ in 0..<2 {
                #expect(try await client.alloc(["nodetypes": "type:deployed"]).status == 201)
            }
            let reply = try await client.alloc([
                "nodetypes": "type:deployed", "start": 0, "options": ["recurrence": "simple", "period": 3600, "until": 1_772_463_600],
            ])
            #expect(reply.status == 201, "\(reply)")
            #expect(reply.json == ["experiment": 3, "intervals": 3, "message": "Allocated task 3.", "nodecount": 1])
            #expect(try await client.get("/v1/experiments/3")?["start"] == 1_772_454_021)
            let schedules = try await client.get("/v1/experiments/3/schedules")
            #expect(schedules?["schedules"] == [
                "3": ["nodeid": 1, "start": 1_772_454_021, "status": "defined", "stop": 1_772_454_621],
                "4": ["nodeid": 1, "start": 1_772_457_621, "status": "defined", "stop": 1_772_458_221],
                "5": ["nodeid": 1, "start": 1_772_461_221, "status": "defined", "stop": 1_772_461_821],
            ])
        }
    }
}

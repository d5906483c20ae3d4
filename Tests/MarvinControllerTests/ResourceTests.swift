import Foundation
import MarvinCore
import Testing

@testable import MarvinController

/// §11.4 Resources and registration.
@Suite struct ResourceTests {
    static let S = CtldClient.S
    /// The default alloc interval (§11.0).
    static let s: Int64 = 1_772_453_300
    static let e: Int64 = 1_772_453_900
    static let nextMonth: Int64 = 1_775_001_600
    static let iccid1 = "89460000000000000001"

    /// The registration body of §3.2 (node 17).
    static let node17: JSONValue = [
        "id": 17, "hostname": "node17",
        "tags": ["type": "deployed", "country": "se", "model": "apu2"],
        "interfaces": [["iccid": "89460000000000000017", "imei": "359000000000017", "mccmnc": "24201", "operator": "Telenor", "quota": 50_000_000_000]],
    ]

    /// Node 1's interface as registered in F (T0 − 100), untouched by heartbeats.
    static let node1Interface: JSONValue = [
        "heartbeat": 0, "iccid": .string(iccid1), "imei": "359000000000001", "interface": "", "mccmnc": "24001", "operator": "Telia",
        "quota_current": 40_000_000_000, "quota_last_reset": 1_772_452_700, "quota_reset_date": .int(nextMonth),
        "quota_reset_value": 40_000_000_000, "status": "current",
    ]

    /// The single node object of `GET /v1/resources/{id}` (nil when the list is empty).
    static func node(_ client: CtldClient, _ id: Int, as caller: Caller = .alice) async throws -> JSONValue? {
        let list = try await client.get("/v1/resources/\(id)", as: caller)?.arrayValue
        #expect(list != nil && list!.count <= 1)
        return list?.first
    }

    static func nodeIDs(_ client: CtldClient, as caller: Caller = .alice) async throws -> [Int64] {
        let list = try await client.get("/v1/resources", as: caller)?.arrayValue ?? []
        return list.compactMap { $0["id"]?.integerValue }
    }

    /// The node a task runs on, read by alice.
    static func taskNode(_ client: CtldClient, _ schedid: String) async throws -> Int64? {
        try await client.get("/v1/schedules/\(schedid)")?["nodeid"]?.integerValue
    }

    static func keys(_ value: JSONValue?) -> Set<String> { Set(value?.objectValue?.keys ?? [:].keys) }

    static func formEncode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
    }

    static func adminPut(_ client: CtldClient, _ id: Int, _ form: String, as caller: Caller = .admin) async throws -> Reply {
        try await client.call(.put, "/v1/resources/\(id)", as: caller, .form(form))
    }

    // MARK: - Registration

    @Test func scenario038_registerNode() async throws {
        try await withFixture { _, client in
            let reply = try await client.call(.post, "/v1/resources", as: .admin, .json(Self.node17))
            #expect(reply.status == 201)
            #expect(reply.headers[.location] == "/v1/resources/17")
            #expect(reply.json == ["message": "Node 17 created."])
            let node = try await client.get("/v1/resources/17", as: .alice)
            #expect(node == [[
                "country": "se", "heartbeat": 0, "hostname": "node17", "id": 17,
                "interfaces": [[
                    "heartbeat": 0, "iccid": "89460000000000000017", "imei": "359000000000017", "interface": "", "mccmnc": "24201",
                    "operator": "Telenor", "quota_current": 50_000_000_000, "quota_last_reset": 1_772_452_800,
                    "quota_reset_date": 1_775_001_600, "quota_reset_value": 50_000_000_000, "status": "current",
                ]],
                "model": "apu2", "status": "active", "type": "deployed",
            ]])
            let journals = try await client.get("/v1/resources/17/journals", as: .alice)
            #expect(journals == [["iccid": "89460000000000000017", "new_value": 50_000_000_000, "reason": "set by API", "timestamp": 1_772_452_800]])
        }
    }

    @Test func scenario039_registerDuplicate() async throws {
        try await withFixture { _, client in
            let first = try await client.call(.post, "/v1/resources", as: .admin, .json(Self.node17))
            #expect(first.status == 201)
            let again = try await client.call(.post, "/v1/resources", as: .admin, .json(Self.node17))
            #expect(again.status == 409)
            #expect(again.json == ["message": "Node 17 already exists."])
            var one = Self.node17.objectValue!
            one["id"] = 1
            let existing = try await client.call(.post, "/v1/resources", as: .admin, .json(.object(one)))
            #expect(existing.status == 409)
            #expect(existing.json == ["message": "Node 1 already exists."])
        }
    }

    @Test func scenario040to042_registerValidation() async throws {
        try await withFixture { _, client in
            let cases: [(JSONValue, String)] = [
                (["id": 20], "Parameters missing (required: id, hostname | optional: tags, interfaces, status)."),
                (["id": "abc", "hostname": "x"], "Parameter id must be a positive integer."),
                (["id": 0, "hostname": "x"], "Parameter id must be a positive integer."),
                (["id": 20, "hostname": ""], "Parameter hostname must be a non-empty string."),
                // 41: tags
                (["id": 20, "hostname": "x", "tags": ["status": "x"]], "Tag name status is reserved."),
                (["id": 20, "hostname": "x", "tags": ["site": "a,b"]], "Invalid tag (site:a,b)."),
                (["id": 20, "hostname": "x", "tags": ["x"]], "Parameter tags must be an object mapping tag names to values."),
                // 42: interfaces and status
                (["id": 20, "hostname": "x", "interfaces": [["imei": "1"]]], "Parameter interfaces must be a list of interface objects."),
                (["id": 20, "hostname": "x", "interfaces": [["iccid": "X"], ["iccid": "X"]]], "Duplicate interface (X)."),
                (["id": 20, "hostname": "x", "status": "maintenance"], "Parameter status must be active or disabled."),
            ]
            for (body, message) in cases {
                let reply = try await client.call(.post, "/v1/resources", as: .admin, .json(body))
                #expect(reply.status == 400, "\(body)")
                #expect(reply.json == ["message": .string(message)], "\(body)")
            }
            // nothing was registered
            let node = try await Self.node(client, 20)
            #expect(node == nil)
        }
    }

    @Test func scenario043_registerUrlencoded() async throws {
        try await withFixture { _, client in
            let form = "id=18&hostname=node18&tags=type%3Atesting%2Ccountry%3Ade&interfaces=%5B%7B%22iccid%22%3A%228949000000000000018%22%7D%5D"
            let reply = try await client.call(.post, "/v1/resources", as: .admin, .form(form))
            #expect(reply.status == 201)
            #expect(reply.json == ["message": "Node 18 created."])
            let node = try await Self.node(client, 18)
            #expect(node == [
                "country": "de", "heartbeat": 0, "hostname": "node18", "id": 18,
                "interfaces": [[
                    "heartbeat": 0, "iccid": "8949000000000000018", "imei": "", "interface": "", "mccmnc": "", "operator": "",
                    "quota_current": 0, "quota_last_reset": .int(Ctld.T0), "quota_reset_date": 0, "quota_reset_value": 0, "status": "current",
                ]],
                "status": "active", "type": "testing",
            ])
            let journals = try await client.get("/v1/resources/18/journals")
            #expect(journals == [])
        }
    }

    @Test func scenario044_registerNeedsAdmin() async throws {
        try await withFixture { _, client in
            let reply = try await client.call(.post, "/v1/resources", as: .alice, .json(Self.node17))
            #expect(reply.status == 401)
            #expect(reply.json == ["message": "You'd have to be an admin to do that"])
            let node = try await Self.node(client, 17)
            #expect(node == nil)
        }
    }

    @Test func scenario045_registeredNodeNeedsHeartbeat() async throws {
        try await withFixture { _, client in
            let registered = try await client.call(.post, "/v1/resources", as: .admin, .json(Self.node17))
            #expect(registered.status == 201)
            let change: [String: JSONValue] = ["nodetypes": "", "options": ["nodes": "17"]]
            let refused = try await client.alloc(change)
            #expect(refused.status == 409)
            #expect(refused.json == CtldClient.sc1(0, 1, 1, Self.s, Self.e, selection: ["17"]))
            let user = try await client.call(
                .post, "/v1/users", as: .admin, .form("name=Node 17&ssl=\(String(repeating: "17", count: 20))&role=node"))
            #expect(user.status == 201)
            let node17 = Caller(headers: [("SSL-Fingerprint", String(repeating: "17", count: 20)), ("VERIFIED", "SUCCESS")])
            let heartbeat = try await client.call(.put, "/v1/resources/17", as: node17, .form(""))
            #expect(heartbeat.status == 200)
            let allocated = try await client.alloc(change)
            #expect(allocated.status == 201)
            let nodeID = try await Self.taskNode(client, "1")
            #expect(nodeID == 17)
        }
    }

    // MARK: - Reads

    @Test func scenario046_anonymousRead() async throws {
        try await withFixture { _, client in
            let reply = try await client.call(.get, "/v1/resources")
            #expect(reply.status == 401)
            #expect(reply.json == ["message": "Please present a valid SSL client certificate to access this information"])
        }
    }

    @Test func scenario047_listAsNode() async throws {
        try await withFixture { _, client in
            let reply = try await client.call(.get, "/v1/resources", as: .node(3))
            #expect(reply.status == 200)
            let list = reply.json?.arrayValue ?? []
            #expect(list.compactMap { $0["id"]?.integerValue } == [1, 2, 3, 4])
            let first = list.first
            #expect(Self.keys(first) == ["country", "heartbeat", "hostname", "id", "interfaces", "model", "status", "type"])
            #expect(first?["heartbeat"] == 1_772_452_770)
        }
    }

    @Test func scenario048_unknownNode() async throws {
        try await withFixture { _, client in
            for path in ["/v1/resources/99", "/v1/resources/abc"] {
                let reply = try await client.call(.get, path, as: .alice)
                #expect(reply.status == 200)
                #expect(reply.json == [])
            }
        }
    }

    // MARK: - Tags

    @Test func scenario049_replaceTags() async throws {
        try await withFixture { _, client in
            let reply = try await Self.adminPut(client, 1, "type=type:testing,site:lab")
            #expect(reply.status == 200)
            #expect(reply.json == ["message": "Node type set."])
            let node = try await Self.node(client, 1)
            #expect(node?["type"] == "testing")
            #expect(node?["site"] == "lab")
            #expect(node?["country"] == nil)
            #expect(node?["model"] == nil)
            #expect(node == [
                "heartbeat": 1_772_452_770, "hostname": "node1", "id": 1, "interfaces": [Self.node1Interface],
                "site": "lab", "status": "active", "type": "testing",
            ])
            let allocated = try await client.alloc(["nodetypes": "type:deployed"])
            #expect(allocated.status == 201)
            let nodeID = try await Self.taskNode(client, "1")
            #expect(nodeID == 2)
        }
        try await withFixture { _, client in
            let reply = try await Self.adminPut(client, 1, "type=type:testing,site:lab")
            #expect(reply.status == 200)
            let refused = try await client.alloc(["nodetypes": "country:se", "nodecount": 2])
            #expect(refused.status == 409)
            #expect(refused.json == CtldClient.sc1(1, 2, 1, Self.s, Self.e))
        }
    }

    @Test func scenario050_removeAllTags() async throws {
        try await withFixture { _, client in
            let set = try await Self.adminPut(client, 1, "type=type:testing,site:lab")
            #expect(set.status == 200)
            let reply = try await Self.adminPut(client, 1, "type=")
            #expect(reply.status == 200)
            #expect(reply.json == ["message": "Node type set."])
            let node = try await Self.node(client, 1)
            #expect(Self.keys(node) == ["heartbeat", "hostname", "id", "interfaces", "status"])
            let refused = try await client.alloc(["nodetypes": "site:lab"])
            #expect(refused.status == 409)
            #expect(refused.json == CtldClient.sc1(0, 1, 1, Self.s, Self.e))
        }
    }

    @Test func scenario051_tagErrors() async throws {
        try await withFixture { _, client in
            let bad = try await Self.adminPut(client, 1, "type=badterm")
            #expect(bad.status == 400)
            #expect(bad.json == ["message": "Invalid tag (badterm)."])
            let reserved = try await Self.adminPut(client, 1, "type=id:5")
            #expect(reserved.status == 400)
            #expect(reserved.json == ["message": "Tag name id is reserved."])
            let unknown = try await Self.adminPut(client, 99, "type=a:b")
            #expect(unknown.status == 404)
            #expect(unknown.json == ["message": "Could not find resource with this id."])
            // node 1 keeps its tags
            let node = try await Self.node(client, 1)
            #expect(node?["type"] == "deployed")
            #expect(node?["country"] == "se")
        }
    }

    // MARK: - Pairs

    @Test func scenario052_pairExcludesHeadOrTail() async throws {
        try await withFixture { _, client in
            let reply = try await Self.adminPut(client, 1, "pair=2")
            #expect(reply.status == 200)
            #expect(reply.json == ["message": "Node pair set."])
            let allocated = try await client.alloc(["nodetypes": "type:deployed"])
            #expect(allocated.status == 201)
            let nodeID = try await Self.taskNode(client, "1")
            #expect(nodeID == 2)
        }
        try await withFixture { _, client in
            let reply = try await Self.adminPut(client, 1, "pair=2")
            #expect(reply.status == 200)
            let allocated = try await client.alloc(["nodetypes": "type:deployed", "interfaceCount": 2])
            #expect(allocated.status == 201)
            let nodeID = try await Self.taskNode(client, "1")
            #expect(nodeID == 1)
        }
    }

    @Test func scenario053_pairErrors() async throws {
        try await withFixture { _, client in
            let unknownTail = try await Self.adminPut(client, 1, "pair=99")
            #expect(unknownTail.status == 404)
            #expect(unknownTail.json == ["message": "Node id does not exist."])
            let itself = try await Self.adminPut(client, 1, "pair=1")
            #expect(itself.status == 400)
            #expect(itself.json == ["message": "A node cannot be paired with itself."])
            let delete = try await Self.adminPut(client, 3, "pair=delete")
            #expect(delete.status == 200)
            #expect(delete.json == ["message": "Node pair set."])
            let unknownHead = try await Self.adminPut(client, 99, "pair=1")
            #expect(unknownHead.status == 404)
            #expect(unknownHead.json == ["message": "Node id does not exist."])
        }
    }

    @Test func scenario054_repairing() async throws {
        try await withFixture { _, client in
            let first = try await Self.adminPut(client, 1, "pair=2")
            #expect(first.status == 200)
            let second = try await Self.adminPut(client, 3, "pair=2")
            #expect(second.status == 200)
            let allocated = try await client.alloc(["interfaceCount": 3, "nodecount": 2])
            #expect(allocated.status == 201)
            #expect(allocated["nodecount"] == 1)
            let head = try await Self.taskNode(client, "1")
            let tail = try await Self.taskNode(client, "2")
            #expect(head == 3)
            #expect(tail == 2)
        }
    }

    @Test func scenario055_administrationNeedsAdmin() async throws {
        try await withFixture { _, client in
            for form in ["pair=2", "type=a:b"] {
                let reply = try await Self.adminPut(client, 1, form, as: .alice)
                #expect(reply.status == 401)
                #expect(reply.json == ["message": "You'd have to be an admin to do that"])
            }
            let node = try await Self.node(client, 1)
            #expect(node?["type"] == "deployed")
            // no pair was set: node 1 is still selectable in single mode
            let allocated = try await client.alloc(["nodetypes": "type:deployed"])
            #expect(allocated.status == 201)
            let nodeID = try await Self.taskNode(client, "1")
            #expect(nodeID == 1)
        }
    }

    // MARK: - Status, quota, hostname, interfaces

    @Test func scenario056_disableNode() async throws {
        try await withFixture { _, client in
            let reply = try await Self.adminPut(client, 1, "status=disabled")
            #expect(reply.status == 200)
            #expect(reply.json == ["message": "Node status set."])
            let disabled = try await Self.node(client, 1)
            #expect(disabled?["status"] == "disabled")
            let change: [String: JSONValue] = ["options": ["nodes": "1"]]
            let refused = try await client.alloc(change)
            #expect(refused.status == 409)
            #expect(refused.json == CtldClient.sc1(0, 1, 1, Self.s, Self.e, selection: ["1"]))
            let heartbeat = try await client.hb(1, "maintenance=0")
            #expect(heartbeat.status == 200)
            let afterHeartbeat = try await Self.node(client, 1)
            #expect(afterHeartbeat?["status"] == "disabled")
            #expect(afterHeartbeat?["heartbeat"] == 1_772_452_800)
            let active = try await Self.adminPut(client, 1, "status=active")
            #expect(active.status == 200)
            #expect(active.json == ["message": "Node status set."])
            let allocated = try await client.alloc(change)
            #expect(allocated.status == 201)
            let nodeID = try await Self.taskNode(client, "1")
            #expect(nodeID == 1)
        }
    }

    @Test func scenario057_statusMaintenanceRefused() async throws {
        try await withFixture { _, client in
            let reply = try await Self.adminPut(client, 1, "status=maintenance")
            #expect(reply.status == 400)
            #expect(reply.json == ["message": "Parameter status must be active or disabled."])
            let node = try await Self.node(client, 1)
            #expect(node?["status"] == "active")
        }
    }

    @Test func scenario058_interfaceQuota() async throws {
        try await withFixture { _, client in
            let reply = try await Self.adminPut(client, 1, "quota=5000&iccid=\(Self.iccid1)")
            #expect(reply.status == 200)
            #expect(reply.json == ["message": "Updated."])
            let node = try await Self.node(client, 1)
            #expect(node?["interfaces"] == [[
                "heartbeat": 0, "iccid": .string(Self.iccid1), "imei": "359000000000001", "interface": "", "mccmnc": "24001", "operator": "Telia",
                "quota_current": 5000, "quota_last_reset": 1_772_452_800, "quota_reset_date": 1_775_001_600, "quota_reset_value": 5000,
                "status": "current",
            ]])
            let journals = try await client.get("/v1/resources/1/journals")
            #expect(journals?.arrayValue?.last == ["iccid": .string(Self.iccid1), "new_value": 5000, "reason": "set by API", "timestamp": 1_772_452_800])
            #expect(journals == [
                ["iccid": .string(Self.iccid1), "new_value": 40_000_000_000, "reason": "set by API", "timestamp": 1_772_452_700],
                ["iccid": .string(Self.iccid1), "new_value": 5000, "reason": "set by API", "timestamp": 1_772_452_800],
            ])
            let interfaceJournal = try await client.get("/v1/resources/1/journals/\(Self.iccid1)")
            #expect(interfaceJournal?.arrayValue?.last == [
                "new_value": 5000, "ownerid": nil, "quota": "node_interface", "reason": "set by API", "timestamp": 1_772_452_800,
            ])
            let allocated = try await client.alloc()
            #expect(allocated.status == 201)
            let nodeID = try await Self.taskNode(client, "1")
            #expect(nodeID == 2)
        }
    }

    @Test func scenario059_interfaceQuotaErrors() async throws {
        try await withFixture { _, client in
            let unknown = try await Self.adminPut(client, 1, "quota=5000&iccid=000")
            #expect(unknown.status == 404)
            #expect(unknown.json == ["message": "Could not find interface with this ICCID."])
            let negative = try await Self.adminPut(client, 1, "quota=-1&iccid=\(Self.iccid1)")
            #expect(negative.status == 400)
            #expect(negative.json == ["message": "Parameter quota must be a non-negative integer."])
            let missing = try await Self.adminPut(client, 1, "quota=5")
            #expect(missing.status == 400)
            #expect(missing.json == ["message": "Parameters missing (quota, iccid)."])
            let unchanged = try await Self.node(client, 1)
            #expect(unchanged?["interfaces"] == [Self.node1Interface])
            let value = try await Self.adminPut(client, 1, "value=7&quota=5&iccid=\(Self.iccid1)")
            #expect(value.status == 200)
            #expect(value.json == ["message": "Updated."])
            let node = try await Self.node(client, 1)
            let interface = node?["interfaces"]?.arrayValue?.first
            #expect(interface?["quota_current"] == 7)
            #expect(interface?["quota_reset_value"] == 7)
        }
    }

    @Test func scenario060_hostname() async throws {
        try await withFixture { _, client in
            let reply = try await Self.adminPut(client, 1, "hostname=n1.example.org")
            #expect(reply.status == 200)
            #expect(reply.json == ["message": "Node hostname set."])
            let node = try await Self.node(client, 1)
            #expect(node?["hostname"] == "n1.example.org")
        }
    }

    @Test func scenario061_replaceInterfaces() async throws {
        try await withFixture { ctld, client in
            let list = #"[{"iccid": "89460000000000000099", "operator": "Telia", "quota": 1000}]"#
            let reply = try await Self.adminPut(client, 1, "interfaces=\(Self.formEncode(list))")
            #expect(reply.status == 200)
            #expect(reply.json == ["message": "Node interfaces set."])
            let node = try await Self.node(client, 1)
            #expect(node?["interfaces"] == [[
                "heartbeat": 0, "iccid": "89460000000000000099", "imei": "", "interface": "", "mccmnc": "", "operator": "Telia",
                "quota_current": 1000, "quota_last_reset": .int(Ctld.T0), "quota_reset_date": .int(Self.nextMonth), "quota_reset_value": 1000,
                "status": "current",
            ]])
            let journals = try await client.get("/v1/resources/1/journals")
            #expect(journals == [
                ["iccid": .string(Self.iccid1), "new_value": 40_000_000_000, "reason": "set by API", "timestamp": 1_772_452_700],
                ["iccid": "89460000000000000099", "new_value": 1000, "reason": "set by API", "timestamp": .int(Ctld.T0)],
            ])
            // the old interface is historic: its history stays, but the node's interface list omits it
            let oldJournal = try await client.get("/v1/resources/1/journals/\(Self.iccid1)")
            #expect(oldJournal?.arrayValue?.count == 1)
            ctld.setClock(Ctld.T0 + 5970)
            let heartbeat = try await client.hb(1)
            #expect(heartbeat["interfaces"] == [["iccid": "89460000000000000099", "quota_current": 1000]])
        }
    }

    @Test func scenario062_administrationWithoutParameters() async throws {
        try await withFixture { _, client in
            let admin = try await Self.adminPut(client, 1, "")
            #expect(admin.status == 400)
            #expect(admin.message == "Parameters missing: type\nIf you are a node, you were identified as SSL_ID aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.")
            #expect(admin.json == ["message": .string(admin.message ?? "")])
            let anonymous = try await Self.adminPut(client, 1, "", as: .anonymous)
            #expect(anonymous.status == 400)
            #expect(anonymous.message == "Parameters missing: type\nIf you are a node, you were identified as SSL_ID None.")
        }
    }

    @Test func scenario063_putCollection() async throws {
        try await withFixture { _, client in
            for caller in [Caller.anonymous, .admin] {
                let reply = try await client.call(.put, "/v1/resources", as: caller)
                #expect(reply.status == 404)
                #expect(reply.json == ["message": "Updating collection not allowed."])
            }
        }
    }

    // MARK: - Retirement

    @Test func scenario064_retireNode() async throws {
        try await withFixture { ctld, client in
            let first = try await client.alloc(["options": ["nodes": "4"]])
            #expect(first.status == 201)
            let second = try await client.alloc(["options": ["nodes": "4"], "start": 1_772_456_400])
            #expect(second.status == 201)
            ctld.setClock(Ctld.T0 + 100)
            let delivery = try await client.hb(4)
            #expect(CtldClient.taskIDs(delivery) == ["1", "2"])
            ctld.setClock(Ctld.T0 + 550)
            let started = try await client.call(.put, "/v1/schedules/1", as: .node(4), .form("status=started"))
            #expect(started.status == 200)
            ctld.setClock(Ctld.T0 + 600)
            let retire = try await client.call(.delete, "/v1/resources/4", as: .admin)
            #expect(retire.status == 200)
            #expect(retire.json == ["aborted": 1, "canceled": 1, "message": "Node 4 retired."])
            let task1 = try await client.get("/v1/schedules/1")
            let task2 = try await client.get("/v1/schedules/2")
            #expect(task1?["status"] == "aborted; node retired")
            #expect(task2?["status"] == "canceled; node retired")
            let alice = try await client.get("/v1/users/2")
            #expect(alice?.arrayValue?.first?["quota_time"] == 8_639_400)
            let journal = try await client.get("/v1/users/2/journals")
            #expect(journal?.arrayValue?.last == [
                "new_value": 8_639_400, "ownerid": 2, "quota": "quota_owner_time",
                "reason": "experiment #2 refunded 600 seconds runtime (1 tasks canceled before start)", "timestamp": .int(Ctld.T0 + 600),
            ])
            let ids = try await Self.nodeIDs(client)
            #expect(ids == [1, 2, 3])
            let retired = try await client.get("/v1/resources/4")
            #expect(retired == [])

            ctld.setClock(Ctld.T0 + 660)
            let notices = try await client.hb(4)
            #expect(notices.status == 200)
            #expect(CtldClient.taskIDs(notices) == ["1", "2"])
            let statuses = notices["tasks"]?.arrayValue?.map { $0["status"] }
            #expect(statuses == ["aborted; node retired", "canceled; node retired"])
            let next = try await client.hb(4)
            #expect(next["tasks"] == [])
            let again = try await client.call(.delete, "/v1/resources/4", as: .admin)
            #expect(again.status == 200)
            #expect(again.json == ["aborted": 0, "canceled": 0, "message": "Node 4 retired."])
        }
    }

    @Test func scenario065_retireErrors() async throws {
        try await withFixture { _, client in
            let unknown = try await client.call(.delete, "/v1/resources/99", as: .admin)
            #expect(unknown.status == 404)
            #expect(unknown.json == ["message": "Could not find resource with this id."])
            let user = try await client.call(.delete, "/v1/resources/1", as: .alice)
            #expect(user.status == 401)
            #expect(user.json == ["message": "You'd have to be an admin to do that"])
            let ids = try await Self.nodeIDs(client)
            #expect(ids == [1, 2, 3, 4])
        }
    }

    // MARK: - Node schedules and experiments

    static let hiddenAlloc: [String: JSONValue] = ["nodetypes": "country:no", "options": ["_secret": "s3cr3t", "foo": "bar"]]

    static func node2Task(hidden: Bool) -> JSONValue {
        var options: [String: JSONValue] = ["foo": "bar", "script": .string(S)]
        if hidden { options["_secret"] = "s3cr3t" }
        return [
            "deployment_options": .object(options), "expid": 1, "id": "1", "nodeid": 2, "shared": 0,
            "start": .int(s), "status": "defined", "stop": .int(e),
        ]
    }

    @Test func scenario066_nodeSchedulesHiddenOptions() async throws {
        try await withFixture { _, client in
            let allocated = try await client.alloc(Self.hiddenAlloc)
            #expect(allocated.status == 201)
            let asAlice = try await client.get("/v1/resources/2/schedules", as: .alice)
            #expect(asAlice == [Self.node2Task(hidden: false)])
            let asNode2 = try await client.get("/v1/resources/2/schedules", as: .node(2))
            #expect(asNode2 == [Self.node2Task(hidden: true)])
            let asNode1 = try await client.get("/v1/resources/2/schedules", as: .node(1))
            #expect(asNode1 == [Self.node2Task(hidden: false)])
        }
    }

    @Test func scenario067_nodeExperimentsAndAll() async throws {
        try await withFixture { _, client in
            let allocated = try await client.alloc(Self.hiddenAlloc)
            #expect(allocated.status == 201)
            let summary: JSONValue = [
                "id": 1, "name": "e", "options": [:], "ownerid": 2, "script": .string(Self.S), "start": .int(Self.s),
                "status": "active", "stop": .int(Self.e), "summary": ["defined": 1], "type": "country:no",
            ]
            let experiments = try await client.get("/v1/resources/2/experiments")
            #expect(experiments == [summary])
            let byID = try await client.get("/v1/experiments/1")
            #expect(byID == summary)
            let all = try await client.get("/v1/resources/2/all")
            #expect(all == ["experiments": [summary], "schedules": [Self.node2Task(hidden: false)]])
            let allAsNode = try await client.get("/v1/resources/2/all", as: .node(2))
            #expect(allAsNode == ["experiments": [summary], "schedules": [Self.node2Task(hidden: true)]])
            let unknown = try await client.get("/v1/resources/99/all")
            #expect(unknown == ["experiments": [], "schedules": []])
            let otherNode = try await client.get("/v1/resources/1/experiments")
            #expect(otherNode == [])
        }
    }
}

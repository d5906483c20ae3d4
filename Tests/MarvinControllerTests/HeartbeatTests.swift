import Foundation
import HTTPTypes
import HummingbirdTesting
import MarvinCore
import NIOCore
import Testing

@testable import MarvinController

/// A test client that forwards to another and keeps every answer to `PUT <path>`, so a test
/// can see what the fixture's own requests were answered.
final class RecordingTestClient: TestClientProtocol, @unchecked Sendable {
    let base: any TestClientProtocol
    let recordedPath: String
    private let lock = NSLock()
    private var recorded: [String] = []

    init(base: any TestClientProtocol, recording path: String) {
        self.base = base
        self.recordedPath = path
    }

    var port: Int? { base.port }

    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        let response = try await base.executeRequest(uri: uri, method: method, headers: headers, body: body)
        if method == .put, uri == recordedPath {
            lock.withLock { recorded.append(String(buffer: response.body)) }
        }
        return response
    }

    var answers: [String] { lock.withLock { recorded } }
}

/// §11.5 Heartbeat.
@Suite struct HeartbeatTests {
    static let S = CtldClient.S
    static let s: Int64 = 1_772_453_300
    static let e: Int64 = 1_772_453_900
    static let iccid1 = "89460000000000000001"

    static func node(_ client: CtldClient, _ id: Int) async throws -> JSONValue? {
        try await client.get("/v1/resources/\(id)", as: .alice)?.arrayValue?.first
    }

    static func formEncode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
    }

    @Test func scenario068_interfaceList() async throws {
        // The fixture's own heartbeat (the first after start) carried the interface list.
        let ctld = try Ctld()
        defer { try? FileManager.default.removeItem(at: ctld.directory) }
        try await ctld.run { client in
            let recorder = RecordingTestClient(base: client.client, recording: "/v1/resources/1")
            try await FixtureF.build(ctld, CtldClient(client: recorder))
            let answers = recorder.answers.map { try? JSONParser.parse($0) }
            #expect(answers == [["interfaces": [["iccid": .string(Self.iccid1), "quota_current": 40_000_000_000]], "tasks": []]])

            let reply = try await client.hb(1)
            #expect(reply.status == 200)
            #expect(reply.json == ["interfaces": [:], "tasks": []])
            let node = try await Self.node(client, 1)
            #expect(node?["heartbeat"] == 1_772_452_800)

            // the last list was sent at T0 − 30: 5999 s later it is not due yet, 6000 s later it is
            ctld.setClock(Ctld.T0 + 5969)
            let early = try await client.hb(1)
            #expect(early["interfaces"] == [:])
            ctld.setClock(Ctld.T0 + 5970)
            let due = try await client.hb(1)
            #expect(due.json == ["interfaces": [["iccid": .string(Self.iccid1), "quota_current": 40_000_000_000]], "tasks": []])
            let after = try await client.hb(1)
            #expect(after["interfaces"] == [:])
        }
    }

    @Test func scenario069_wrongNode() async throws {
        try await withFixture { _, client in
            let other = try await client.call(.put, "/v1/resources/1", as: .node(2), .form(""))
            #expect(other.status == 401)
            #expect(other.json == ["message": "Wrong user to update this status. (Node 2)"])
            let padded = try await client.call(.put, "/v1/resources/01", as: .node(1), .form(""))
            #expect(padded.status == 401)
            #expect(padded.json == ["message": "Wrong user to update this status. (Node 1)"])
            let created = try await client.call(.post, "/v1/users", as: .admin, .form("name=Node 9&ssl=\(String(repeating: "9", count: 40))&role=node"))
            #expect(created.status == 201)
            let unregistered = try await client.call(.put, "/v1/resources/9", as: .node(9), .form(""))
            #expect(unregistered.status == 404)
            #expect(unregistered.json == ["message": "Could not find resource with this id."])
            // the refused heartbeats changed nothing
            let node = try await Self.node(client, 1)
            #expect(node?["heartbeat"] == 1_772_452_770)
        }
    }

    @Test func scenario070_maintenance() async throws {
        try await withFixture { _, client in
            let on = try await client.hb(1, "maintenance=1")
            #expect(on.status == 200)
            let node = try await Self.node(client, 1)
            #expect(node?["status"] == "maintenance")
            let change: [String: JSONValue] = ["options": ["nodes": "1"]]
            let refused = try await client.alloc(change)
            #expect(refused.status == 409)
            #expect(refused.json == CtldClient.sc1(0, 1, 1, Self.s, Self.e, selection: ["1"]))
            let activity = try await client.get("/v1/backend/activity", as: .alice)
            #expect(activity?["resources"]?["maintenance"] == [1])
            let off = try await client.hb(1, "maintenance=0")
            #expect(off.status == 200)
            let active = try await Self.node(client, 1)
            #expect(active?["status"] == "active")
            let allocated = try await client.alloc(change)
            #expect(allocated.status == 201)
        }
    }

    @Test func scenario071_interfaceReport() async throws {
        try await withFixture { _, client in
            let report = #"[{"iccid": "89460000000000000001", "host": 1000, "opname": "op0"}]"#
            let reply = try await client.hb(1, "interfaces=\(Self.formEncode(report))")
            #expect(reply.status == 200)
            let node = try await Self.node(client, 1)
            #expect(node?["interfaces"] == [[
                "heartbeat": 1_772_452_800, "iccid": .string(Self.iccid1), "imei": "359000000000001", "interface": "op0", "mccmnc": "24001",
                "operator": "Telia", "quota_current": 39_999_999_000, "quota_last_reset": 1_772_452_700, "quota_reset_date": 1_775_001_600,
                "quota_reset_value": 40_000_000_000, "status": "current",
            ]])
        }
    }

    @Test func scenario072_interfacesNeverMatchedAcrossNodes() async throws {
        try await withFixture { _, client in
            let report = #"[{"iccid": "89460000000000000001", "host": 5}]"#
            let reply = try await client.hb(2, "interfaces=\(Self.formEncode(report))")
            #expect(reply.status == 200)
            let node1 = try await Self.node(client, 1)
            let node1Interface = node1?["interfaces"]?.arrayValue?.first
            #expect(node1?["interfaces"]?.arrayValue?.count == 1)
            #expect(node1Interface?["quota_current"] == 40_000_000_000)
            #expect(node1Interface?["heartbeat"] == 0)
            let node2 = try await Self.node(client, 2)
            let interfaces = node2?["interfaces"]?.arrayValue ?? []
            #expect(interfaces.map { $0["iccid"] } == [.string(Self.iccid1), "89470000000000000002"])
            #expect(interfaces.first == [
                "heartbeat": 1_772_452_800, "iccid": .string(Self.iccid1), "imei": "", "interface": "", "mccmnc": "", "operator": "",
                "quota_current": -5, "quota_last_reset": 0, "quota_reset_date": 0, "quota_reset_value": 0, "status": "current",
            ])
        }
    }

    @Test func scenario073_macInterface() async throws {
        try await withFixture { _, client in
            let report = #"[{"mac": "00:11:22:33:44:55", "opname": "eth0"}]"#
            let reply = try await client.hb(3, "interfaces=\(Self.formEncode(report))")
            #expect(reply.status == 200)
            let node = try await Self.node(client, 3)
            let interfaces = node?["interfaces"]?.arrayValue ?? []
            #expect(interfaces.count == 2)
            #expect(interfaces.first == [
                "heartbeat": 1_772_452_800, "iccid": "", "imei": "00:11:22:33:44:55", "interface": "eth0", "mccmnc": "", "operator": "",
                "quota_current": 0, "quota_last_reset": 0, "quota_reset_date": 0, "quota_reset_value": 0, "status": "current",
            ])
        }
    }

    @Test func scenario074_parameterErrors() async throws {
        try await withFixture { _, client in
            for form in ["interfaces=notjson", "interfaces=\(Self.formEncode(#"{"iccid": "x"}"#))"] {
                let reply = try await client.hb(1, form)
                #expect(reply.status == 400, "\(form)")
                #expect(reply.json == ["message": "Parameter interfaces must be a JSON list."], "\(form)")
            }
            for form in ["limit=-1", "limit=abc"] {
                let reply = try await client.hb(1, form)
                #expect(reply.status == 400, "\(form)")
                #expect(reply.json == ["message": "Parameter limit must be a non-negative integer."], "\(form)")
            }
            // refused heartbeats leave no trace (one transaction)
            let node = try await Self.node(client, 1)
            #expect(node?["heartbeat"] == 1_772_452_770)
        }
    }

    // MARK: - Task delivery

    static let hiddenAlloc: [String: JSONValue] = ["nodetypes": "country:se,model:apu2", "options": ["_k": "v"]]

    static func task1(status: JSONValue, shared: JSONValue = 0) -> JSONValue {
        [
            "deployment_options": ["_k": "v", "script": .string(S)], "expid": 1, "id": "1", "nodeid": 1, "shared": shared,
            "start": .int(s), "status": status, "stop": .int(e),
        ]
    }

    /// Scenario 75 up to the first heartbeat: task 1 on node 1 delivered at T0 + 10.
    static func deliverTask1(_ ctld: Ctld, _ client: CtldClient) async throws -> Reply {
        let allocated = try await client.alloc(hiddenAlloc)
        #expect(allocated.status == 201)
        ctld.setClock(Ctld.T0 + 10)
        return try await client.hb(1)
    }

    @Test func scenario075_delivery() async throws {
        try await withFixture { ctld, client in
            let first = try await Self.deliverTask1(ctld, client)
            #expect(first.status == 200)
            #expect(first["tasks"] == [Self.task1(status: "defined")])
            let stored = try await client.get("/v1/schedules/1", as: .alice)
            #expect(stored?["status"] == "requested")
            #expect(stored?["deployment_options"] == ["script": .string(Self.S)])
            let next = try await client.hb(1)
            #expect(next["tasks"] == [Self.task1(status: "requested")])
        }
    }

    @Test func scenario076_limit() async throws {
        try await withFixture { _, client in
            for start: Int64 in [1_772_453_300, 1_772_454_800, 1_772_456_300, 1_772_457_800] {
                let reply = try await client.alloc(["options": ["nodes": "1"], "start": .int(start)])
                #expect(reply.status == 201, "\(start)")
            }
            let defaultLimit = try await client.hb(1)
            #expect(CtldClient.taskIDs(defaultLimit) == ["1", "2", "3"])
            let fourth = try await client.get("/v1/schedules/4", as: .alice)
            #expect(fourth?["status"] == "defined")
            let third = try await client.get("/v1/schedules/3", as: .alice)
            #expect(third?["status"] == "requested")
            let one = try await client.hb(1, "limit=1")
            #expect(CtldClient.taskIDs(one) == ["1"])
            let unlimited = try await client.hb(1, "limit=0")
            #expect(CtldClient.taskIDs(unlimited) == ["1", "2", "3", "4"])
        }
    }

    @Test func scenario077_prefetchWindow() async throws {
        try await withFixture { ctld, client in
            let allocated = try await client.alloc(["options": ["nodes": "1"], "start": 1_772_542_800])
            #expect(allocated.status == 201)
            let now = try await client.hb(1)
            #expect(now["tasks"] == [])
            ctld.setClock(Ctld.T0 + 3601)
            let later = try await client.hb(1)
            #expect(CtldClient.taskIDs(later) == ["1"])
        }
    }

    @Test func scenario078_finishedNotDelivered() async throws {
        try await withFixture { ctld, client in
            let first = try await Self.deliverTask1(ctld, client)
            #expect(CtldClient.taskIDs(first) == ["1"])
            let finished = try await client.call(.put, "/v1/schedules/1", as: .node(1), .form("status=finished"))
            #expect(finished.status == 200)
            let next = try await client.hb(1)
            #expect(next["tasks"] == [])
        }
    }

    @Test func scenario079_abortNotice() async throws {
        try await withFixture { ctld, client in
            let first = try await Self.deliverTask1(ctld, client)
            #expect(CtldClient.taskIDs(first) == ["1"])
            let deleted = try await client.call(.delete, "/v1/experiments/1", as: .alice)
            #expect(deleted.status == 200)
            #expect(deleted.json == ["aborted": 1, "canceled": 0, "message": "Ok. Canceled or aborted open scheduling entries"])
            let notice = try await client.hb(1)
            #expect(notice["tasks"] == [Self.task1(status: "aborted", shared: 1)])
            let once = try await client.hb(1)
            #expect(once["tasks"] == [])
            let known = try await client.hb(1, "known_tasks=1")
            #expect(known["tasks"] == [Self.task1(status: "aborted", shared: 1)])
            let unknown = try await client.hb(1, "known_tasks=99")
            #expect(unknown["tasks"] == [])
        }
    }

    @Test func scenario080_cancelNotice() async throws {
        try await withFixture { _, client in
            let allocated = try await client.alloc(["nodecount": 2, "nodetypes": "type:deployed"])
            #expect(allocated.status == 201)
            let task1 = try await client.get("/v1/schedules/1", as: .alice)
            let task2 = try await client.get("/v1/schedules/2", as: .alice)
            #expect(task1?["nodeid"] == 1)
            #expect(task2?["nodeid"] == 2)
            let delivered = try await client.hb(1)
            #expect(CtldClient.taskIDs(delivered) == ["1"])
            let deleted = try await client.call(.delete, "/v1/experiments/1", as: .alice)
            #expect(deleted.status == 200)
            #expect(deleted.json == ["aborted": 1, "canceled": 1, "message": "Ok. Canceled or aborted open scheduling entries"])
            let never = try await client.hb(2)
            #expect(never["tasks"] == [])
            let known = try await client.hb(2, "known_tasks=2")
            #expect(CtldClient.taskIDs(known) == ["2"])
            #expect(known["tasks"]?.arrayValue?.first?["status"] == "canceled")
        }
    }

    @Test func scenario081_jsonHeartbeat() async throws {
        try await withFixture { ctld, client in
            let body: JSONValue = ["maintenance": 0, "limit": 3, "known_tasks": [], "interfaces": []]
            let reply = try await client.call(.put, "/v1/resources/1", as: .node(1), .json(body))
            #expect(reply.status == 200)
            #expect(reply.json == ["interfaces": [:], "tasks": []])
            let node = try await Self.node(client, 1)
            #expect(node?["heartbeat"] == 1_772_452_800)
            #expect(node?["status"] == "active")
            // with a task: the same answer as the urlencoded heartbeat would give
            let allocated = try await client.alloc(Self.hiddenAlloc)
            #expect(allocated.status == 201)
            ctld.setClock(Ctld.T0 + 10)
            let withTask = try await client.call(.put, "/v1/resources/1", as: .node(1), .json(body))
            #expect(withTask.json == ["interfaces": [:], "tasks": [Self.task1(status: "defined")]])
        }
    }
}

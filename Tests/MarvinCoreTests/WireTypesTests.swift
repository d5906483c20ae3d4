import Testing

@testable import MarvinCore

/// The wire types read back what they write, and name what they cannot read.
@Suite struct WireTypesTests {
    @Test func heartbeatAnswerRoundTrip() throws {
        let body = try JSONParser.parse(#"""
            {"interfaces": [{"iccid": "89460000000000000001", "quota_current": 40000000000}],
             "tasks": [{"deployment_options": {"_k": "v", "script": "docker.monroe-system.eu/monroe/ping:latest"},
                        "expid": 1, "id": "1", "nodeid": 1, "shared": 0, "start": 1772453300, "status": "defined", "stop": 1772453900}]}
            """#)
        let answer = try HeartbeatAnswer(json: body)
        #expect(answer.interfaces?.first?.quotaCurrent == 40_000_000_000)
        #expect(answer.tasks.first?.script == "docker.monroe-system.eu/monroe/ping:latest")
        #expect(answer.tasks.first?.status.code == .defined)
        #expect(answer.json == body)
        let quiet = try HeartbeatAnswer(json: ["interfaces": [:], "tasks": []])
        #expect(quiet.interfaces == nil)
        #expect(quiet.json == ["interfaces": [:], "tasks": []])
    }

    @Test func nodeObjectSeparatesTags() throws {
        let body: JSONValue = ["id": 1, "hostname": "node1", "status": "active", "heartbeat": 5, "interfaces": [], "type": "deployed", "country": "se"]
        let node = try NodeObject(json: body)
        #expect(node.tags == ["type": "deployed", "country": "se"])
        #expect(node.json == body)
    }

    @Test func errorsNameTheKey() {
        #expect(throws: WireError("missing quota_time")) {
            try UserObject(json: ["id": 1, "name": "a", "role": "user", "project": "", "quota_data": 1, "quota_storage": 1])
        }
        #expect(throws: WireError("experiment must be an integer")) {
            try AllocationAnswer(json: ["experiment": "1", "intervals": 1, "nodecount": 1])
        }
    }
}

import Crypto
import Foundation
import HummingbirdTesting
import Logging
import MarvinCore
import Synchronization
import Testing

@testable import MarvinController

/// §11.6 Allocation (`POST /v1/experiments`, §5).
@Suite struct AllocationTests {
    typealias C = CtldClient
    static let start: Int64 = 1_772_453_300
    static let stop: Int64 = 1_772_453_900
    static let sc2Timing: JSONValue = [
        "code": "sc2", "message": "Could not allocate. Start time and duration must be in integer seconds (unix timestamps), nodecount an integer > 0",
    ]

    @Test func scenario082_allocateOneNode() async throws {
        try await withFixture { _, client in
            let reply = try await client.alloc(["nodetypes": "type:deployed"])
            #expect(reply.status == 201)
            #expect(reply.headers[.location] == "/schedules/1")
            #expect(reply.json == ["experiment": 1, "intervals": 1, "message": "Allocated task 1.", "nodecount": 1])
            let experiment = try await client.get("/v1/experiments/1/schedules")
            #expect(experiment == [
                "id": 1, "name": "e", "options": [:], "ownerid": 2, "script": .string(C.S), "start": .int(Self.start), "status": "active",
                "stop": .int(Self.stop), "type": "type:deployed",
                "schedules": ["1": ["nodeid": 1, "start": .int(Self.start), "status": "defined", "stop": .int(Self.stop)]],
            ])
            let journal = try await client.get("/v1/users/2/journals")?.arrayValue ?? []
            #expect(Array(journal.suffix(3)) == [
                ["new_value": 8_639_400, "ownerid": 2, "quota": "quota_owner_time", "timestamp": .int(Ctld.T0),
                 "reason": "experiment #1 requested 600 seconds runtime (1 nodes, 1 intervals)"],
                ["new_value": 200_000_000_000, "ownerid": 2, "quota": "quota_owner_storage", "timestamp": .int(Ctld.T0),
                 "reason": "experiment #1 requested 0 bytes (1 nodes, 1 intervals)"],
                ["new_value": 100_000_000_000, "ownerid": 2, "quota": "quota_owner_data", "timestamp": .int(Ctld.T0),
                 "reason": "experiment #1 requested 0 bytes (1 nodes, 1 intervals, 1 interfaces)"],
            ])
            #expect(journal.count == 6)
        }
    }

    @Test func scenario083_fullThenRefused() async throws {
        try await withFixture { _, client in
            let first = try await client.alloc(["nodetypes": "type:deployed"])
            #expect(first.status == 201)
            let second = try await client.alloc(["nodetypes": "type:deployed"])
            #expect(second.status == 201)
            #expect(second["experiment"] == 2)
            #expect(try await client.get("/v1/schedules/2")?["nodeid"] == 2)
            let third = try await client.alloc(["nodetypes": "type:deployed"])
            #expect(third.status == 409)
            #expect(third.json == C.sc1(0, 1, 1, Self.start, Self.stop))
            let missing = try await client.call(.get, "/v1/experiments/3", as: .alice)
            #expect(missing.status == 404)
            #expect(try await client.get("/v1/users/2")?.arrayValue?.first?["quota_time"] == 8_638_800)
            #expect((try await client.get("/v1/users/2/journals")?.arrayValue ?? []).count == 9)
        }
    }

    @Test func scenario084_padding() async throws {
        try await withFixture { _, client in
            let busy = try await client.alloc(["nodetypes": "type:deployed"])
            #expect(busy.status == 201)
            let tooClose = try await client.alloc(["options": ["nodes": "1"], "start": 1_772_454_020])
            #expect(tooClose.status == 409)
            #expect(tooClose.json == C.sc1(0, 1, 1, 1_772_454_020, 1_772_454_620, selection: ["1"]))
            let after = try await client.alloc(["options": ["nodes": "1"], "start": 1_772_454_021])
            #expect(after.status == 201)
            #expect(try await client.get("/v1/schedules/2")?["nodeid"] == 1)
        }
        try await withFixture { _, client in
            let later = try await client.alloc(["options": ["nodes": "1"], "start": 1_772_454_800])
            #expect(later.status == 201)
            let tooClose = try await client.alloc(["options": ["nodes": "1"], "start": 1_772_453_580, "duration": 1100])
            #expect(tooClose.status == 409)
            #expect(tooClose.json == C.sc1(0, 1, 1, 1_772_453_580, 1_772_454_680, selection: ["1"]))
            let before = try await client.alloc(["options": ["nodes": "1"], "start": 1_772_453_579, "duration": 1100])
            #expect(before.status == 201)
            #expect(try await client.get("/v1/schedules/2")?["nodeid"] == 1)
        }
    }

    @Test func scenario085_parametersMissing() async throws {
        try await withFixture { _, client in
            let reply = try await client.call(.post, "/v1/experiments", as: .alice, .json(["name": "x", "script": "S"]))
            #expect(reply.status == 400)
            #expect(reply.json == [
                "message": "Parameters missing (required: ['name', 'nodecount', 'nodetypes', 'script'] | optional: ['options', 'start', 'stop', 'duration'], provided: ['name', 'script'])."
            ])
        }
    }

    @Test func scenario086_onlyUsers() async throws {
        try await withFixture { _, client in
            for caller in [Caller.admin, .node(1), .anonymous] {
                let reply = try await client.alloc(as: caller)
                #expect(reply.status == 401)
                #expect(reply.json == ["message": "You'd have to be a user to do that."])
            }
            let listed = try await client.get("/v1/experiments")
            #expect(listed == [])
        }
    }

    @Test func scenario087_integerChecks() async throws {
        try await withFixture { _, client in
            for change: [String: JSONValue] in [["start": "abc"], ["nodecount": 0], ["duration": .double(600.5)]] {
                let reply = try await client.alloc(change)
                #expect(reply.status == 409, "\(change)")
                #expect(reply.json == Self.sc2Timing, "\(change)")
            }
            let text = try await client.alloc(["nodecount": "1"])
            #expect(text.status == 201)
            #expect(text["experiment"] == 1)
        }
    }

    @Test func scenario088_urlencoded() async throws {
        try await withFixture { _, client in
            let script = "docker.monroe-system.eu%2Fmonroe%2Fping%3Alatest"
            let first = try await client.call(
                .post, "/v1/experiments", as: .alice,
                .form("name=u&nodecount=1&nodetypes=type%3Adeployed&script=\(script)&start=1772453300&duration=600"))
            #expect(first.status == 201)
            let task = try await client.get("/v1/schedules/1")
            #expect(task?["nodeid"] == 1)
            #expect(task?["start"] == .int(Self.start))
            #expect(task?["stop"] == .int(Self.stop))
            let second = try await client.call(
                .post, "/v1/experiments", as: .alice,
                .form("name=u&nodecount=1&nodetypes=type%3Adeployed&script=\(script)&start=1772453300&stop=1772453900"))
            #expect(second.status == 201)
            let experiment = try await client.get("/v1/experiments/2")
            #expect(experiment?["start"] == .int(Self.start))
            #expect(experiment?["stop"] == .int(Self.stop))
            #expect(experiment?["name"] == "u")
            #expect(experiment?["script"] == .string(C.S))
            #expect(try await client.get("/v1/schedules/2")?["nodeid"] == 2)
            #expect(try await client.get("/v1/users/2")?.arrayValue?.first?["quota_time"] == 8_638_800)
        }
    }

    @Test func scenario089_threeScripts() async throws {
        try await withFixture { _, client in
            let reply = try await client.alloc(["script": .string([C.S, C.S, C.S].joined(separator: "|"))])
            #expect(reply.status == 409)
            #expect(reply.json == ["code": "sc2", "message": "Could not allocate. Only two scripts allowed in script parameter"])
        }
    }

    @Test func scenario090_optionDecoding() async throws {
        try await withFixture { _, client in
            let broken = try await client.alloc(["options": "a&b"])
            #expect(broken.status == 409)
            #expect(broken.json == [
                "code": "sc2",
                "message": "Could not allocate. options string could not be parsed. Expected a JSON object or key=value pairs separated by &.",
            ])
            let pairs = try await client.alloc(["options": "storage=100&traffic=200"])
            #expect(pairs.status == 201)
            let experiment = try await client.get("/v1/experiments/1")
            #expect(experiment?["options"] == ["storage": 100, "traffic": 200])
            let task = try await client.get("/v1/schedules/1")
            #expect(task?["deployment_options"] == ["script": .string(C.S), "storage": "100", "traffic": "200"])
            let jsonText = try await client.alloc(["options": "{\"storage\": 100}"])
            #expect(jsonText.status == 201)
            #expect(try await client.get("/v1/experiments/2")?["options"] == ["storage": 100])
        }
    }

    @Test func scenario091_optionValues() async throws {
        try await withFixture { _, client in
            let storage = try await client.alloc(["options": ["storage": -5]])
            #expect(storage.status == 400)
            #expect(storage.json == ["message": "Option storage must be a non-negative integer."])
            let period = try await client.alloc(["options": ["recurrence": "simple", "period": "x"]])
            #expect(period.status == 400)
            #expect(period.json == ["message": "Option period must be a non-negative integer."])
        }
    }

    @Test func scenario092_internalOption() async throws {
        try await withFixture { _, client in
            let reply = try await client.alloc(["options": ["internal": 1]])
            #expect(reply.status == 409)
            #expect(reply.json == C.refused("option internal not allowed"))
        }
        let alice = String(repeating: "b", count: 40)
        try await withFixture(extraYAML: "policy:\n  internal_fingerprints: [\"\(alice)\"]") { _, client in
            let reply = try await client.alloc(["options": ["internal": 1]])
            #expect(reply.status == 201)
        }
    }

    @Test func scenario093_storageAndTrafficLimits() async throws {
        try await withFixture { _, client in
            let storage = try await client.alloc(["options": ["storage": 1_048_576_001]])
            #expect(storage.status == 409)
            #expect(storage.json == ["max_storage": 1_048_576_000, "message": "Could not allocate. Too much storage requested.", "requested": 1_048_576_001])
            let maximum = try await client.alloc(["options": ["storage": 1_048_576_000]])
            #expect(maximum.status == 201)
            let traffic = try await client.alloc(["options": ["traffic": 3_145_728_001]])
            #expect(traffic.status == 409)
            #expect(traffic.json == ["max_data": 3_145_728_000, "message": "Could not allocate. Requested data quota too high.", "requested": 3_145_728_001])
        }
    }

    @Test func scenario094_filterSyntax() async throws {
        try await withFixture { _, client in
            let reply = try await client.alloc(["nodetypes": "deployed"])
            #expect(reply.status == 400)
            #expect(reply.json == ["message": "nodetype expression could not be parsed. 'deployed' is not of the form tag:value."])
        }
    }

    @Test func scenario095_filters() async throws {
        let cases: [(nodetypes: String, nodecount: Int64, nodes: [JSONValue])] = [
            ("country:se", 2, [1, 3]),
            ("country:se,-model:apu1", 1, [1]),
            ("type:testing|country:no", 3, [2, 3, 4]),
            ("type:testing,country:es|country:no,-model:apu2d|model:apu1", 1, [4]),
        ]
        for item in cases {
            try await withFixture { _, client in
                let reply = try await client.alloc(["nodetypes": .string(item.nodetypes), "nodecount": .int(item.nodecount)])
                #expect(reply.status == 201, "\(item.nodetypes)")
                let tasks = try await client.get("/v1/experiments/1/schedules")?["schedules"]?.objectValue ?? [:]
                let nodes: [JSONValue?] = (1...item.nodes.count).map { tasks[String($0)]?["nodeid"] }
                #expect(nodes == item.nodes.map(Optional.some), "\(item.nodetypes)")
                #expect(tasks.count == item.nodes.count)
            }
        }
        try await withFixture { _, client in
            let reply = try await client.alloc(["nodetypes": "country:se", "nodecount": 3])
            #expect(reply.status == 409)
            #expect(reply.json == C.sc1(2, 3, 1, Self.start, Self.stop))
        }
    }

    @Test func scenario096_scriptCharacters() async throws {
        try await withFixture { _, client in
            for script in ["docker.monroe-system.eu/x;reboot", "docker.monroe-system.eu/$(id)"] {
                let reply = try await client.alloc(["script": .string(script)])
                #expect(reply.status == 409)
                #expect(reply.json == C.refused("Container URL contains invalid characters"), "\(script)")
            }
        }
    }

    @Test func scenario097_untrustedScripts() async throws {
        try await withFixture { _, client in
            let refusal = C.refused("Deployed nodes can only schedule experiments hosted by docker.monroe-system.eu")
            for script in [C.U, "docker.monroe-system.eu.evil.com/x:1", "registry.example.org/llreletll/x:1"] {
                let reply = try await client.alloc(["script": .string(script), "nodetypes": "type:deployed"])
                #expect(reply.status == 409, "\(script)")
                #expect(reply.json == refusal, "\(script)")
            }
            let untrusted = try await client.alloc(["script": .string(C.U)])
            #expect(untrusted.status == 201)
            #expect(try await client.get("/v1/schedules/1")?["nodeid"] == 3)
            let https = try await client.alloc(["script": "https://docker.monroe-system.eu/monroe/ping:latest", "nodetypes": "type:deployed"])
            #expect(https.status == 201)
            #expect(try await client.get("/v1/schedules/2")?["nodeid"] == 1)
        }
        try await withFixture { _, client in
            let reply = try await client.alloc(["script": .string(C.U), "options": ["nodes": "1,3"]])
            #expect(reply.status == 201)
            #expect(try await client.get("/v1/schedules/1")?["nodeid"] == 3)
        }
    }

    @Test func scenario098_timeRules() async throws {
        try await withFixture { _, client in
            let cases: [([String: JSONValue], String)] = [
                (["start": 1_772_452_830], "Tasks may not be scheduled immediately or in the past (60 second delay)."),
                (["start": -5], "Tasks may not be scheduled immediately or in the past (60 second delay)."),
                (["duration": 30], "Tasks must run for a minimum of 60 seconds."),
                (["duration": 90001], "Tasks may not run for more than 90000 seconds."),
                (["start": 1_775_908_801], "Tasks may not run be scheduled more than 3456000 seconds in advance."),
            ]
            for (change, reason) in cases {
                let reply = try await client.alloc(change)
                #expect(reply.status == 409, "\(change)")
                #expect(reply.json == C.refused(reason), "\(change)")
            }
        }
        try await withFixture(extraYAML: "policy:\n  lead_time: 120") { _, client in
            let reply = try await client.alloc(["start": 1_772_452_900])
            #expect(reply.status == 409)
            #expect(reply.json == C.refused("Tasks may not be scheduled immediately or in the past (120 second delay)."))
        }
    }

    @Test func scenario099_maintenance() async throws {
        try await withFixture { _, client in
            let touching = try await client.alloc(["start": 1_772_486_700])
            #expect(touching.status == 409)
            #expect(touching.json == C.sc1(0, 1, 1, 1_772_486_700, 1_772_487_300))
            #expect(touching.message == "Could not allocate. Only 0/1 nodes are available during interval 1 (2026-03-02T21:25:00 to 2026-03-02T21:35:00).")
            let before = try await client.alloc(["start": 1_772_486_400])
            #expect(before.status == 201)
            let after = try await client.alloc(["start": 1_772_488_800])
            #expect(after.status == 201)
        }
    }

    @Test func scenario100_crossingMidnight() async throws {
        try await withFixture { _, client in
            let over = try await client.alloc(["start": 1_772_492_400, "duration": 40000])
            #expect(over.status == 409)
            #expect(over.json == C.sc1(0, 1, 1, 1_772_492_400, 1_772_532_400))
            let exact = try await client.alloc(["start": 1_772_492_400, "duration": 37800])
            #expect(exact.status == 201)
        }
    }

    /// The spec calls 1772495400 "23:40–23:50", but it is 23:50 UTC; the evident intent is an
    /// interval ending exactly at the window start, i.e. start 1772494800 (23:40).
    @Test func scenario101_configuredWindows() async throws {
        try await withFixture(extraYAML: "policy:\n  maintenance_windows: [\"23:50-00:10\"]") { _, client in
            let inside = try await client.alloc(["start": 1_772_495_700])
            #expect(inside.status == 409)
            #expect(inside.json == C.sc1(0, 1, 1, 1_772_495_700, 1_772_496_300))
            let windowEnd = try await client.alloc(["start": 1_772_496_600])
            #expect(windowEnd.status == 201)
            let beforeWindow = try await client.alloc(["start": 1_772_494_800])
            #expect(beforeWindow.status == 201)
            let defaultWindowGone = try await client.alloc(["start": 1_772_486_700])
            #expect(defaultWindowGone.status == 201)
        }
    }

    @Test func scenario102_asapSearch() async throws {
        try await withFixture { _, client in
            for _ in 0..<2 {
                let reply = try await client.alloc(["nodetypes": "type:deployed"])
                #expect(reply.status == 201)
            }
            let asap = try await client.alloc(["nodetypes": "type:deployed", "start": 0])
            #expect(asap.status == 201)
            #expect(asap.json == ["experiment": 3, "intervals": 1, "message": "Allocated task 3.", "nodecount": 1])
            let experiment = try await client.get("/v1/experiments/3/schedules")
            #expect(experiment?["start"] == 1_772_454_021)
            #expect(experiment?["stop"] == 1_772_454_621)
            #expect(experiment?["schedules"] == ["3": ["nodeid": 1, "start": 1_772_454_021, "status": "defined", "stop": 1_772_454_621]])
        }
    }

    @Test func scenario103_asapFailure() async throws {
        try await withFixture { _, client in
            let reply = try await client.alloc(["nodetypes": "type:none", "start": 0])
            #expect(reply.status == 409)
            #expect(reply.json == [
                "available": 0, "code": "sc1",
                "message": "Could not allocate. Only 0/1 nodes are available during interval 1 (2026-03-02T12:01:10 to 2026-03-02T12:11:10).",
                "requested": 1, "selection": nil, "start": 1_772_452_870, "stop": 1_772_453_470,
            ])
        }
    }

    @Test func scenario104_asapAndFreshness() async throws {
        try await withFixture(heartbeats: [2: Ctld.T0 - 900]) { _, client in
            let reply = try await client.alloc(["nodetypes": "country:no", "start": 0])
            #expect(reply.status == 201)
            let experiment = try await client.get("/v1/experiments/1/schedules")
            #expect(experiment?["start"] == 1_772_454_000)
            #expect(experiment?["stop"] == 1_772_454_600)
            #expect(experiment?["schedules"]?["1"]?["nodeid"] == 2)
        }
    }

    @Test func scenario105_recurrence() async throws {
        try await withFixture { _, client in
            let reply = try await client.alloc([
                "nodetypes": "country:se,model:apu2", "start": 1_772_456_400,
                "options": ["recurrence": "simple", "period": 3600, "until": 1_772_464_200],
            ])
            #expect(reply.status == 201)
            #expect(reply.json == ["experiment": 1, "intervals": 3, "message": "Allocated task 1.", "nodecount": 1])
            let experiment = try await client.get("/v1/experiments/1/schedules")
            #expect(experiment?["schedules"] == [
                "1": ["nodeid": 1, "start": 1_772_456_400, "status": "defined", "stop": 1_772_457_000],
                "2": ["nodeid": 1, "start": 1_772_460_000, "status": "defined", "stop": 1_772_460_600],
                "3": ["nodeid": 1, "start": 1_772_463_600, "status": "defined", "stop": 1_772_464_200],
            ])
            let journal = try await client.get("/v1/users/2/journals")?.arrayValue ?? []
            #expect(journal.dropLast(2).last?["reason"] == "experiment #1 requested 1800 seconds runtime (1 nodes, 3 intervals)")
            #expect(journal.dropLast(2).last?["new_value"] == 8_638_200)
        }
    }

    /// Rule 1 of §5.18 (`until < start`) comes first, so the period cases need an `until` after
    /// the start; the scenario leaves it implicit, 1772464200 (as in 105) is used.
    @Test func scenario106_recurrenceErrors() async throws {
        try await withFixture { _, client in
            let until: JSONValue = 1_772_464_200
            let cases: [([String: JSONValue], String)] = [
                (["recurrence": "simple", "period": 500, "until": until], "Recurrence period too small. Must be greater than task runtime."),
                (["recurrence": "simple", "period": 1000, "until": until], "Recurrence period too small. Must be greater than 1200 seconds."),
                (["recurrence": "simple", "period": 1500, "until": until], "Recurrence must be a multiple of 1200 seconds."),
                (["recurrence": "simple", "period": 3600, "until": 1_772_455_800], "End of recurrence set to before start time."),
                (["recurrence": "weekly", "period": 3600, "until": until], "Unsupported recurrence scheme"),
                (["recurrence": "weekly"], "Unsupported recurrence scheme"),
            ]
            for (options, reason) in cases {
                let reply = try await client.alloc(["start": 1_772_456_400, "options": .object(options)])
                #expect(reply.status == 409, "\(options)")
                #expect(reply.json == C.refused(reason), "\(options)")
            }
            let none = try await client.alloc(["start": 1_772_456_400, "options": ["recurrence": 0]])
            #expect(none.status == 201)
            #expect(none["intervals"] == 1)
        }
    }

    @Test func scenario107_atomicSeries() async throws {
        try await withFixture { _, client in
            let reply = try await client.alloc([
                "start": 1_772_483_400, "options": ["recurrence": "simple", "period": 1200, "until": 1_772_487_300],
            ])
            #expect(reply.status == 409)
            #expect(reply.json == C.sc1(0, 1, 4, 1_772_487_000, 1_772_487_600))
            #expect(reply.message == "Could not allocate. Only 0/1 nodes are available during interval 4 (2026-03-02T21:30:00 to 2026-03-02T21:40:00).")
            let experiments = try await client.get("/v1/experiments")
            #expect(experiments == [])
            #expect(try await client.get("/v1/users/2")?.arrayValue?.first?["quota_time"] == 8_640_000)
            #expect(try await client.get("/v1/schedules?start=0&stop=9999999999") == [])
        }
    }

    @Test func scenario108_horizonClamp() async throws {
        try await withFixture { _, client in
            let reply = try await client.alloc([
                "start": 1_772_456_400, "options": ["recurrence": "simple", "period": 864_000, "until": 1_782_452_800],
            ])
            #expect(reply.status == 201)
            #expect(reply["intervals"] == 4)
            let tasks = try await client.get("/v1/experiments/1/schedules")?["schedules"]?.objectValue ?? [:]
            let starts = tasks.values.compactMap { $0["start"]?.integerValue }.sorted()
            #expect(starts == [1_772_456_400, 1_773_320_400, 1_774_184_400, 1_775_048_400])
        }
    }

    @Test func scenario109_tentativeBookings() async throws {
        let options: JSONValue = ["recurrence": "simple", "period": 1200, "until": 1_772_458_800]
        try await withFixture { _, client in
            let reply = try await client.alloc(["nodetypes": "country:se,model:apu2", "start": 1_772_456_400, "duration": 1200, "options": options])
            #expect(reply.status == 409)
            #expect(reply.json == C.sc1(0, 1, 2, 1_772_457_600, 1_772_458_800))
            #expect(reply.message == "Could not allocate. Only 0/1 nodes are available during interval 2 (2026-03-02T13:20:00 to 2026-03-02T13:40:00).")
            let deployed = try await client.alloc(["nodetypes": "type:deployed", "start": 1_772_456_400, "duration": 1200, "options": options])
            #expect(deployed.status == 201)
            #expect(deployed.json == ["experiment": 1, "intervals": 2, "message": "Allocated task 1.", "nodecount": 1])
            let experiment = try await client.get("/v1/experiments/1/schedules")
            #expect(experiment?["schedules"] == [
                "1": ["nodeid": 1, "start": 1_772_456_400, "status": "defined", "stop": 1_772_457_600],
                "2": ["nodeid": 2, "start": 1_772_457_600, "status": "defined", "stop": 1_772_458_800],
            ])
        }
    }

    @Test func scenario110_timeQuota() async throws {
        try await withFixture { _, client in
            let set = try await client.call(.put, "/v1/users/2", as: .admin, .form("time=500"))
            #expect(set.status == 200)
            let reply = try await client.alloc()
            #expect(reply.status == 409)
            #expect(reply.json == ["message": "Could not allocate. Insufficient time quota.", "quota_time": 500, "required": 600])
        }
    }

    @Test func scenario111_dataQuotaEstimate() async throws {
        try await withFixture { _, client in
            let set = try await client.call(.put, "/v1/users/2", as: .admin, .form("data=1500"))
            #expect(set.status == 200)
            let reply = try await client.alloc(["nodecount": 2, "nodetypes": "type:deployed", "options": ["traffic": 1000]])
            #expect(reply.status == 409)
            #expect(reply.json == [
                "interfaces": 2, "message": "Could not allocate. Insufficient data quota.", "quota_data": 1500, "requested": 1000, "required": 2000,
            ])
        }
    }

    @Test func scenario112_storageQuota() async throws {
        try await withFixture { _, client in
            let set = try await client.call(.put, "/v1/users/2", as: .admin, .form("storage=500"))
            #expect(set.status == 200)
            let reply = try await client.alloc(["options": ["storage": 600]])
            #expect(reply.status == 409)
            #expect(reply.json == ["message": "Could not allocate. Insufficient storage quota.", "quota_storage": 500, "required": 600])
        }
    }

    @Test func scenario113_dataQuotaWithPreselection() async throws {
        try await withFixture { _, client in
            let set = try await client.call(.put, "/v1/users/2", as: .admin, .form("data=1500"))
            #expect(set.status == 200)
            let body: [String: JSONValue] = ["nodecount": 2, "options": ["nodes": "1,2", "traffic": 1000]]
            let plain = try await client.alloc(body)
            #expect(plain.status == 409)
            #expect(plain.json == [
                "interfaces": 2, "message": "Could not allocate. Insufficient data quota.", "quota_data": 1500, "requested": 1000, "required": 2000,
            ])
            let pair = try await client.call(.put, "/v1/resources/1", as: .admin, .form("pair=2"))
            #expect(pair.json == ["message": "Node pair set."])
            let withHead = try await client.alloc(body)
            #expect(withHead.status == 409)
            #expect(withHead.json == [
                "interfaces": 3, "message": "Could not allocate. Insufficient data quota.", "quota_data": 1500, "requested": 1000, "required": 3000,
            ])
            #expect(try await client.get("/v1/experiments") == [])
        }
    }

    @Test func scenario114_pairs() async throws {
        try await withFixture { _, client in
            let pair = try await client.call(.put, "/v1/resources/1", as: .admin, .form("pair=2"))
            #expect(pair.status == 200)
            let reply = try await client.alloc(["interfaceCount": 3, "nodecount": 2, "options": ["traffic": 100]])
            #expect(reply.status == 201)
            #expect(reply.json == ["experiment": 1, "intervals": 1, "message": "Allocated task 1.", "nodecount": 1])
            let head = try await client.get("/v1/schedules/1")
            let tail = try await client.get("/v1/schedules/2")
            #expect(head?["nodeid"] == 1)
            #expect(tail?["nodeid"] == 2)
            for task in [head, tail] {
                #expect(task?["deployment_options"]?["script"] == .string(C.S))
                #expect(task?["start"] == .int(Self.start))
                #expect(task?["stop"] == .int(Self.stop))
            }
            let experiment = try await client.get("/v1/experiments/1")
            #expect(experiment?["script"] == .string("\(C.S)|\(C.S)"))
            let journal = try await client.get("/v1/users/2/journals")?.arrayValue ?? []
            #expect(journal.suffix(3).compactMap { $0["reason"]?.stringValue } == [
                "experiment #1 requested 1200 seconds runtime (1 node pairs, 1 intervals)",
                "experiment #1 requested 0 bytes (1 node pairs, 1 intervals)",
                "experiment #1 requested 300 bytes (1 node pairs, 1 intervals, 3 interfaces)",
            ])
            #expect(journal.last?["new_value"] == 99_999_999_700)
        }
    }

    @Test func scenario115_twoScripts() async throws {
        try await withFixture { _, client in
            let pair = try await client.call(.put, "/v1/resources/1", as: .admin, .form("pair=2"))
            #expect(pair.status == 200)
            let reply = try await client.alloc(["script": .string("\(C.S)|\(C.S2)"), "nodecount": 2])
            #expect(reply.status == 201)
            let head = try await client.get("/v1/schedules/1")
            let tail = try await client.get("/v1/schedules/2")
            #expect(head?["nodeid"] == 1)
            #expect(head?["deployment_options"]?["script"] == .string(C.S))
            #expect(tail?["nodeid"] == 2)
            #expect(tail?["deployment_options"]?["script"] == .string(C.S2))
            #expect(try await client.get("/v1/experiments/1")?["script"] == .string("\(C.S)|\(C.S2)"))
        }
    }

    @Test func scenario116_pairCounts() async throws {
        try await withFixture { _, client in
            for change: [String: JSONValue] in [["interfaceCount": 3, "nodecount": 3], ["script": .string("\(C.S)|\(C.S2)")]] {
                let reply = try await client.alloc(change)
                #expect(reply.status == 409, "\(change)")
                #expect(reply.json == C.refused("Node count must be even for paired nodes."), "\(change)")
            }
            let unpaired = try await client.alloc(["interfaceCount": 3, "nodecount": 2])
            #expect(unpaired.status == 409)
            #expect(unpaired.json == [
                "available": 0, "code": "sc1",
                "message": "Could not allocate. Only 0/1 node pairs are available during interval 1 (2026-03-02T12:08:20 to 2026-03-02T12:18:20).",
                "requested": 1, "selection": nil, "start": 1_772_453_300, "stop": 1_772_453_900,
            ])
        }
    }

    @Test func scenario117_pairAtomicity() async throws {
        try await withFixture { _, client in
            let pair = try await client.call(.put, "/v1/resources/1", as: .admin, .form("pair=2"))
            #expect(pair.status == 200)
            let tail = try await client.alloc(["options": ["nodes": "2"]])
            #expect(tail.status == 201)
            let reply = try await client.alloc(["interfaceCount": 3, "nodecount": 2])
            #expect(reply.status == 409)
            #expect(reply.json == C.sc1(0, 1, 1, Self.start, Self.stop, unit: "node pairs"))
            let four = try await client.alloc(["interfaceCount": 4])
            #expect(four.status == 400)
            #expect(four.json == ["message": "Parameter interfaceCount must be 1, 2 or 3."])
        }
        try await withFixture { _, client in
            let pair = try await client.call(.put, "/v1/resources/1", as: .admin, .form("pair=2"))
            #expect(pair.status == 200)
            let reply = try await client.call(
                .post, "/v1/experiments", as: .alice,
                .form("name=u&nodetypes=&script=docker.monroe-system.eu%2Fmonroe%2Fping%3Alatest&start=1772453300&duration=600&interfaceCount=3&nodecount=2"))
            #expect(reply.status == 201)
            #expect(reply.json == ["experiment": 1, "intervals": 1, "message": "Allocated task 1.", "nodecount": 1])
            let tasks = try await client.get("/v1/experiments/1/schedules")?["schedules"]
            #expect(tasks?["1"]?["nodeid"] == 1)
            #expect(tasks?["2"]?["nodeid"] == 2)
            #expect(try await client.get("/v1/experiments/1")?["script"] == .string("\(C.S)|\(C.S)"))
        }
    }

    @Test func scenario118_nodesOption() async throws {
        for nodes: JSONValue in ["3,4", [4, "3"]] {
            try await withFixture { _, client in
                let reply = try await client.alloc(["nodetypes": "type:deployed", "options": ["nodes": nodes]])
                #expect(reply.status == 201, "\(nodes)")
                #expect(try await client.get("/v1/schedules/1")?["nodeid"] == 3, "\(nodes)")
            }
        }
        try await withFixture { _, client in
            let injection = try await client.alloc(["nodetypes": "type:deployed", "options": ["nodes": "1) OR 1=1 --"]])
            #expect(injection.status == 400)
            #expect(injection.json == ["message": "Option nodes must be a list of node ids."])
            let unknown = try await client.alloc(["nodetypes": "type:deployed", "options": ["nodes": "99"]])
            #expect(unknown.status == 409)
            #expect(unknown.json == C.sc1(0, 1, 1, Self.start, Self.stop, selection: ["99"]))
            let duplicates = try await client.alloc(["nodetypes": "type:deployed", "nodecount": 3, "options": ["nodes": "3,3,4"]])
            #expect(duplicates.status == 409)
            #expect(duplicates.json == C.sc1(2, 3, 1, Self.start, Self.stop, selection: ["3", "4"]))
        }
    }

    @Test func scenario119_shared() async throws {
        try await withFixture { _, client in
            let first = try await client.alloc(["options": ["nodes": "1", "shared": "0"]])
            #expect(first.status == 201)
            let second = try await client.alloc(["options": ["nodes": "1"]])
            #expect(second.status == 409)
            #expect(second.json == C.sc1(0, 1, 1, Self.start, Self.stop, selection: ["1"]))
        }
        try await withFixture { _, client in
            let shared = try await client.alloc(["options": ["nodes": "1", "shared": 1]])
            #expect(shared.status == 201)
            let normal = try await client.alloc(["options": ["nodes": "1"]])
            #expect(normal.status == 201)
            #expect(try await client.get("/v1/schedules/1")?["shared"] == 1)
            #expect(try await client.get("/v1/schedules/2")?["shared"] == 0)
            #expect(try await client.get("/v1/schedules/2")?["nodeid"] == 1)
        }
        try await withFixture { _, client in
            let normal = try await client.alloc(["options": ["nodes": "1"]])
            #expect(normal.status == 201)
            let shared = try await client.alloc(["options": ["nodes": "1", "shared": 1]])
            #expect(shared.status == 409)
            #expect(shared.json == C.sc1(0, 1, 1, Self.start, Self.stop, selection: ["1"]))
        }
    }

    @Test func scenario120_hiddenOptions() async throws {
        try await Self.withCapturedLogs { _, client, logs in
            let reply = try await client.alloc(["options": ["_secret": "s3cr3t", "foo": "bar"]])
            #expect(reply.status == 201)
            let seenByAlice = try await client.get("/v1/schedules/1")
            #expect(seenByAlice?["nodeid"] == 1)
            #expect(seenByAlice?["deployment_options"] == ["foo": "bar", "script": .string(C.S)])
            #expect(try await client.get("/v1/experiments/1")?["options"] == [:])
            let seenByNode = try await client.get("/v1/schedules/1", as: .node(1))
            #expect(seenByNode?["deployment_options"] == ["_secret": "s3cr3t", "foo": "bar", "script": .string(C.S)])
            let invalid = try await client.alloc(["options": ["_secret": "s3cr3t", "storage": -1]])
            #expect(invalid.status == 400)
            #expect(!invalid.text.contains("s3cr3t"))
            #expect(invalid.json == ["message": "Option storage must be a non-negative integer."])
            let lines = logs.lines
            #expect(!lines.isEmpty, "the capture saw no log line at all")
            #expect(!lines.contains { $0.contains("s3cr3t") }, "\(lines.filter { $0.contains("s3cr3t") })")
        }
    }

    @Test func scenario121_sshKeys() async throws {
        try await withFixture { _, client in
            let reply = try await client.alloc(["options": ["ssh": 1]])
            #expect(reply.status == 201)
            let options = try await client.get("/v1/schedules/1")?["deployment_options"]
            let publicKey = options?["ssh.public"]?.stringValue ?? ""
            #expect(publicKey.wholeMatch(of: /ssh-ed25519 [A-Za-z0-9+\/=]+ marvin-1/) != nil, "\(publicKey)")
            #expect(options?["_ssh.private"] == nil)
            let privateKey = try await client.get("/v1/schedules/1", as: .node(1))?["deployment_options"]?["_ssh.private"]?.stringValue ?? ""
            #expect(privateKey.hasPrefix("-----BEGIN OPENSSH PRIVATE KEY-----"))
            #expect(OpenSSHKey.isPrivateHalf(privateKey, of: publicKey))
            let listed = try await client.get("/v1/backend/pubkeys", as: .anonymous)
            #expect(listed == [.string(publicKey)])
            let finished = try await client.call(.put, "/v1/schedules/1", as: .node(1), .form("status=finished"))
            #expect(finished.json == ["message": "Ok."])
            #expect(try await client.get("/v1/backend/pubkeys", as: .anonymous) == [])
        }
    }

    @Test func scenario122_concurrentAllocations() async throws {
        try await withFixture { _, client in
            let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                for _ in 0..<10 {
                    group.addTask { try await client.alloc(["options": ["nodes": "1"]]) }
                }
                var all: [Reply] = []
                for try await reply in group { all.append(reply) }
                return all
            }
            #expect(replies.count == 10)
            #expect(replies.filter { $0.status == 201 }.count == 1)
            let refused = replies.filter { $0.status == 409 }
            #expect(refused.count == 9)
            for reply in refused {
                #expect(reply.json == C.sc1(0, 1, 1, Self.start, Self.stop, selection: ["1"]))
            }
            let schedules = try await client.get("/v1/schedules")
            #expect(schedules == [["nodeid": 1, "ownerid": 2, "start": .int(Self.start), "stop": .int(Self.stop)]])
        }
    }

    @Test func scenario123_persistence() async throws {
        let ctld = try Ctld()
        defer { try? FileManager.default.removeItem(at: ctld.directory) }
        let before = try await ctld.run { client -> [JSONValue?] in
            try await FixtureF.build(ctld, client)
            let reply = try await client.alloc(["nodetypes": "type:deployed"])
            #expect(reply.status == 201)
            return [
                try await client.get("/v1/experiments/1"), try await client.get("/v1/schedules/1"),
                try await client.get("/v1/users/2/journals"),
            ]
        }
        #expect(before[0]?["id"] == 1)
        #expect(before[1]?["id"] == "1")
        #expect(before[2]?.arrayValue?.count == 6)
        let restarted = try Ctld(directory: ctld.directory)
        try await restarted.run { client in
            let after = [
                try await client.get("/v1/experiments/1"), try await client.get("/v1/schedules/1"),
                try await client.get("/v1/users/2/journals"),
            ]
            #expect(after == before)
        }
    }
}

// MARK: - Helpers (nested to keep the module namespace free)

extension AllocationTests {
    /// Log lines a controller wrote, for checks that secrets stay out of logs (§5.13).
    final class CapturedLogs: Sendable {
        private let storage = Mutex<[String]>([])
        var lines: [String] { storage.withLock { $0 } }
        func append(_ line: String) { storage.withLock { $0.append(line) } }
    }

    struct CapturingLogHandler: LogHandler {
        let sink: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            sink.append("\(event.level) \(event.source) \(event.message) \(merged)")
        }
    }

    /// Fixture F served by a controller that logs everything at trace level into `CapturedLogs`
    /// (the harness's `Ctld` logs only critical lines and keeps none).
    static func withCapturedLogs(_ body: @Sendable (Ctld, CtldClient, CapturedLogs) async throws -> Void) async throws {
        let ctld = try Ctld()
        defer { try? FileManager.default.removeItem(at: ctld.directory) }
        let logs = CapturedLogs()
        let logger = Logger(label: "ctld-captured") { _ in CapturingLogHandler(sink: logs) }
        let controller = Controller(
            config: ctld.config, storage: ctld.controller.storage, clock: ctld.controller.clock, logger: logger, metrics: ControllerMetrics())
        let app = try ControllerServer(controller: controller).makeApplication()
        try await app.test(.ahc(.http)) { client in
            let client = CtldClient(client: client)
            try await FixtureF.build(ctld, client)
            try await body(ctld, client, logs)
        }
    }

    /// Just enough of the OpenSSH key formats to check that a private key belongs to a public one.
    enum OpenSSHKey {
        struct Reader {
            var bytes: [UInt8]
            var offset = 0

            mutating func uint32() -> UInt32? {
                guard offset + 4 <= bytes.count else { return nil }
                defer { offset += 4 }
                return bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
            }

            mutating func string() -> [UInt8]? {
                guard let length = uint32().map(Int.init), offset + length <= bytes.count else { return nil }
                defer { offset += length }
                return Array(bytes[offset..<offset + length])
            }
        }

        static func isPrivateHalf(_ privateKey: String, of publicKey: String) -> Bool {
            let fields = publicKey.split(separator: " ")
            guard fields.count == 3, let publicBlob = Data(base64Encoded: String(fields[1])) else { return false }
            var publicReader = Reader(bytes: Array(publicBlob))
            guard publicReader.string() == Array("ssh-ed25519".utf8), let publicBytes = publicReader.string(), publicBytes.count == 32 else { return false }

            let body = privateKey.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
            guard privateKey.hasSuffix("-----END OPENSSH PRIVATE KEY-----\n"), let blob = Data(base64Encoded: body) else { return false }
            let magic = Array("openssh-key-v1".utf8) + [0]
            guard Array(blob.prefix(magic.count)) == magic else { return false }
            var reader = Reader(bytes: Array(blob), offset: magic.count)
            guard reader.string() == Array("none".utf8), reader.string() == Array("none".utf8), reader.string() == [],
                reader.uint32() == 1, reader.string() == Array(publicBlob), let section = reader.string()
            else { return false }
            var inner = Reader(bytes: section)
            guard let check1 = inner.uint32(), inner.uint32() == check1, inner.string() == Array("ssh-ed25519".utf8),
                inner.string() == publicBytes, let secret = inner.string(), secret.count == 64,
                Array(secret.suffix(32)) == publicBytes, inner.string() == Array(String(fields[2]).utf8)
            else { return false }
            guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: secret.prefix(32)) else { return false }
            return Array(key.publicKey.rawRepresentation) == publicBytes
        }
    }
}

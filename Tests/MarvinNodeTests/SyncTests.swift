import Foundation
import MarvinCore
import Testing

@testable import MarvinNode

/// The node side of the heartbeat protocol (node-runtime §4.2–§4.6), without the network.
@Suite struct HeartbeatProtocolTests {
    @Test func requestBodyHasExactlyTheLegacyFields() {
        let request = HeartbeatRequest(
            limit: 3, maintenance: false, knownTasks: ["12", "13"],
            interfaces: [HeartbeatRequest.modem(iccid: "8946", opname: "op0", host: 1000, netns: nil), HeartbeatRequest.other(opname: "eth0", mac: "00:11")])
        let fields = request.formBody.split(separator: "&").map { $0.split(separator: "=", maxSplits: 1).map(String.init) }
        #expect(fields.map { $0[0] } == ["limit", "maintenance", "known_tasks", "known_tasks", "interfaces"])
        #expect(fields[0][1] == "3")
        #expect(fields[2][1] == "12")
        let interfaces = fields[4][1].removingPercentEncoding.flatMap { try? JSONParser.parse($0) }
        #expect(interfaces == [["host": 1000, "iccid": "8946", "netns": nil, "opname": "op0"], ["mac": "00:11", "opname": "eth0"]])
        #expect(!request.formBody.contains(";"))
        #expect(HeartbeatRequest.encode("finished; done") == "finished%3B%20done")
        let none = HeartbeatRequest(limit: 3, maintenance: true, knownTasks: [], interfaces: [])
        #expect(none.formBody == "limit=3&maintenance=1&interfaces=%5B%5D")
    }

    @Test func answersAreReadAsSection4Says() {
        let body = #"""
            {"interfaces": [{"iccid": "8946", "quota_current": 40}],
             "tasks": [{"id": "1", "expid": 1, "nodeid": 1, "shared": 0, "start": 100, "stop": 700, "status": "defined",
                        "deployment_options": {"_secret": "s", "script": "x/y:1"}},
                       {"id": 2, "expid": "3", "start": 100, "stop": 50, "status": "defined"},
                       {"id": "../etc", "expid": 1, "start": 1, "stop": 2, "status": "defined"},
                       {"id": 4, "expid": 1, "start": 1, "stop": 2, "status": "requested"}]}
            """#
        guard case .answered(let tasks, let rejected, let interfaces) = HeartbeatOutcome(status: 200, body: body, retryAfter: nil, prefetch: 3) else {
            Issue.record("not answered")
            return
        }
        #expect(tasks.map(\.id) == ["1"])
        #expect(tasks.first?.deploymentOptions["_secret"] == "s")
        #expect(rejected == ["task 2: stop is not after start", "task ../etc: id does not match the accepted pattern"])
        #expect(interfaces?.first?.quotaCurrent == 40)
        // Legacy: a bare array is the task list; only the first `prefetch` are considered.
        guard case .answered(let legacy, _, nil) = HeartbeatOutcome(
            status: 200, body: #"[{"id": "9", "expid": 1, "start": 1, "stop": 2, "status": "started"}]"#, retryAfter: nil, prefetch: 3)
        else {
            Issue.record("legacy form not answered")
            return
        }
        #expect(legacy.map(\.id) == ["9"])
    }

    @Test func failuresAreClassified() {
        #expect(HeartbeatOutcome(status: 200, body: "<html>", retryAfter: nil, prefetch: 3) == .failed(.unparsable, retryAfter: nil))
        #expect(HeartbeatOutcome(status: 401, body: "{}", retryAfter: nil, prefetch: 3) == .failed(.certificateRejected, retryAfter: nil))
        #expect(HeartbeatOutcome(status: 503, body: "", retryAfter: 120, prefetch: 3) == .failed(.unavailable, retryAfter: 120))
        #expect(HeartbeatOutcome(status: 404, body: "{}", retryAfter: nil, prefetch: 3) == .failed(.protocolError(status: 404), retryAfter: nil))
    }

    @Test func backoffFollowsTheDefaults() {
        let schedule = HeartbeatSchedule(period: 60, jitter: 6, backoffMax: 300)
        #expect((0...5).map { schedule.delay(consecutiveFailures: $0, randomJitter: 0) } == [60, 120, 240, 300, 300, 300])
        #expect(schedule.delay(consecutiveFailures: 0, randomJitter: 100) == 66)
        #expect(schedule.delay(consecutiveFailures: 1, retryAfter: 200, randomJitter: 0) == 200)
        #expect(schedule.delay(consecutiveFailures: 1, retryAfter: 9999, randomJitter: 0) == 300)
        #expect(schedule.delay(consecutiveFailures: 80, randomJitter: -6) == 294)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100 { #expect((54...66).contains(schedule.delay(consecutiveFailures: 0, using: &generator))) }
    }
}

/// The durable outbox of §4.4.
@Suite struct OutboxTests {
    static func makeOutbox() throws -> (Outbox, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("marvind-state-\(UUID().uuidString.prefix(8))")
        let store = try NodeStateStore(path: directory.appendingPathComponent("state/marvind.db").path)
        return (Outbox(store: store), directory)
    }

    @Test func coalescingAndTheSingleFinalStatus() throws {
        let (outbox, directory) = try Self.makeOutbox()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try outbox.status("deployed", for: "7", at: 1.5, now: 1))
        #expect(try outbox.status("started", for: "7", at: 2.5, now: 2))
        #expect(try !outbox.status("started", for: "7", at: 2.6, now: 2), "the same text twice in a row")
        try outbox.traffic(["deployment": 10], for: "7", now: 3)
        try outbox.traffic(["deployment": 20], for: "7", now: 4)
        #expect(try outbox.status("finished", for: "7", at: 5.25, now: 5))
        #expect(try !outbox.status("failed; late", for: "7", at: 6, now: 6), "one final status per task")
        #expect(try outbox.status("deployed", for: "8", at: 7, now: 7))
        let pending = try outbox.pending()
        #expect(pending.map(\.schedid) == ["7", "7", "7", "8"])
        #expect(pending[0].payload == "status=started&schedid=7&when=2.500", "a final status does not supersede `started`")
        #expect(pending[1].payload == "traffic=%7B%22deployment%22%3A20%7D&schedid=7")
        #expect(pending[2].payload == "status=finished&schedid=7&when=5.250")
    }

    @Test func settlingAndSurvivingAReopen() throws {
        let (outbox, directory) = try Self.makeOutbox()
        defer { try? FileManager.default.removeItem(at: directory) }
        try outbox.status("started", for: "7", at: 1, now: 1)
        try outbox.status("deployed", for: "8", at: 1, now: 1)
        let pending = try outbox.pending()
        try outbox.settle(pending[0], ReportOutcome(status: 503, message: nil))
        try outbox.settle(pending[1], ReportOutcome(status: 200, message: "Ok."))
        let reopened = Outbox(store: try NodeStateStore(path: directory.appendingPathComponent("state/marvind.db").path))
        let left = try reopened.pending()
        #expect(left.map(\.schedid) == ["7"])
        #expect(left.first?.attempts == 1)
        #expect(left.first?.lastError == "HTTP 503")
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("state/marvind.db").path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test func answersToReports() {
        #expect(ReportOutcome(status: 200, message: "Ok.") == .delivered)
        #expect(ReportOutcome(status: 400, message: "Status aborted cannot be reset.") == .delivered)
        #expect(ReportOutcome(status: 404, message: "Could not find schedule entry with this id.") == .dropped(reason: "task deleted on the ctld", error: false))
        #expect(ReportOutcome(status: 400, message: "Unknown status code (x).") == .dropped(reason: "refused: Unknown status code (x).", error: true))
        #expect(ReportOutcome(status: 401, message: nil) == .retry(reason: "HTTP 401"))
        #expect(ReportOutcome(status: nil, message: nil) == .retry(reason: "ctld unreachable"))
    }
}

import Foundation
import MarvinCore
import MarvinNode
import Testing

/// The heartbeat protocol (node-runtime §4.2, §4.3, §17 B) between the real marvind and a ctld
/// stub that answers what the real marvinctld never does. The periods are the spec's own
/// (10 s is the smallest `heartbeat_period`), so these tests wait minutes; they run
/// side by side.
@Suite(.enabled(if: Integration.enabled("openssl", "curl")))
struct NodeHeartbeatTests {
    static var now: Int64 { NodeTestbed.inSeconds(0) }

    /// Seconds between consecutive heartbeats as the stub received them.
    static func intervals(_ heartbeats: [CtldStub.Received]) -> [Double] {
        zip(heartbeats.dropFirst(), heartbeats).map { $0.at - $1.at }
    }

    @Test func scenario006_requestFormat() async throws {
        try await StubbedNode.with("hb-format") { node in
            try node.start(with: [CtldStub.task("1001", start: Self.now + 3600, stop: Self.now + 3900),
                                  CtldStub.task("1002", start: Self.now + 4000, stop: Self.now + 4300)])
            let known = await node.stub.waitFor(seconds: 30) { $0.isHeartbeat && $0.body.contains("known_tasks") }
            let heartbeat = try #require(known, "\(node.bed.daemonLog)")
            #expect(heartbeat.path == "/v1/resources/48")
            #expect(heartbeat.form.map(\.name) == ["limit", "maintenance", "known_tasks", "known_tasks", "interfaces"])
            #expect(heartbeat.form.map(\.value).prefix(4) == ["3", "0", "1001", "1002"])
            #expect(try JSONParser.parse(heartbeat.field("interfaces") ?? "").arrayValue != nil, "interfaces is a JSON array")
            #expect(heartbeat.userAgent?.hasPrefix("marvind/") == true)
            // The stub requires a client certificate from the test CA: a request that reached
            // it presented one.
        }
    }

    @Test func scenario007_periodAndJitter() async throws {
        try await StubbedNode.with("hb-jitter", config: ["heartbeat_period": 10, "heartbeat_jitter": 1]) { node in
            try node.bed.startDaemon()
            // 25 heartbeats after the first six: in the first minute of a test run, every suite
            // starting at once, a request can take a second or more to arrive, which shifts the
            // intervals the stub sees (not when marvind sends).
            await node.stub.waitForHeartbeats(31, seconds: 400)
            let intervals = Self.intervals(Array(node.stub.heartbeats.dropFirst(6).prefix(25)))
            #expect(intervals.count == 24)
            // Jitter is whole seconds; 0.2 s allows for the request itself.
            #expect(intervals.allSatisfy { (8.8...11.2).contains($0) }, "\(intervals)")
            #expect(Set(intervals.map { $0.rounded() }).count > 1, "jitter varies the intervals: \(intervals)")
        }
    }

    @Test func scenario008_backoff() async throws {
        try await StubbedNode.with("hb-backoff", config: ["heartbeat_period": 10, "heartbeat_jitter": 0, "heartbeat_backoff_max": 60]) { node in
            // Heartbeats 5 to 8 get 503, then the stub is healthy again. The first four pass
            // the 30 s in which the test run starts every suite at once and a request can take
            // seconds to arrive, which shifts the intervals the stub sees (not when marvind sends).
            let heartbeats = Counter()
            node.stub.update {
                $0.override = { request in request.isHeartbeat && (5...8).contains(heartbeats.next()) ? CtldStub.Reply(503) : nil }
            }
            try node.bed.startDaemon()
            await node.stub.waitForHeartbeats(10, seconds: 300)
            let intervals = Self.intervals(Array(node.stub.heartbeats.dropFirst(4).prefix(6)))
            let expected: [Double] = [20, 40, 60, 60, 10]
            #expect(intervals.count == 5 && zip(intervals, expected).allSatisfy { abs($0 - $1) <= 1 }, "\(intervals)")
        }
    }

    @Test func scenario009_retryAfter() async throws {
        // Retry-After is followed up to `heartbeat_backoff_max`. The fifth heartbeat gets the
        // 429: in the first 30 s of a test run a request can take seconds to arrive.
        try await StubbedNode.with("hb-retry-after", config: ["heartbeat_period": 10, "heartbeat_jitter": 0, "heartbeat_backoff_max": 300]) { node in
            let heartbeats = Counter()
            node.stub.update {
                $0.override = { request in request.isHeartbeat && heartbeats.next() == 5 ? CtldStub.Reply(429, retryAfter: 45) : nil }
            }
            try node.bed.startDaemon()
            await node.stub.waitForHeartbeats(7, seconds: 180)
            let intervals = Self.intervals(Array(node.stub.heartbeats.dropFirst(4)))
            #expect(intervals.count >= 2)
            #expect(abs((intervals.first ?? 0) - 45) <= 1, "\(intervals)")
            #expect(abs((intervals.dropFirst().first ?? 0) - 10) <= 1, "the period again once answered: \(intervals)")
        }
    }

    @Test func scenario010_rejectedCertificateDoesNotStopTheNode() async throws {
        try await StubbedNode.with("hb-rejected") { node in
            let start = Self.now + 20
            let reported = try await node.start(with: [CtldStub.task("1001", start: start, stop: start + 15)], until: "1001", reports: "deployed", seconds: 15)
            #expect(reported, "\(node.bed.daemonLog)")
            // From now on the ctld refuses the node's certificate.
            node.stub.update { $0.override = { _ in .message(401, "Unauthorized.") } }
            let started = await node.waitForNote("1001", "started-at", seconds: 30)
            let stopped = await node.waitForNote("1001", "stopped-at", seconds: 30)
            #expect(abs((started ?? 0) - Double(start)) <= 1, "started at \(String(describing: started))")
            #expect(abs((stopped ?? 0) - Double(start + 15)) <= 1, "stopped at \(String(describing: stopped))")
            let status = try await node.status()
            #expect(status?["ctld"]?["certificate_rejected"] == true)
            #expect(status?["daemon"] == "running", "marvind keeps running")
        }
    }

    @Test func scenario011_serverCertificateVerified() async throws {
        try await StubbedNode.with("hb-server-cert") { node in
            // A second stub whose certificate comes from another CA.
            let otherDirectory = node.bed.directory.appendingPathComponent("other-ca")
            try FileManager.default.createDirectory(at: otherDirectory, withIntermediateDirectories: true)
            let other = try TestPKI(directory: otherDirectory)
            let impostor = try CtldStub(server: (other.serverCertificate, other.serverKey), clientCA: node.bed.pki.caCertificate)
            try await impostor.start()
            node.bed.restServer = impostor.api
            try node.bed.writeConfig()
            try node.bed.startDaemon()
            let logged = await node.bed.waitForLog("the ctld certificate could not be verified")
            await impostor.stop()
            #expect(logged, "\(node.bed.daemonLog)")
            #expect(impostor.received.isEmpty, "no request reached the impostor's HTTP layer")

            // `ssl.verify: false` is for development only.
            try node.bed.writeConfig(["ssl": ["verify": false], "development": false])
            let check = try await Program.run(node.bed.marvind, ["check-config", node.bed.configPath])
            #expect(check.status == 1)
            #expect(check.stdout.contains("ssl.verify: error: false is only allowed with development: true"), "\(check.stdout)")
            try node.bed.writeConfig(["ssl": ["verify": false]])
            let development = try await Program.run(node.bed.marvind, ["check-config", node.bed.configPath])
            #expect(development.status == 0, "\(development.stdout)")
        }
    }

    @Test func scenario012_legacyListResponse() async throws {
        try await StubbedNode.with("hb-legacy") { node in
            let start = Self.now + 15
            node.stub.update {
                $0.tasks = [CtldStub.task("1001", start: start, stop: start + 20, script: "quick")]
                $0.legacyList = true
            }
            try node.bed.startDaemon()
            #expect(await node.stub.waitForReport("1001", "finished", seconds: 40), "\(node.bed.daemonLog)")
            #expect(node.stub.reports(for: "1001").filter { $0 != "traffic" } == ["deployed", "started", "finished"])
        }
    }

    @Test func scenario013_taskDefinitionFetch() async throws {
        try await StubbedNode.with("hb-definition") { node in
            let start = Self.now + 25
            let fetches = Counter()
            node.stub.update {
                $0.tasks = [CtldStub.task("1001", start: start, stop: start + 20, script: nil),
                            CtldStub.task("1002", start: start + 600, stop: start + 900, script: nil)]
                $0.scripts = ["1001": "quick", "1002": "a|b"]
                // The first fetch of 1001 fails.
                $0.override = { request in
                    request.path == "/v1/experiments/77/schedules/1001" && fetches.next() == 1 ? .message(500, "Internal server error.") : nil
                }
            }
            try node.bed.startDaemon()
            #expect(await node.stub.waitForReport("1001", "finished", seconds: 60), "\(node.bed.daemonLog)")
            let requests = node.stub.received
            let gets = requests.enumerated().filter { $0.element.path == "/v1/experiments/77/schedules/1001" }.map(\.offset)
            #expect(gets.count == 2, "one failed fetch, one retry")
            if gets.count == 2 {
                #expect(requests[gets[0]..<gets[1]].contains { $0.isHeartbeat }, "retried after the next heartbeat")
            }
            #expect(node.stub.reports(for: "1002").first == "failed; invalid deployment option script")
        }
    }

    @Test func scenario014_limit() async throws {
        try await StubbedNode.with("hb-limit") { node in
            let start = Self.now + 3600
            node.stub.update {
                $0.tasks = (1...5).map { CtldStub.task("100\($0)", start: start + Int64($0) * 600, stop: start + Int64($0) * 600 + 300) }
            }
            try node.bed.startDaemon()
            await node.stub.waitForHeartbeats(3, seconds: 30)
            let tasks = try await node.status()?["tasks"]?.arrayValue?.compactMap { $0["schedid"]?.stringValue }
            #expect(tasks?.sorted() == ["1001", "1002", "1003"])
            #expect(!node.stub.received.contains { $0.path.contains("1004") || $0.path.contains("1005") })
        }
    }

    @Test func scenario015_vanishedTask() async throws {
        try await StubbedNode.with("hb-vanished") { node in
            let start = Self.now + 40
            let reported = try await node.start(with: [CtldStub.task("1001", start: start, stop: start + 20)], until: "1001", reports: "deployed", seconds: 15)
            #expect(reported, "\(node.bed.daemonLog)")
            // The ctld no longer lists 1001 and answers 404 for it.
            node.stub.update { $0.tasks = [CtldStub.task("1002", start: start + 3600, stop: start + 3900)] }
            #expect(await node.stub.waitFor(seconds: 15) { $0.method == "GET" && $0.path == "/v1/schedules/1001" } != nil)
            await NodeTestbed.sleep(until: Double(start + 3))
            #expect(node.noted("1001", "started-at") == nil, "it never starts")
            // Nothing unsynced is deleted (§5.6): the results directory with its `deploy.log` stays
            // for the sync, which removes it once uploaded (results sync is a later issue).
            #expect(FileManager.default.fileExists(atPath: node.bed.path("results/1001/deploy.log")), "deploy.log is kept for the sync")
            #expect(node.stub.reports(for: "1001").filter { $0 != "traffic" } == ["deployed"], "no status after it vanished")
            #expect(!node.bed.daemonLog.contains("task 1001: started"))
        }
    }

    @Test func scenario016_stopTimeMoved() async throws {
        try await StubbedNode.with("hb-stop-moved") { node in
            let start = Self.now + 15
            let reported = try await node.start(with: [CtldStub.task("1001", start: start, stop: start + 20)], until: "1001", reports: "started", seconds: 30)
            #expect(reported, "\(node.bed.daemonLog)")
            // The stop moves 15 s later while the run goes on. (The backup stop unit's move
            // needs systemd as service manager; SystemdUnitTests boots one.)
            node.stub.update { $0.tasks = [CtldStub.task("1001", start: start, stop: start + 35, status: "started")] }
            let stopped = await node.waitForNote("1001", "stopped-at", seconds: 45)
            #expect(abs((stopped ?? 0) - Double(start + 35)) <= 1, "stopped at \(String(describing: stopped)), expected \(start + 35)")
            #expect(await node.stub.waitForReport("1001", "stopped", seconds: 10))
        }
    }

    @Test func scenario044_invalidScheduleID() async throws {
        try await StubbedNode.with("hb-bad-id") { node in
            try node.start(with: [CtldStub.task("../../etc", start: Self.now + 60, stop: Self.now + 120)])
            // Three heartbeats carry the same entry.
            await node.stub.waitForHeartbeats(3, seconds: 40)
            let lines = node.bed.daemonLog.split(separator: "\n").filter { $0.contains("task ../../etc: id does not match the accepted pattern") }
            #expect(lines.count == 1, "\(node.bed.daemonLog)")
            #expect(!node.stub.received.contains { $0.reportedTask != nil })
            // `../../etc` under any of the node's directories would land beside the test bed.
            let names = FileManager.default.enumerator(atPath: node.bed.directory.path)?.allObjects as? [String] ?? []
            #expect(!names.contains { ($0 as NSString).lastPathComponent == "etc" }, "no file named after the id")
            #expect(!FileManager.default.fileExists(atPath: node.bed.directory.deletingLastPathComponent().appendingPathComponent("etc").path))
            #expect(try await node.status()?["tasks"]?.arrayValue == [])
        }
    }

    @Test func scenario110_developmentFlag() async throws {
        try await StubbedNode.with("hb-development") { node in
            try "1\n".write(toFile: node.bed.path("flags/development"), atomically: true, encoding: .utf8)
            let delayed = try await node.start(
                with: [CtldStub.task("1001", start: Self.now + 120, stop: Self.now + 180)], until: "1001",
                reports: "delayed; cannot deploy while node is in maintenance mode", seconds: 20)
            #expect(delayed, "\(node.bed.daemonLog)")
            #expect(!node.stub.heartbeats.isEmpty && node.stub.heartbeats.allSatisfy { $0.field("maintenance") == "1" })
            #expect(try await node.status()?["flags"]?["development"] == true)
        }
    }
}

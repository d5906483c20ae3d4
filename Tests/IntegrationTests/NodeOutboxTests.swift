import Foundation
import MarvinCore
import MarvinNode
import Testing

/// The outbox (node-runtime §4.4, §17 C) and offline operation (§4.7) between the real
/// marvind and a ctld stub: answers the real marvinctld never gives, and a ctld that is down.
@Suite(.enabled(if: Integration.enabled("openssl", "curl")))
struct NodeOutboxTests {
    static var now: Int64 { NodeTestbed.inSeconds(0) }

    @Test func scenario018_cannotBeReset() async throws {
        try await StubbedNode.with("outbox-reset") { node in
            let start = Self.now + 15
            node.stub.update {
                $0.tasks = [CtldStub.task("1001", start: start, stop: start + 120)]
                $0.override = { request in
                    request.reportedTask == "1001" && request.field("status") == "started" ? .message(400, "Status aborted cannot be reset.") : nil
                }
            }
            try node.bed.startDaemon()
            #expect(await node.stub.waitForReport("1001", "started", seconds: 30), "\(node.bed.daemonLog)")
            node.stub.update { $0.tasks = [CtldStub.task("1001", start: start, stop: start + 120, status: "aborted")] }
            let aborted = Date().timeIntervalSince1970
            let stopped = await node.waitForNote("1001", "stopped-at", seconds: 30)
            #expect(stopped != nil && stopped! - aborted <= 12, "the next heartbeat stops the run: \(node.bed.daemonLog)")
            try await Task.sleep(nanoseconds: 12_000_000_000)
            #expect(node.stub.reports(for: "1001").filter { $0 == "started" }.count == 1, "not retried")
        }
    }

    @Test func scenario019_notFoundAndServerErrorOnReports() async throws {
        try await StubbedNode.with("outbox-404-500") { node in
            let start = Self.now + 3600
            let statuses = Counter()
            node.stub.update {
                $0.tasks = [CtldStub.task("1001", start: start, stop: start + 300), CtldStub.task("1002", start: start + 600, stop: start + 900)]
                $0.override = { request in
                    switch request.reportedTask {
                    case "1001": return .message(404, "Could not find schedule entry with this id.")
                    case "1002" where request.field("status") != nil: return statuses.next() <= 3 ? .message(500, "Internal server error.") : nil
                    default: return nil
                    }
                }
            }
            try node.bed.startDaemon()
            let deadline = Date().addingTimeInterval(90)
            while statuses.value < 4, Date() < deadline { try await Task.sleep(nanoseconds: 500_000_000) }
            try await Task.sleep(nanoseconds: 25_000_000_000)  // two more heartbeats
            #expect(node.stub.reports(for: "1001").sorted() == ["deployed", "traffic"], "each dropped after one attempt")
            // 1002's `deployed` fails three times, then is delivered.
            let requests = node.stub.received
            let attempts = requests.enumerated().filter { $0.element.reportedTask == "1002" && $0.element.field("status") != nil }.map(\.offset)
            #expect(attempts.count == 4, "three 500s, then a 200 and never again: \(node.stub.reports(for: "1002"))")
            // Retried after every heartbeat until the 200 (other reports' deliveries may retry it
            // in between as well).
            let heartbeats = requests.indices.filter { requests[$0].isHeartbeat }
            for (heartbeat, next) in zip(heartbeats, heartbeats.dropFirst() + [requests.count])
            where heartbeat > (attempts.first ?? 0) && heartbeat < (attempts.last ?? 0) {
                #expect(attempts.contains { $0 > heartbeat && $0 < next }, "a retry after the heartbeat at \(heartbeat): \(attempts)")
            }
            #expect(heartbeats.filter { $0 > (attempts.first ?? 0) && $0 < (attempts.last ?? 0) }.count >= 2, "the retries span heartbeats")
        }
    }

    @Test func scenario020_outboxSurvivesACrash() async throws {
        try await StubbedNode.with("outbox-crash") { node in
            let start = Self.now + 15
            try node.start(with: [CtldStub.task("1001", start: start, stop: start + 30, script: "quick")])
            _ = await node.stub.waitFor(seconds: 15) { $0.isHeartbeat }
            await node.stub.stop()
            let delivered = node.stub.reports(for: "1001")
            // The run finishes while the ctld is down; its reports wait in the outbox.
            var queued: Int64 = 0
            let deadline = Date().addingTimeInterval(40)
            while Date() < deadline {
                let task = try await node.taskStatus("1001")
                queued = task?["outbox"]?.integerValue ?? 0
                if task?["last_status"] == "finished", queued >= 3 { break }
                try await Task.sleep(nanoseconds: 500_000_000)
            }
            #expect(queued >= 3, "\(node.bed.daemonLog)")
            node.bed.killDaemon()
            try node.bed.startDaemon()
            try await Task.sleep(nanoseconds: 2_000_000_000)
            try await node.stub.start()
            #expect(await node.stub.waitForReport("1001", "finished", seconds: 30), "\(node.bed.daemonLog)")
            try await Task.sleep(nanoseconds: 12_000_000_000)
            let all = node.stub.reports(for: "1001")
            let after = Array(all.dropFirst(delivered.count))
            // An undelivered `deployed` is superseded by `started` (§4.4).
            let expected = delivered.contains("deployed") ? ["deployed", "started", "finished"] : ["started", "finished"]
            #expect(after.count >= 3 && all.filter { $0 != "traffic" } == expected, "before the stop: \(delivered); after: \(after)")
            #expect(after.filter { $0 == "traffic" }.count <= 2, "the traffic reports coalesce: \(after)")
        }
    }

    /// Scenario 83 with the tasks 20 s apart instead of 20 minutes.
    @Test func scenario083_longOfflinePeriod() async throws {
        try await StubbedNode.with("outbox-offline") { node in
            let first = Self.now + 20
            let starts = [first, first + 20, first + 40]
            node.stub.update {
                $0.tasks = starts.enumerated().map { CtldStub.task("100\($0.offset + 1)", start: $0.element, stop: $0.element + 10, script: "quick") }
            }
            try node.bed.startDaemon()
            _ = await node.stub.waitFor(seconds: 15) { $0.isHeartbeat }
            await node.stub.stop()
            await NodeTestbed.sleep(until: Double(starts[2] + 12))
            for (index, start) in starts.enumerated() {
                let started = node.noted("100\(index + 1)", "started-at")
                #expect(abs((started ?? 0) - Double(start)) <= 1, "task 100\(index + 1) started at \(String(describing: started))")
            }
            let tasks = try await node.status()?["tasks"]?.arrayValue ?? []
            #expect(tasks.count == 3 && tasks.allSatisfy { ($0["outbox"]?.integerValue ?? 0) > 0 }, "\(tasks)")
            try await node.stub.start()
            for index in 1...3 {
                #expect(await node.stub.waitForReport("100\(index)", "finished", seconds: 30), "\(node.bed.daemonLog)")
            }
            try await Task.sleep(nanoseconds: 2_000_000_000)
            for index in 1...3 {
                let reports = node.stub.reports(for: "100\(index)").filter { $0 != "traffic" }
                #expect(reports.last == "finished" && Set(reports).count == reports.count, "100\(index): \(reports)")
                #expect(reports.firstIndex(of: "started") ?? 99 < reports.firstIndex(of: "finished") ?? 0, "100\(index): \(reports)")
            }
        }
    }

    @Test func scenario118_maintenanceFlagDuringARun() async throws {
        try await StubbedNode.with("outbox-maintenance") { node in
            let start = Self.now + 15
            try node.start(with: [CtldStub.task("1001", start: start, stop: start + 30)])
            await NodeTestbed.sleep(until: Double(start + 10))
            try "1\n".write(toFile: node.bed.path("flags/maintenance"), atomically: true, encoding: .utf8)
            let flagged = Date().timeIntervalSince1970
            let stopped = await node.waitForNote("1001", "stopped-at", seconds: 40)
            #expect(abs((stopped ?? 0) - Double(start + 30)) <= 1, "the run continues until its stop: \(String(describing: stopped))")
            #expect(await node.stub.waitForReport("1001", "stopped", seconds: 10), "\(node.bed.daemonLog)")
            let later = node.stub.heartbeats.filter { $0.at > flagged + 1 }
            #expect(!later.isEmpty && later.allSatisfy { $0.field("maintenance") == "1" })
        }
    }
}

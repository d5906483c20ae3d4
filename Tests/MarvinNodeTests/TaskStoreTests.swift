import Foundation
import MarvinCore
import Testing

@testable import MarvinNode

/// Durable task records (node-runtime §3.2) and their state changes with reports (§3.1).
@Suite struct TaskStoreTests {
    static func task(_ id: String, start: Int64, stop: Int64) -> HeartbeatTask {
        HeartbeatTask(id: id, expID: 1, start: start, stop: stop, status: TaskStatus("defined"),
                      deploymentOptions: ["script": "x/y:1", "_token": "s3cr3t"])
    }

    @Test func recordsSurviveAReopenAndReportWithTheirStateChange() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("marvind-tasks-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("marvind.db").path
        let store = try NodeStateStore(path: path)
        let tasks = TaskStore(store: store)
        #expect(try tasks.learn(Self.task("7", start: 2_000, stop: 2_600), now: 1))
        #expect(try !tasks.learn(Self.task("7", start: 2_000, stop: 2_600), now: 2), "a known task is not learned twice")
        #expect(try tasks.learn(Self.task("6", start: 1_000, stop: 1_600), now: 3))
        try tasks.apply(.init(.deploying), to: "7", now: 4, at: 4)
        try tasks.apply(.init(.deployed, status: "deployed"), to: "7", now: 5, at: 5)
        try tasks.apply(.init(.stopping, reason: .traffic(interface: "8946", netns: "op0")), to: "7", now: 6, at: 6)
        try tasks.apply(.init(.cleaning, status: "failed; traffic quota exceeded on interface 8946 (op0)"), to: "7", now: 7, at: 7)
        try tasks.apply(.init(.cleaning, status: "stopped"), to: "7", now: 8, at: 8)

        // Reopened, as after kill -9: the state, reason, options and reports are all there.
        let reopened = TaskStore(store: try NodeStateStore(path: path))
        let record = try #require(try reopened.record("7"))
        #expect(record.state == .cleaning)
        #expect(record.stopReason == .traffic(interface: "8946", netns: "op0"))
        #expect(record.finalStatus == "failed; traffic quota exceeded on interface 8946 (op0)", "a final status is decided once")
        #expect(record.privateOptions["_token"] == "s3cr3t")
        #expect(record.script == "x/y:1")
        #expect(try reopened.active().map(\.schedid) == ["6", "7"], "start order, for known_tasks")
        // The final status is queued behind the undelivered `deployed`, which it does not replace.
        let reports = try Outbox(store: try NodeStateStore(path: path)).pending().map(\.payload)
        #expect(reports == ["status=deployed&schedid=7&when=5.000",
                            "status=failed%3B%20traffic%20quota%20exceeded%20on%20interface%208946%20%28op0%29&schedid=7&when=7.000"])
        #expect(throws: TaskStore.UnknownTask.self) { try tasks.apply(.init(.deploying), to: "99", now: 9, at: 9) }
    }
}

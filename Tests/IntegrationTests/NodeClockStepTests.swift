import Foundation
import MarvinCore
import Testing

/// Wall-clock steps under a running experiment (node-runtime §5.5, §17 N, scenarios 103 and
/// 104). The machine's clock is shared, so marvind alone gets a clock that can be stepped: the
/// package's SteppableClock library, preloaded, adds the seconds written in a file to every
/// wall-clock reading and leaves the monotonic clock alone. The experiment (a child process)
/// keeps the real clock, as it would on a node.
@Suite(.enabled(if: Integration.enabled("openssl", "curl")))
struct NodeClockStepTests {
    /// Starts marvind with a wall clock offset by the seconds in the returned file (0 at first).
    static func startWithSteppableClock(_ node: StubbedNode, tasks: [JSONValue]) throws -> URL {
        let library = try Integration.productPath("libSteppableClock.so")
        let offsetFile = node.bed.directory.appendingPathComponent("clock-offset")
        try "0\n".write(to: offsetFile, atomically: true, encoding: .utf8)
        node.stub.update { $0.tasks = tasks }
        try node.bed.startDaemon(environment: ["LD_PRELOAD": library, "MARVIN_CLOCK_OFFSET_FILE": offsetFile.path])
        return offsetFile
    }

    @Test func scenario103_clockSteppedForward() async throws {
        try await StubbedNode.with("clock-forward") { node in
            let start = NodeTestbed.inSeconds(15)
            let offset = try Self.startWithSteppableClock(node, tasks: [CtldStub.task("9103", start: start, stop: start + 1200)])
            let started = try #require(await node.waitForNote("9103", "started-at", seconds: 60), "\(node.bed.daemonLog)")
            try await Task.sleep(nanoseconds: 3_000_000_000)
            let stepped = Date().timeIntervalSince1970
            try "3600\n".write(to: offset, atomically: true, encoding: .utf8)
            let stopped = try #require(await node.waitForNote("9103", "stopped-at", seconds: 30), "\(node.bed.daemonLog)")
            // Stopped at once: the stop instant lies in the past of the stepped clock.
            #expect(stopped - stepped < 3, "stopped \(stopped - stepped) s after the step")
            #expect(stopped - started < 20)
            #expect(await node.stub.waitForReport("9103", "stopped", seconds: 30), "status stopped")
        }
    }

    @Test func scenario104_clockSteppedBack() async throws {
        try await StubbedNode.with("clock-back") { node in
            let start = NodeTestbed.inSeconds(15)
            let offset = try Self.startWithSteppableClock(node, tasks: [CtldStub.task("9104", start: start, stop: start + 600)])
            let started = try #require(await node.waitForNote("9104", "started-at", seconds: 60), "\(node.bed.daemonLog)")
            await NodeTestbed.sleep(until: started + 60)
            try "-3600\n".write(to: offset, atomically: true, encoding: .utf8)
            // By the stepped clock the stop is an hour away; the monotonic watchdog bounds the run
            // at its planned length + stop_grace_period (2 s) + 5 s.
            let stopped = try #require(await node.waitForNote("9104", "stopped-at", seconds: 660), "\(node.bed.daemonLog)")
            #expect(stopped - started > 600 && stopped - started < 615, "stopped \(stopped - started) s after its start")
            #expect(node.bed.daemonLog.contains("monotonic watchdog fired"))
            // The ctld's certificate is not yet valid an hour ago, so the report waits in the outbox.
            // The program notes SIGTERM before marvind has finished the stop: the status follows.
            var task = try await node.taskStatus("9104")
            let deadline = Date().addingTimeInterval(20)
            while task?["last_status"]?.stringValue?.hasPrefix("stopped") != true, Date() < deadline {
                try await Task.sleep(nanoseconds: 500_000_000)
                task = try await node.taskStatus("9104")
            }
            #expect(task?["last_status"]?.stringValue?.hasPrefix("stopped") == true, "\(String(describing: task))")
        }
    }
}

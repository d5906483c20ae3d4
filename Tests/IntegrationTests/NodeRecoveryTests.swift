import Foundation
import MarvinCore
import MarvinNode
import Testing

/// SIGKILL of marvind at a step of a task (node-runtime §5.8, §17 L) and a state database that
/// cannot be written, on the `process` runtime, with a ctld stub that counts every report the
/// node sends.
@Suite(.enabled(if: Integration.enabled("openssl", "curl")))
struct NodeRecoveryTests {
    /// Scenario 90: killed while a `post-stop` hook runs; after the restart the hooks run again,
    /// cleanup completes and the final status is sent exactly once.
    @Test func scenario090_killDuringCleaning() async throws {
        try await StubbedNode.with("recovery-cleaning") { node in
            let runs = node.bed.path("post-stop-runs")
            // The hook takes long enough to be caught running even while the test run's start
            // holds this process up for seconds.
            try node.bed.program("post-stop.d/10-slow", "echo \"$MARVIN_PHASE\" >> \(runs)\nsleep 12", in: "hooks")
            let start = NodeTestbed.inSeconds(15)
            try node.start(with: [CtldStub.task("1001", start: start, stop: start + 20, script: "quick")])
            let deadline = Date().addingTimeInterval(90)
            while (try? String(contentsOfFile: runs, encoding: .utf8)) == nil, Date() < deadline { try await Task.sleep(nanoseconds: 100_000_000) }
            #expect((try? String(contentsOfFile: runs, encoding: .utf8)) != nil, "\(node.bed.daemonLog)")
            node.bed.killDaemon()
            try node.bed.startDaemon()
            var state: String?
            for _ in 0..<120 {
                state = try await node.taskStatus("1001")?["state"]?.stringValue
                if state == "done" { break }
                try await Task.sleep(nanoseconds: 500_000_000)
            }
            #expect(state == "done", "\(node.bed.daemonLog)")
            let phases = (try? String(contentsOfFile: runs, encoding: .utf8))?.split(separator: "\n") ?? []
            #expect(phases == ["post-stop", "post-stop"], "the post-stop hooks ran again")
            #expect(!FileManager.default.fileExists(atPath: node.bed.path("config/1001.conf")), "cleanup completed")
            #expect(node.stub.reports(for: "1001").filter { $0 != "traffic" } == ["deployed", "started", "finished"], "one final status")
        }
    }

    /// Scenario 85 (root): marvind killed between the allocation of the results disk and its
    /// mount. That moment lasts milliseconds, too short to hit with a signal, so the test leaves
    /// what such a kill leaves — the task `deploying` at sub-step `results_fs`, and an allocated
    /// disk without a filesystem — and starts marvind: the disk is made again and mounted with
    /// the right size, and `deployed` is reported once.
    @Test(.enabled(if: getuid() == 0)) func scenario085_killDuringResultsFilesystemCreation() async throws {
        try await StubbedNode.with("recovery-results-fs", config: ["results": ["mode": "loop"]]) { node in
            let start = NodeTestbed.inSeconds(60)
            let tasks = TaskStore(store: try NodeStateStore(path: node.bed.path("state/marvind.db")))
            let now = NodeTestbed.inSeconds(0)
            _ = try tasks.learn(HeartbeatTask(id: "1001", expID: 77, start: start, stop: start + 20, status: TaskStatus("defined"),
                                          deploymentOptions: ["script": "exp"]), now: now)
            _ = try tasks.apply(.init(.deploying), to: "1001", now: now, at: Double(now))
            try tasks.set("1001", [.substep: "results_fs"])
            try FileManager.default.createDirectory(atPath: node.bed.path("results"), withIntermediateDirectories: true)
            let disk = node.bed.path("results/1001.disk")
            #expect(FileManager.default.createFile(atPath: disk, contents: Data(count: 10_002_432), attributes: [.posixPermissions: 0o600]))

            let reported = try await node.start(with: [CtldStub.task("1001", start: start, stop: start + 20)], until: "1001", reports: "deployed", seconds: 30)
            #expect(reported, "\(node.bed.daemonLog)")
            let mounts = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
            #expect(mounts.contains(" \(node.bed.path("results/1001")) "), "the results filesystem is mounted")
            #expect((try FileManager.default.attributesOfItem(atPath: disk)[.size] as? NSNumber)?.int64Value == 10_002_432)
            #expect(node.bed.deployLog("1001").contains("incomplete results disk found; creating it again"), "\(node.bed.deployLog("1001"))")
            try await Task.sleep(nanoseconds: 3_000_000_000)
            #expect(node.stub.reports(for: "1001").filter { $0 != "traffic" } == ["deployed"], "exactly one deployed")
        }
    }

    /// Scenario 128 (root): the filesystem of the state database fills up during a run. The
    /// run still stops at its stop time, `marvind status` says `state database write failing`,
    /// the next task does not start while its transition cannot be saved, and once there is
    /// space again every transition is saved and every report delivered.
    @Test(.enabled(if: getuid() == 0)) func scenario128_stateDatabaseOnAFullFilesystem() async throws {
        try await StubbedNode.with("recovery-full-state") { node in
            let state = try await LoopFilesystem(image: node.bed.path("state.img"), mountPoint: node.bed.path("state"), megabytes: 16)
            let start = NodeTestbed.inSeconds(15)
            let tasks = [CtldStub.task("1001", start: start, stop: start + 20), CtldStub.task("1002", start: start + 26, stop: start + 60, script: "quick")]
            let reported = try await node.start(with: tasks, until: "1001", reports: "started", seconds: 30)
            #expect(reported, "\(node.bed.daemonLog)")
            try await state.fillCompletely()
            let stopped = await node.waitForNote("1001", "stopped-at", seconds: 40)
            #expect(abs((stopped ?? 0) - Double(start + 20)) <= 1, "stopped at \(String(describing: stopped)), expected \(start + 20)")
            let status = try await Program.run(node.bed.marvind, ["status", "--config", node.bed.configPath])
            #expect(status.stdout.contains("state database write failing"), "\(status.stdout)\n\(node.bed.daemonLog)")
            #expect(try await node.status()?["state_database"]?["write_failing"] == true)
            await NodeTestbed.sleep(until: Double(start + 30))
            #expect(node.noted("1002", "started-at") == nil, "no run starts while a transition is unsaved")

            try state.empty()
            let freed = Date().timeIntervalSince1970
            #expect(await node.stub.waitForReport("1001", "stopped", seconds: 30), "\(node.bed.daemonLog)")
            #expect(node.stub.reports(for: "1001").filter { $0 != "traffic" } == ["deployed", "started", "stopped"])
            let secondStart = await node.waitForNote("1002", "started-at", seconds: 30)
            #expect((secondStart ?? 0) > freed, "the next task starts once its transitions are saved")
            #expect(try await node.status()?["state_database"]?["write_failing"] == false)
        }
    }
}

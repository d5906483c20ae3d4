import Foundation
import MarvinCore
import MarvinNode
import Testing

/// SIGKILL of marvind at a step of a task (node-runtime §5.8, §17 L) on the `process` runtime,
/// with a ctld stub that counts every report the node sends.
@Suite(.enabled(if: Integration.enabled("openssl", "curl")))
struct NodeRecoveryTests {
    /// Scenario 90: killed while a `post-stop` hook runs; after the restart the hooks run again,
    /// cleanup completes and the final status is sent exactly once.
    @Test func scenario090_killDuringCleaning() async throws {
        try await StubbedNode.with("recovery-cleaning") { node in
            let runs = node.bed.path("post-stop-runs")
            try node.bed.program("post-stop.d/10-slow", "echo \"$MARVIN_PHASE\" >> \(runs)\nsleep 4", in: "hooks")
            let start = NodeTestbed.inSeconds(15)
            let reported = try await node.start(with: [CtldStub.task("1001", start: start, stop: start + 20, script: "quick")], until: "1001", reports: "finished", seconds: 30)
            #expect(reported, "\(node.bed.daemonLog)")
            let deadline = Date().addingTimeInterval(20)
            while (try? String(contentsOfFile: runs, encoding: .utf8)) == nil, Date() < deadline { try await Task.sleep(nanoseconds: 100_000_000) }
            node.bed.killDaemon()
            try node.bed.startDaemon()
            var state: String?
            for _ in 0..<60 {
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
}

import Foundation
import MarvinCore
import Testing

/// marvind as a whole (node-runtime §17, [U] scenarios): the real daemon on the `process`
/// runtime against the real marvinctld over mTLS. An experiment submitted through the REST API
/// is learned by heartbeat, deployed, started at its second, and reported back.
@Suite(.enabled(if: Integration.enabled("openssl", "curl")), .serialized)
struct NodeDaemonTests {
    static let experiment = """
        cp "$MONROE_CONFIG" "$MONROE_RESULTS/config-copy.json"
        cat "$MONROE_NODEID_FILE" > "$MONROE_RESULTS/nodeid-copy"
        date +%s.%N > "$MONROE_RESULTS/started-at"
        echo "hello on stdout"
        echo "hello on stderr" >&2
        sleep 1
        exit "${EXIT_CODE:-0}"
        """

    /// Scenarios 48 (`/monroe/config`), 73 (finished early) and 77 (`container.stat`), with a
    /// start within 1 s of its second.
    @Test func scenario048_073_077_runOnTimeAndFinishEarly() throws {
        let bed = try NodeTestbed("node-run")
        defer { bed.close() }
        try bed.writeConfig(["eduroam": ["enabled": true]])
        try bed.program("exp-ok", Self.experiment)
        try bed.startDaemon()
        #expect(bed.waitForLog("ctld knows this node as Node 48"), "\(bed.daemonLog)")
        let start = Int64(Date().timeIntervalSince1970) + 25
        let options: JSONValue = [
            "storage": 20_000_000, "traffic": 1_000_000, "foo": "bar",
            "_ssh": ["private": "SECRET-SSH-1"], "_eduroam": ["identity": "SECRET-ID-3", "hash": "hash:0123456789abcdef0123456789abcdef"],
        ]
        let submitted = try bed.submit(script: "exp-ok", start: start, stop: start + 60, options: options)
        let schedid = try #require(submitted.tasks.first)
        let final = try bed.waitForStatus(schedid, ["finished", "failed", "stopped"], seconds: 70)
        #expect(final == "finished", "\(bed.daemonLog)")

        let results = bed.path("results/\(schedid)")
        let config = try #require(try? JSONParser.parse(String(contentsOfFile: "\(results)/config-copy.json", encoding: .utf8)))
        #expect(config["nodeid"] == "48")
        #expect(config["foo"] == "bar")
        #expect(config["storage"] == 20_000_000)
        #expect(config["_ssh"]?["private"] == "SECRET-SSH-1", "hidden options reach the experiment")
        #expect(config["_eduroam"] == nil, "_eduroam stays on the host")
        #expect(config["start"] == .int(start))
        #expect(config["script"] == "exp-ok")
        let guid = try #require(config["guid"]?.stringValue)
        #expect(guid.hasPrefix("sha256:") && guid.hasSuffix(".\(schedid).48.1"), "\(guid)")
        #expect(config["node_interfaces"] == [])
        #expect(try String(contentsOfFile: "\(results)/nodeid-copy", encoding: .utf8) == "48\n")

        let startedAt = try #require(Double(try String(contentsOfFile: "\(results)/started-at", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(abs(startedAt - Double(start)) <= 1, "started \(startedAt - Double(start)) s from its start")

        let log = try String(contentsOfFile: "\(results)/container.log", encoding: .utf8)
        let lines = log.split(separator: "\n")
        #expect(lines.contains { $0.hasSuffix(" hello on stdout") } && lines.contains { $0.hasSuffix(" hello on stderr") }, "\(log)")
        #expect(lines.allSatisfy { $0.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z "#, options: .regularExpression) != nil })

        let stat = try #require(try? JSONParser.parse(String(contentsOfFile: "\(results)/container.stat", encoding: .utf8)))
        #expect(stat["status"] == "finished")
        #expect(stat["stop_reason"] == "exited")
        #expect(stat["exit_code"] == 0)
        #expect(stat["start_counter"] == 1)
        #expect(stat["guid"] == .string(guid))
        for key in ["deployment", "results", "interfaces", "oom_killed", "results_full", "log_lines_dropped", "started_at", "ended_at"] {
            #expect(stat[key] != nil, "container.stat has \(key)")
        }
        for file in ["deploy.log", "start.log", "cleanup.log"] {
            #expect(FileManager.default.fileExists(atPath: "\(results)/\(file)"), "\(file) is delivered with the results")
        }
        #expect(!FileManager.default.fileExists(atPath: bed.path("config/\(schedid).conf")), "the task config is removed at cleanup")

        // Hidden values appear in no log and no status text (§15.4).
        let everything = [bed.daemonLog, (try? String(contentsOfFile: bed.path("marvind.log"), encoding: .utf8)) ?? "",
                          (try? String(contentsOfFile: "\(results)/deploy.log", encoding: .utf8)) ?? "",
                          (try? String(contentsOfFile: "\(results)/start.log", encoding: .utf8)) ?? "",
                          (try? String(contentsOfFile: "\(results)/container.stat", encoding: .utf8)) ?? ""].joined()
        #expect(!everything.contains("SECRET-SSH-1") && !everything.contains("SECRET-ID-3"))

        // The task is done once the ctld has every report, and `marvind status` says so.
        var state: String?
        for _ in 0..<40 {
            let status = try Program.run(bed.marvind, ["status", "--json", "--config", bed.configPath])
            state = (try? JSONParser.parse(status.stdout))?["tasks"]?.arrayValue?.first?["state"]?.stringValue
            if state == "done" { break }
            usleep(500_000)
        }
        #expect(state == "done")
        #expect(bed.stopDaemon() == 0, "SIGTERM ends marvind cleanly")
        let down = try Program.run(bed.marvind, ["status", "--json", "--config", bed.configPath])
        #expect(down.status == 3, "scenario 125: exit 3 without the daemon")
        #expect((try? JSONParser.parse(down.stdout))?["daemon"] == "not running")
    }
}

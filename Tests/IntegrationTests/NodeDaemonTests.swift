import Foundation
import MarvinCore
import MarvinNode
import Testing

/// marvind as a whole (node-runtime §17, [U] scenarios): the real daemon on the `process`
/// runtime against the real marvinctld over mTLS. An experiment submitted through the REST API
/// is learned by heartbeat, deployed, started at its second, and reported back.
@Suite(.enabled(if: Integration.enabled("openssl", "curl")))
struct NodeDaemonTests {
    static let experiment = """
        cp "$MONROE_CONFIG" "$MONROE_RESULTS/config-copy.json"
        cat "$MONROE_NODEID_FILE" > "$MONROE_RESULTS/nodeid-copy"
        date +%s.%N > "$MONROE_RESULTS/started-at"
        echo "hello on stdout"
        echo "hello on stderr" >&2
        echo "marvin-test-kernel $MONROE_RESULTS" 2>/dev/null > /dev/kmsg
        sleep 1
        exit "${EXIT_CODE:-0}"
        """

    /// Scenarios 48 (`/monroe/config`), 73 (finished early) and 77 (`container.stat`), with a
    /// start within 1 s of its second.
    @Test func scenario048_073_077_124_125_126_runOnTimeAndFinishEarly() async throws {
        let bed = try NodeTestbed("node-run")
        defer { bed.close() }
        let observability = "127.0.0.1:\(Integration.freePort())"
        try bed.writeConfig(["eduroam": ["enabled": true], "observability": ["listen": .string(observability)]])
        try bed.program("exp-ok", Self.experiment)
        try bed.startDaemon()
        #expect(await bed.waitForLog("ctld knows this node as Node 48"), "\(bed.daemonLog)")
        let start = Int64(Date().timeIntervalSince1970) + 25
        let options: JSONValue = [
            "storage": 20_000_000, "traffic": 1_000_000, "foo": "bar",
            "_ssh": ["private": "SECRET-SSH-1"], "_eduroam": ["identity": "SECRET-ID-3", "hash": "hash:0123456789abcdef0123456789abcdef"],
        ]
        let submitted = try bed.submit(script: "exp-ok", start: start, stop: start + 60, options: options)
        let schedid = try #require(submitted.tasks.first)
        let final = try await bed.waitForStatus(schedid, ["finished", "failed", "stopped"], seconds: 70)
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
        if getuid() == 0 {
            // §9.6 step 4: what the kernel logged during the run (the program wrote to /dev/kmsg).
            let cleanup = (try? String(contentsOfFile: "\(results)/cleanup.log", encoding: .utf8)) ?? ""
            #expect(cleanup.contains(" kernel: marvin-test-kernel \(results)"), "\(cleanup)")
        }

        // Hidden values appear in no log and no status text (§15.4).
        let everything = [bed.daemonLog, (try? String(contentsOfFile: bed.path("marvind.log"), encoding: .utf8)) ?? "",
                          (try? String(contentsOfFile: "\(results)/deploy.log", encoding: .utf8)) ?? "",
                          (try? String(contentsOfFile: "\(results)/start.log", encoding: .utf8)) ?? "",
                          (try? String(contentsOfFile: "\(results)/container.stat", encoding: .utf8)) ?? ""].joined()
        #expect(!everything.contains("SECRET-SSH-1") && !everything.contains("SECRET-ID-3"))

        // The task is done once the ctld has every report, and `marvind status` says so.
        var state: String?
        for _ in 0..<40 {
            let status = try await Program.run(bed.marvind, ["status", "--json", "--config", bed.configPath])
            state = (try? JSONParser.parse(status.stdout))?["tasks"]?.arrayValue?.first?["state"]?.stringValue
            if state == "done" { break }
            try await Task.sleep(nanoseconds: 500_000_000)
        }
        #expect(state == "done")

        // Scenario 126: the local endpoint's metrics after one complete run; 124: no secret in them.
        let metrics = try bed.curl.request("http://\(observability)/metrics")
        #expect(metrics.status == 200)
        let series = Dictionary(metrics.body.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line -> (String, Double)? in
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { return nil }
            return (String(line[..<space]), value)
        }, uniquingKeysWith: { $1 })
        #expect((series[#"marvind_heartbeats_total{result="ok"}"#] ?? 0) > 0, "\(metrics.body)")
        #expect(series["marvind_task_start_deviation_seconds_count"] == 1)
        #expect(series[#"marvind_tasks{state="done"}"#] == 1)
        let statusEndpoint = try bed.curl.request("http://\(observability)/status")
        #expect(statusEndpoint.json?["tasks"]?.arrayValue?.first?["state"] == "done")
        #expect(try bed.curl.request("http://\(observability)/other").status == 404)
        for text in [metrics.body, statusEndpoint.body] {
            #expect(!text.contains("SECRET-SSH-1") && !text.contains("SECRET-ID-3"))
        }
        #expect(bed.stopDaemon() == 0, "SIGTERM ends marvind cleanly")
        let down = try await Program.run(bed.marvind, ["status", "--json", "--config", bed.configPath])
        #expect(down.status == 3, "scenario 125: exit 3 without the daemon")
        #expect((try? JSONParser.parse(down.stdout))?["daemon"] == "not running")
        let listed = (try? JSONParser.parse(down.stdout))?["tasks"]?.arrayValue ?? []
        #expect(listed.contains { $0["schedid"] == .string(schedid) && $0["state"] == "done" }, "tasks from the state database: \(down.stdout)")
    }

    /// A run until SIGTERM, with the times it started and got the signal.
    static let longRun = """
        date +%s.%N > "$MONROE_RESULTS/started-at"
        trap 'date +%s.%N > "$MONROE_RESULTS/term-at"; exit 0' TERM
        echo running
        while true; do sleep 0.2; done
        """

    /// Scenarios 17 and 82: the ctld is unreachable from before the start until after the stop.
    /// The run starts and stops at its seconds anyway; when the ctld is back, `started`, a
    /// traffic report and `stopped` arrive in that order, once each.
    @Test func scenario017_082_wholeRunOffline() async throws {
        let bed = try NodeTestbed("node-offline")
        defer { bed.close() }
        try bed.program("exp-long", Self.longRun)
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(22)
        let stop = start + 8
        let schedid = try #require(try bed.submit(script: "exp-long", start: start, stop: stop).tasks.first)
        #expect(try await bed.waitForStatus(schedid, ["deployed"], seconds: 20) == "deployed", "\(bed.daemonLog)")
        bed.ctld.stop()
        await NodeTestbed.sleep(until: Double(stop) + 3)
        let started = try #require(bed.result(schedid, "started-at").flatMap(Double.init))
        let terminated = try #require(bed.result(schedid, "term-at").flatMap(Double.init))
        #expect(abs(started - Double(start)) <= 1, "start \(started - Double(start)) s off while offline")
        #expect(abs(terminated - Double(stop)) <= 1, "stop \(terminated - Double(stop)) s off while offline")
        #expect(try bed.status(schedid) == nil, "the ctld is down")
        try bed.ctld.start()
        try bed.curl.waitUntilAnswering("https://localhost:\(bed.ctld.port)/version", caFile: bed.pki.caCertificate)
        #expect(try await bed.waitForStatus(schedid, ["stopped"], seconds: 40) == "stopped", "\(bed.daemonLog)")
        let log = bed.daemonLog
        let started_ = try #require(log.range(of: "status queued: started"))
        let stopped = try #require(log.range(of: "status queued: stopped"))
        #expect(started_.lowerBound < stopped.lowerBound)
        #expect(log.components(separatedBy: "status queued: started").count == 2 && log.components(separatedBy: "status queued: stopped").count == 2)
        let report = try bed.curl.request("\(bed.api)/schedules/\(schedid)", certificate: bed.alice, caFile: bed.pki.caCertificate).json?["report"]
        #expect(report?["deployment"] != nil, "the traffic report arrived: \(String(describing: report))")
    }

    /// Scenario 93 on the process runtime (the unit itself runs under systemd in
    /// SystemdUnitTests): `marvind emergency-stop` asks the daemon first; with the daemon hung
    /// it waits 5 s, does nothing before `stop + backup_stop_delay`, then kills the run and
    /// leaves the marker, and the restarted daemon reports `stopped` once.
    @Test func scenario093_emergencyStopWhileTheDaemonHangs() async throws {
        let bed = try NodeTestbed("node-emergency")
        defer { bed.close() }
        try bed.writeConfig(["timing": ["backup_stop_delay": 2]])
        try bed.program("exp-long", "echo $$ > \"$MONROE_RESULTS/pid\"\n" + Self.longRun)
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(15)
        let stop = start + 10
        let schedid = try #require(try bed.submit(script: "exp-long", start: start, stop: stop).tasks.first)
        #expect(try await bed.waitForStatus(schedid, ["started"], seconds: 30) == "started", "\(bed.daemonLog)")
        let emergencyStop = { try await Program.run(bed.marvind, ["emergency-stop", "--config", bed.configPath, schedid]) }

        let answered = try await emergencyStop()
        #expect(answered.status == 0 && answered.stdout.contains("marvind answered (200): task \(schedid) stops at \(stop); not yet"), "\(answered)")
        let daemon = try #require(bed.daemon)
        kill(daemon.pid, SIGSTOP)
        let early = try await emergencyStop()
        #expect(early.status == 0 && early.stdout.contains("did not answer") && early.stdout.contains("not yet; nothing done"), "\(early)")
        let pid = try #require(bed.result(schedid, "pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        #expect(Self.isAlive(pid), "the run goes on before its backup stop")

        await NodeTestbed.sleep(until: Double(stop + 2) + 0.5)
        let late = try await emergencyStop()
        #expect(late.status == 0 && late.stdout.contains("killed run"), "\(late)")
        #expect(!Self.isAlive(pid), "the run was killed")
        let marker = bed.path("work/emergency/\(schedid)")
        #expect(FileManager.default.fileExists(atPath: marker))

        bed.killDaemon()
        try bed.startDaemon()
        #expect(try await bed.waitForStatus(schedid, ["stopped", "failed"], seconds: 40) == "stopped", "\(bed.daemonLog)")
        #expect(await bed.waitForLog("syncing -> done", seconds: 30), "\(bed.daemonLog)")
        #expect(bed.daemonLog.contains("the backup stop unit ended the run while marvind was down"))
        #expect(!FileManager.default.fileExists(atPath: marker), "the marker goes at cleanup")
        let unknown = try await Program.run(bed.marvind, ["emergency-stop", "--config", bed.configPath, "../1"])
        #expect(unknown.status == 0 && unknown.stdout.contains("is not a task id"), "\(unknown)")
    }

    /// A process that is neither gone nor a zombie.
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
    }

    /// Scenario 50: the maintenance flag set before the pre-start fails a deployed task at
    /// `start − prestart_lead`; set by a deploy hook that ends after the start, the task is
    /// `deployed` and then fails as started into maintenance.
    @Test func scenario050_maintenanceAtStart() async throws {
        let bed = try NodeTestbed("node-maintenance-start")
        defer { bed.close() }
        let flag = bed.path("flags/maintenance")
        try FileManager.default.createDirectory(atPath: bed.path("flags"), withIntermediateDirectories: true)
        try bed.program("exp-ok", Self.experiment)
        try bed.program("deploy.d/10-late", """
            grep -q '"hook":"late"' "$MARVIN_CONFIG" || exit 0
            while [ "$(date +%s)" -lt $((MARVIN_START + 2)) ]; do sleep 0.2; done
            echo 1 > \(flag)
            """, in: "hooks")
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(20)
        let onTime = try #require(try bed.submit(script: "exp-ok", start: start, stop: start + 10).tasks.first)
        #expect(try await bed.waitForStatus(onTime, ["deployed"], seconds: 20) == "deployed", "\(bed.daemonLog)")
        try "1\n".write(toFile: flag, atomically: true, encoding: .utf8)
        #expect(try await bed.waitForStatus(onTime, ["failed", "started", "finished"], seconds: 30) == "failed; node is in maintenance mode.", "\(bed.daemonLog)")
        let failedSeen = Date().timeIntervalSince1970
        #expect(abs(failedSeen - Double(start - 3)) <= 1.5, "failed \(failedSeen - Double(start)) s from the start")
        #expect(bed.result(onTime, "started-at") == nil, "no run")

        try "0\n".write(toFile: flag, atomically: true, encoding: .utf8)
        // The ctld keeps the node in maintenance until a heartbeat says `maintenance=0`.
        var submitted: (experiment: Int64, tasks: [String])?
        for _ in 0..<30 where submitted == nil {
            let lateStart = NodeTestbed.inSeconds(20)
            submitted = try? bed.submit(script: "exp-ok", start: lateStart, stop: lateStart + 30, options: ["hook": "late"])
            if submitted == nil { try await Task.sleep(nanoseconds: 1_000_000_000) }
        }
        let late = try #require(submitted?.tasks.first, "the ctld took the node out of maintenance")
        #expect(try await bed.waitForStatus(late, ["failed", "started"], seconds: 40) == "failed; started into maintenance mode.", "\(bed.daemonLog)")
        // `deployed` comes first (the ctld keeps only the latest status).
        let log = bed.daemonLog
        let deployed = try #require(log.range(of: "task \(late): status queued: deployed"), "\(log)")
        #expect(log[deployed.upperBound...].contains("task \(late): status queued: failed; started into maintenance mode."))
        #expect(bed.result(late, "started-at") == nil, "no run")
    }

    /// Scenario 78 with a process: an abort while the run is going stops it at once and the
    /// node reports no status of its own (the ctld keeps `aborted`).
    @Test func scenario078_abortWhileRunning() async throws {
        let bed = try NodeTestbed("node-abort")
        defer { bed.close() }
        try bed.program("exp-long", Self.longRun)
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(20)
        let submitted = try bed.submit(script: "exp-long", start: start, stop: start + 120)
        let schedid = try #require(submitted.tasks.first)
        #expect(try await bed.waitForStatus(schedid, ["started"], seconds: 40) == "started", "\(bed.daemonLog)")
        #expect(try bed.deleteExperiment(submitted.experiment) == 200)
        #expect(try bed.status(schedid) == "aborted")
        // Learned at the next heartbeat (period 10 s), then SIGTERM at once.
        let deadline = Date().addingTimeInterval(20)
        while bed.result(schedid, "term-at") == nil && Date() < deadline { try await Task.sleep(nanoseconds: 200_000_000) }
        #expect(bed.result(schedid, "term-at") != nil, "\(bed.daemonLog)")
        #expect(await bed.waitForLog("syncing -> done", seconds: 20))
        #expect(try bed.status(schedid) == "aborted", "no final status from the node")
        let stat = try #require(bed.result(schedid, "container.stat").flatMap { try? JSONParser.parse($0) })
        #expect(stat["status"] == .null && stat["stop_reason"] == "aborted")
    }

    /// Scenario 79: canceled before its start, the task never runs; its deploy log is kept and
    /// no status is reported.
    @Test func scenario079_cancelBeforeStart() async throws {
        let bed = try NodeTestbed("node-cancel")
        defer { bed.close() }
        try bed.program("exp-long", Self.longRun)
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(35)
        let submitted = try bed.submit(script: "exp-long", start: start, stop: start + 30)
        let schedid = try #require(submitted.tasks.first)
        #expect(try await bed.waitForStatus(schedid, ["deployed"], seconds: 20) == "deployed", "\(bed.daemonLog)")
        #expect(try bed.deleteExperiment(submitted.experiment) == 200)
        #expect(await bed.waitForLog("task \(schedid): deployed -> cleaning (abort)", seconds: 20), "\(bed.daemonLog)")
        #expect(await bed.waitForLog("syncing -> done", seconds: 20))
        await NodeTestbed.sleep(until: Double(start) + 2)
        #expect(bed.result(schedid, "started-at") == nil, "nothing runs at the start time")
        #expect(bed.result(schedid, "deploy.log") != nil)
        #expect(!FileManager.default.fileExists(atPath: bed.path("config/\(schedid).conf")))
        #expect(try bed.status(schedid) == "aborted")
    }

    /// Scenarios 31 and 54: deploy and pre-start hooks decide with their exit codes.
    @Test func scenario031_054_hookExitCodes() async throws {
        let bed = try NodeTestbed("node-hooks")
        defer { bed.close() }
        try bed.program("exp-ok", Self.experiment)
        try bed.program("deploy.d/10-check", #"grep -q '"hook":"deploy42"' "$MARVIN_CONFIG" && exit 42; exit 0"#, in: "hooks")
        try bed.program("pre-start.d/10-check", #"read -r input; case "$input" in *'"hook":"prestart11"'*) exit 11;; *'"hook":"prestart77"'*) exit 77;; esac; exit 0"#, in: "hooks")
        try await bed.startAndWaitForTheCtld()
        var tasks: [(String, String)] = []
        for (offset, hook) in [(20, "deploy42"), (40, "prestart11"), (60, "prestart77")] {
            let start = NodeTestbed.inSeconds(Int64(offset))
            tasks.append((try #require(try bed.submit(script: "exp-ok", start: start, stop: start + 10, options: ["hook": .string(hook)]).tasks.first), hook))
        }
        let expected = ["deploy42": "failed; Unknown Error 42", "prestart11": "failed; network namespace does not exist.", "prestart77": "failed; start hook exit code 77."]
        for (schedid, hook) in tasks {
            #expect(try await bed.waitForStatus(schedid, ["failed", "finished", "stopped"], seconds: 90) == expected[hook], "\(hook): \(bed.daemonLog)")
        }
    }

    /// Scenarios 33 and 34: a deploy that ends after the start time still starts the run at
    /// once (`started`, the deviation in `start.log`); one that ends too close to the stop time
    /// fails without a run.
    @Test func scenario033_034_lateDeploys() async throws {
        let bed = try NodeTestbed("node-late")
        defer { bed.close() }
        try bed.program("exp-ok", Self.experiment)
        // The deploy hook waits until a time the task's options name, relative to its start or stop.
        try bed.program("deploy.d/10-wait", """
            read -r input
            case "$input" in
              *'"waitfor":"start+4"'*) until=$((MARVIN_START + 4));;
              *'"waitfor":"stop-3"'*) until=$((MARVIN_STOP - 3));;
              *) exit 0;;
            esac
            while [ "$(date +%s)" -lt "$until" ]; do sleep 0.2; done
            """, in: "hooks")
        try await bed.startAndWaitForTheCtld()
        let lateStart = NodeTestbed.inSeconds(20)
        let late = try #require(try bed.submit(script: "exp-ok", start: lateStart, stop: lateStart + 40, options: ["waitfor": "start+4"]).tasks.first)
        let tooLateStart = lateStart + 45
        let tooLate = try #require(try bed.submit(script: "exp-ok", start: tooLateStart, stop: tooLateStart + 10, options: ["waitfor": "stop-3"]).tasks.first)
        #expect(try await bed.waitForStatus(late, ["finished", "failed", "stopped"], seconds: 60) == "finished", "\(bed.daemonLog)")
        let started = try #require(bed.result(late, "started-at").flatMap(Double.init))
        #expect(started >= Double(lateStart) + 4 && started <= Double(lateStart) + 4 + 2, "late start \(started - Double(lateStart)) s after the start")
        #expect(bed.result(late, "start.log")?.contains("ms from the scheduled start") == true)
        #expect(bed.daemonLog.contains("task \(late): deploying -> preparing"), "deployed after the start: straight on to prepare")
        #expect(try await bed.waitForStatus(tooLate, ["finished", "failed", "stopped"], seconds: 60)
            == "failed; deployment time exceeded stop time, skipped start hook", "\(bed.daemonLog)")
        #expect(bed.result(tooLate, "started-at") == nil, "no run")
    }

    /// Scenario 102: one experiment at a time. Shared (passive) tasks A and B do not block the
    /// ctld from placing overlapping tasks; on the node B waits for A, says so once, and starts
    /// right after A's cleanup; C, whose stop comes too soon for that, fails.
    @Test func scenario102_oneExperimentAtATime() async throws {
        let bed = try NodeTestbed("node-overlap")
        defer { bed.close() }
        try bed.program("exp-long", Self.longRun)
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(25)
        let a = try #require(try bed.submit(script: "exp-long", start: start, stop: start + 20, options: ["shared": 1]).tasks.first)
        let b = try #require(try bed.submit(script: "exp-long", start: start + 8, stop: start + 40, options: ["shared": 1]).tasks.first)
        let c = try #require(try bed.submit(script: "exp-long", start: start + 12, stop: start + 24).tasks.first)
        #expect(try await bed.waitForStatus(b, ["delayed; currently running another experiment"], seconds: 50) == "delayed; currently running another experiment",
                "\(bed.daemonLog)")
        #expect(try await bed.waitForStatus(a, ["stopped"], seconds: 40) == "stopped", "\(bed.daemonLog)")
        #expect(try await bed.waitForStatus(c, ["failed"], seconds: 30) == "failed; node busy with another experiment until stop time", "\(bed.daemonLog)")
        #expect(try await bed.waitForStatus(b, ["stopped", "failed", "finished"], seconds: 40) == "stopped", "\(bed.daemonLog)")
        let aEnded = try #require(bed.result(a, "term-at").flatMap(Double.init))
        let bStarted = try #require(bed.result(b, "started-at").flatMap(Double.init))
        #expect(bStarted >= aEnded && bStarted <= aEnded + 3, "B starts right after A: \(bStarted - aEnded) s")
        #expect(bed.result(c, "started-at") == nil)
        #expect(bed.daemonLog.components(separatedBy: "task \(b): status queued: delayed; currently running another experiment").count == 2, "said once")
    }

    /// Scenario 26: the maintenance flag delays deploys (and heartbeats carry it); clearing it
    /// lets the task deploy at the next retry.
    @Test func scenario026_maintenanceFlagDelaysDeploys() async throws {
        let bed = try NodeTestbed("node-maintenance")
        defer { bed.close() }
        try bed.program("exp-ok", Self.experiment)
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(40)
        let schedid = try #require(try bed.submit(script: "exp-ok", start: start, stop: start + 10).tasks.first)
        // Set before the heartbeat that delivers the task.
        try "1\n".write(toFile: bed.path("flags/maintenance"), atomically: true, encoding: .utf8)
        #expect(try await bed.waitForStatus(schedid, ["delayed", "deployed"], seconds: 20) == "delayed; cannot deploy while node is in maintenance mode",
                "\(bed.daemonLog)")
        try "0\n".write(toFile: bed.path("flags/maintenance"), atomically: true, encoding: .utf8)
        #expect(try await bed.waitForStatus(schedid, ["deployed"], seconds: 20) == "deployed", "\(bed.daemonLog)")
    }

    /// Scenario 70: in `directory` mode a run writing past its storage is stopped within 11 s.
    @Test func scenario070_softStorageCap() async throws {
        let bed = try NodeTestbed("node-storage")
        defer { bed.close() }
        try bed.program("exp-fill", """
            date +%s.%N > "$MONROE_RESULTS/filled-at"
            dd if=/dev/zero of="$MONROE_RESULTS/fill" bs=1048576 count=5 2>/dev/null
            while true; do sleep 0.2; done
            """)
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(20)
        let schedid = try #require(try bed.submit(script: "exp-fill", start: start, stop: start + 120, options: ["storage": 1_000_000]).tasks.first)
        #expect(try await bed.waitForStatus(schedid, ["failed", "stopped", "finished"], seconds: 60) == "failed; storage quota exceeded", "\(bed.daemonLog)")
        let filled = try #require(bed.result(schedid, "filled-at").flatMap(Double.init))
        let stat = try #require(bed.result(schedid, "container.stat").flatMap { try? JSONParser.parse($0) })
        let ended = try #require(stat["ended_at"].flatMap { value -> Double? in if case .double(let d) = value { return d } else { return value.integerValue.map(Double.init) } })
        #expect(ended - filled <= 11 + 2, "stopped \(ended - filled) s after exceeding")
    }

    /// Scenario 37 (root): without a `storage` option the results filesystem has the default
    /// size, 10 000 000 bytes rounded up to 4096.
    @Test(.enabled(if: getuid() == 0)) func scenario037_defaultStorage() async throws {
        let bed = try NodeTestbed("node-default-storage")
        defer { bed.close() }
        try bed.writeConfig(["results": ["mode": "loop"]])
        try bed.program("exp-ok", Self.experiment)
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(60)
        let schedid = try #require(try bed.submit(script: "exp-ok", start: start, stop: start + 30).tasks.first)
        #expect(try await bed.waitForStatus(schedid, ["deployed", "failed"], seconds: 30) == "deployed", "\(bed.daemonLog)")
        let disk = try FileManager.default.attributesOfItem(atPath: bed.path("results/\(schedid).disk"))
        #expect((disk[.size] as? NSNumber)?.int64Value == 10_002_432)
    }

    /// `marvind results list` and `purge` (§1.5, §9.7): a done task's results are listed with
    /// their state and size and deleted only with `--yes`; a task that is not done and an
    /// unknown id are refused (exit 1) and nothing is deleted.
    @Test func resultsListAndPurge() async throws {
        let bed = try NodeTestbed("node-results-command")
        defer { bed.close() }
        try bed.program("exp-ok", Self.experiment)
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(15)
        let done = try #require(try bed.submit(script: "exp-ok", start: start, stop: start + 20).tasks.first)
        let later = try #require(try bed.submit(script: "exp-ok", start: start + 600, stop: start + 620).tasks.first)
        #expect(try await bed.waitForStatus(done, ["finished", "failed"], seconds: 40) == "finished", "\(bed.daemonLog)")
        func results(_ arguments: String...) async throws -> ProgramResult {
            try await Program.run(bed.marvind, ["results"] + arguments + ["--config", bed.configPath])
        }
        var listed: [JSONValue] = []
        for _ in 0..<40 {
            listed = (try? JSONParser.parse(try await results("list", "--json").stdout))?["results"]?.arrayValue ?? []
            if listed.first(where: { $0["schedid"] == .string(done) })?["state"] == "done" { break }
            try await Task.sleep(nanoseconds: 500_000_000)
        }
        let entry = try #require(listed.first { $0["schedid"] == .string(done) }, "\(listed)")
        #expect(entry["state"] == "done")
        #expect((entry["bytes"]?.integerValue ?? 0) > 0)
        #expect(entry["directory"] == .string(bed.path("results/\(done)")))
        #expect(listed.contains { $0["schedid"] == .string(later) && $0["state"] == "deployed" })
        #expect(try await results("list").stdout.contains("\(done)\tdone\t"))

        let unconfirmed = try await results("purge", done)
        #expect(unconfirmed.status != 0 && unconfirmed.stderr.contains("--yes"), "\(unconfirmed.stderr)")
        let busy = try await results("purge", later, "--yes")
        #expect(busy.status == 1 && busy.stderr.contains("task \(later) is deployed on this node"), "\(busy.stderr)")
        let unknown = try await results("purge", "4711", "--yes")
        #expect(unknown.status == 1 && unknown.stderr.contains("no results of task 4711"))
        #expect(FileManager.default.fileExists(atPath: bed.path("results/\(done)/container.log")), "nothing deleted so far")
        let purged = try await results("purge", done, "--yes")
        #expect(purged.status == 0, "\(purged.stderr)")
        #expect(!FileManager.default.fileExists(atPath: bed.path("results/\(done)")))
        #expect(FileManager.default.fileExists(atPath: bed.path("results/\(later)")))
    }

    /// Scenario 1: the legacy `/etc/marvind.conf` of the old scheduling client still validates;
    /// what marvind no longer uses is named in warnings.
    @Test func scenario001_legacyConfigValidates() async throws {
        let bed = try NodeTestbed("node-legacy-config")
        defer { bed.close() }
        try "48\n".write(toFile: bed.path("nodeid"), atomically: true, encoding: .utf8)
        let legacy = bed.path("marvind.conf")
        try """
            idfile: \(bed.path("nodeid"))
            rest-server: https://scheduler.monroe-system.eu/v1
            ssl:
              key: \(bed.node.key)
              cert: \(bed.node.cert)
            hooks:
              deploy: /usr/bin/container-deploy.sh
              start: /usr/bin/container-start.sh
              stop: /usr/bin/container-stop.sh
            marvind_username: monroe
            heartbeat_period: 60
            log:
              file: \(bed.path("marvind.log"))
              level: 5
            task_location: /experiments/monroe
            status_directory: \(bed.path("results"))
            config_directory: \(bed.path("config"))

            """.write(toFile: legacy, atomically: true, encoding: .utf8)
        chmod(legacy, 0o600)
        let check = try await Program.run(bed.marvind, ["check-config", legacy])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let lines = check.stdout.split(separator: "\n").map(String.init)
        for key in ["marvind_username", "task_location", "hooks.deploy", "hooks.start", "hooks.stop"] {
            #expect(lines.contains { $0.contains(": \(key): warning: ") }, "\(key): \(check.stdout)")
        }
        #expect(lines.last == "configuration OK")
    }

    /// Scenarios 2, 3 and 4: an invalid configuration exits 78, a bad id file names the file,
    /// and a second instance exits 1.
    @Test func scenario002_003_004_startUpRefusals() async throws {
        let bed = try NodeTestbed("node-startup")
        defer { bed.close() }
        let bad = bed.path("bad.yaml")
        // The node's valid configuration with exactly three problems.
        var object = try #require(try JSONParser.parse(String(contentsOfFile: bed.configPath, encoding: .utf8)).objectValue)
        object["heartbeat_period"] = "sixty"
        object["heartbeat_periode"] = 60
        object["rest-server"] = nil
        try JSONWriter.write(.object(object)).write(toFile: bad, atomically: true, encoding: .utf8)
        chmod(bad, 0o600)
        let check = try await Program.run(bed.marvind, ["check-config", bad])
        #expect(check.status == 1)
        let errors = check.stdout.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(errors.count == 3, "\(check.stdout)")
        for key in ["heartbeat_period", "heartbeat_periode", "rest-server"] {
            #expect(errors.contains { $0.hasPrefix(bad + ":") && $0.contains(": \(key): error: ") }, "\(key): \(check.stdout)")
        }
        let refused = try await Program.run(bed.marvind, ["run", "--config", bad])
        #expect(refused.status == 78)

        try "node48\n".write(toFile: bed.path("nodeid"), atomically: true, encoding: .utf8)
        var config = try String(contentsOfFile: bed.configPath, encoding: .utf8)
        config = config.replacingOccurrences(of: "\"id\": 48", with: "\"idfile\": \"\(bed.path("nodeid"))\"")
        #expect(config.contains("idfile"), "the configuration names the id file")
        guard config.contains("idfile") else { return }
        let idConfig = bed.path("idfile.yaml")
        try config.write(toFile: idConfig, atomically: true, encoding: .utf8)
        chmod(idConfig, 0o600)
        let idRun = try await Program.run(bed.marvind, ["run", "--config", idConfig])
        #expect(idRun.status == 78)
        #expect(idRun.stderr.contains(bed.path("nodeid")), "\(idRun.stderr)")

        try await bed.startAndWaitForTheCtld()
        let second = try await Program.run(bed.marvind, ["run", "--config", bed.configPath])
        #expect(second.status == 1)
        #expect(second.stderr.contains("another marvind instance is running"))
        #expect(bed.daemon != nil && bed.daemon?.exitCode == nil, "the first instance is unaffected")
    }

    /// Scenario 99 without stepping the clock: the state database remembers a plausible time a
    /// day ahead, so the node's clock looks a day late. No start decision is taken until
    /// `timing.clock_wait` has passed; `marvind status` says so meanwhile.
    @Test func scenario099_implausibleClockDefersDecisions() async throws {
        let bed = try NodeTestbed("node-clock")
        defer { bed.close() }
        try bed.writeConfig(["timing": ["clock_wait": 12]])
        try bed.program("exp-ok", Self.experiment)
        let store = try NodeStateStore(path: bed.path("state/marvind.db"))
        try NodeFacts(store: store).set("last_plausible_clock", String(Int64(Date().timeIntervalSince1970) + 86_400))
        try bed.startDaemon()
        let waitingSince = Date()
        #expect(await bed.waitForLog("wall clock implausible"), "\(bed.daemonLog)")
        let status = try await Program.run(bed.marvind, ["status", "--json", "--config", bed.configPath])
        #expect((try? JSONParser.parse(status.stdout))?["clock"]?["plausible"] == false, "\(status.stdout)")
        #expect(await bed.waitForLog("ctld knows this node as Node 48"), "heartbeats go on meanwhile")
        let start = NodeTestbed.inSeconds(25)
        let schedid = try #require(try bed.submit(script: "exp-ok", start: start, stop: start + 30).tasks.first)
        #expect(await bed.waitForLog("wall clock not verified", seconds: 20))
        let decided = Date().timeIntervalSince(waitingSince)
        #expect(decided >= 11, "no decision before clock_wait: \(decided) s")
        let log = bed.daemonLog
        let verified = try #require(log.range(of: "wall clock not verified"))
        #expect(log.range(of: "received -> deploying").map { $0.lowerBound > verified.lowerBound } ?? true, "deploys wait for the clock")
        #expect(try await bed.waitForStatus(schedid, ["finished", "failed", "stopped"], seconds: 60) == "finished", "\(bed.daemonLog)")
    }

    /// Scenario 5 without systemd (TESTBED §2: libsystemd talks to any notify socket): READY=1
    /// with a STATUS line once recovery is done, then WATCHDOG=1 at a third of WATCHDOG_USEC,
    /// and STOPPING=1 on SIGTERM.
    @Test func scenario005_notifySocket() async throws {
        let bed = try NodeTestbed("node-notify")
        defer { bed.close() }
        let socketPath = bed.path("notify.sock")
        let listener = try NotifyListener(path: socketPath)
        try bed.startDaemon(environment: ["NOTIFY_SOCKET": socketPath, "WATCHDOG_USEC": "3000000"])
        // Readiness takes up to 15 s (recovery heartbeat, clock); a test run starting every suite
        // at once can slow it further, so the listener waits up to 40 s for READY and three
        // watchdog messages after it.
        func readyAndFed(_ messages: [String]) -> Bool {
            guard let ready = messages.firstIndex(where: { $0.contains("READY=1") }) else { return false }
            return messages[ready...].filter { $0 == "WATCHDOG=1" }.count >= 3
        }
        let messages = await listener.collect(seconds: 40, until: readyAndFed)
        #expect(messages.contains { $0.contains("READY=1") && $0.contains("STATUS=idle") }, "\(messages)")
        #expect(readyAndFed(messages), "\(messages)")
        // Read while the daemon stops: a full datagram queue would drop the message.
        let collector = Task { await listener.collect(seconds: 4) }
        bed.stopDaemon()
        let after = await collector.value
        #expect(after.contains("STOPPING=1"), "\(after)")
    }
}

/// A datagram socket standing in for systemd's notify socket.
final class NotifyListener: @unchecked Sendable {
    let fd: Int32

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.prefix(buffer.count - 1).enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        guard bound == 0 else { throw TestPKI.Failure(description: "cannot bind \(path)") }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Every datagram received within `seconds`, or until `enough` says so.
    func collect(seconds: Double, until enough: ([String]) -> Bool = { _ in false }) async -> [String] {
        var messages: [String] = []
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline, !enough(messages) {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 { messages.append(String(decoding: buffer[0..<count], as: UTF8.self)) } else { try? await Task.sleep(nanoseconds: 50_000_000) }
        }
        return messages
    }
}

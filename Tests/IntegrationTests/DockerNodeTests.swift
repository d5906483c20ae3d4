import Foundation
import MarvinCore
import Testing

/// marvind with the Docker runtime (node-runtime §6, §7.5, §8.3, §9): a real engine and
/// registry, the real ctld, an experiment image pushed to the registry and scheduled through
/// the REST API. One suite, one test at a time: every ctld numbers its tasks from 1, and
/// container names are `monroe-<schedid>` on the one shared engine.
@Suite(.enabled(if: DockerTestbed.enabled), .serialized)
struct DockerNodeTests {
    /// A node on the Docker runtime with loop-mounted results; `overrides` are merged in last.
    static func testbed(_ name: String, overrides: JSONValue = [:]) throws -> NodeTestbed {
        let docker = try DockerTestbed.require()
        try DockerTestbed.reset()
        let bed = try NodeTestbed(name)
        try bed.writeConfig(NodeTestbed.merge([
            "runtime": ["container": "docker"],
            "docker": ["socket": .string(docker.socket)],
            "results": ["mode": "loop"],
            "network": ["required": false, "container_mode": "none"],
            "deploy": ["retry_initial": 2, "min_free_bytes": 1_000_000],
        ], overrides))
        return bed
    }

    static var image: String { "\(DockerTestbed.registry ?? "127.0.0.1:5000")/marvin/experiment:1" }

    /// Scenarios 21 and 71: deployed ahead (image tagged, reference untagged, results disk of
    /// the right size), started within 1 s, SIGTERM at the stop time, `stopped`, and nothing
    /// left behind but the results.
    @Test func scenario021_071_deployAheadStartAndStopOnTime() async throws {
        let bed = try Self.testbed("docker-run")
        defer { bed.close() }
        try bed.startDaemon()
        #expect(await bed.waitForLog("ctld knows this node as Node 48"), "\(bed.daemonLog)")
        let start = Int64(Date().timeIntervalSince1970) + 22
        let stop = start + 8
        let submitted = try bed.submit(script: Self.image, start: start, stop: stop, options: ["storage": 20_000_000, "mode": "long"])
        let schedid = try #require(submitted.tasks.first)

        #expect(try await bed.waitForStatus(schedid, ["deployed"], seconds: 20) == "deployed", "\(bed.daemonLog)")
        #expect(try DockerTestbed.api("/images/monroe-\(schedid):latest/json").status == 200, "the image is tagged monroe-<schedid>")
        #expect(try DockerTestbed.api("/images/\(Self.image.replacingOccurrences(of: "/", with: "%2F"))/json").status == 404, "the pulled reference tag is removed")
        let disk = bed.path("results/\(schedid).disk")
        let attributes = try FileManager.default.attributesOfItem(atPath: disk)
        #expect((attributes[.size] as? NSNumber)?.int64Value == 20_000_768, "20 000 000 rounded up to 4096")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let mounts = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
        #expect(mounts.contains(" \(bed.path("results/\(schedid)")) "), "the results filesystem is mounted")

        let final = try await bed.waitForStatus(schedid, ["stopped", "finished", "failed"], seconds: Double(stop - Int64(Date().timeIntervalSince1970)) + 30)
        #expect(final == "stopped", "\(bed.daemonLog)")
        let results = bed.path("results/\(schedid)")
        #expect(FileManager.default.fileExists(atPath: "\(results)/term"), "the container got SIGTERM and wrote its results")
        let log = try String(contentsOfFile: "\(results)/container.log", encoding: .utf8)
        let lines = log.split(separator: "\n")
        #expect(lines.contains { $0.hasSuffix(" out-1") } && lines.contains { $0.hasSuffix(" err-1") }, "stdout and stderr: \(log)")
        let first = try #require(lines.compactMap { Self.time(String($0.prefix { $0 != " " })) }.min())
        #expect(abs(first - Double(start)) <= 1, "first output \(first - Double(start)) s from the start")
        let last = try #require(lines.compactMap { Self.time(String($0.prefix { $0 != " " })) }.max())
        #expect(last < Double(stop) + 1, "no output after the stop: \(last - Double(stop)) s")
        let config = try #require(try? JSONParser.parse(String(contentsOfFile: "\(results)/config-copy.json", encoding: .utf8)))
        #expect(config["guid"]?.stringValue?.hasSuffix(".\(schedid).48.1") == true)
        #expect(try String(contentsOfFile: "\(results)/nodeid-copy", encoding: .utf8) == "48\n")
        let report = try bed.curl.request("\(bed.api)/schedules/\(schedid)", certificate: bed.alice, caFile: bed.pki.caCertificate).json?["report"]
        #expect((report?["deployment"]?.integerValue ?? 0) > 0, "deployment bytes reported: \(String(describing: report))")

        // Cleanup: no container, no task image, no config file; the results stay.
        #expect(await Self.waitUntil(20) { (try? DockerTestbed.api("/images/monroe-\(schedid):latest/json").status) == 404 })
        let filters = #"{"label":["org.monroe.schedid=\#(schedid)"]}"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        #expect(try DockerTestbed.api("/containers/json?all=1&filters=\(filters)").body.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
        #expect(!FileManager.default.fileExists(atPath: bed.path("config/\(schedid).conf")))
        #expect(FileManager.default.fileExists(atPath: "\(results)/container.stat"))
    }

    /// Scenario 88 (process kill, not engine restart): marvind is killed with SIGKILL while the
    /// container runs and restarted; the same container is adopted, no second `started`, and
    /// the stop still comes at its second with exactly one final status.
    @Test func scenario088_killDuringRunAdoptsTheContainer() async throws {
        let bed = try Self.testbed("docker-kill")
        defer { bed.close() }
        try bed.startDaemon()
        #expect(await bed.waitForLog("ctld knows this node as Node 48"), "\(bed.daemonLog)")
        let start = Int64(Date().timeIntervalSince1970) + 20
        let stop = start + 12
        let schedid = try #require(try bed.submit(script: Self.image, start: start, stop: stop, options: ["mode": "long"]).tasks.first)
        #expect(try await bed.waitForStatus(schedid, ["started"], seconds: 40) == "started", "\(bed.daemonLog)")
        let before = try DockerTestbed.api("/containers/monroe-\(schedid)/json").body
        bed.killDaemon()
        try await Task.sleep(nanoseconds: 3_000_000_000)
        try bed.startDaemon()
        let final = try await bed.waitForStatus(schedid, ["stopped", "finished", "failed"], seconds: Double(stop - Int64(Date().timeIntervalSince1970)) + 30)
        #expect(final == "stopped", "\(bed.daemonLog)")
        #expect(bed.daemonLog.contains("run adopted"))
        #expect(!bed.daemonLog.contains("status queued: restarted"))
        #expect(bed.daemonLog.components(separatedBy: "status queued: stopped").count == 2, "one final status")
        let id = (try? JSONParser.parse(before))?["Id"]?.stringValue
        #expect(id != nil)
        let log = try String(contentsOfFile: bed.path("results/\(schedid)/container.log"), encoding: .utf8)
        let numbers = log.split(separator: "\n").compactMap { line -> Int? in
            guard let range = line.range(of: " out-") else { return nil }
            return Int(line[range.upperBound...])
        }
        #expect(numbers == Array(1...(numbers.max() ?? 1)), "container.log has every line once, in order, across the restart")
    }

    /// Scenario 68: a container printing on both streams every 0.1 s while marvind is killed
    /// and only restarted 20 s later: `container.log` has every line exactly once, in order,
    /// each with its RFC 3339 time.
    @Test func scenario068_logCaptureAcrossAKill() async throws {
        let bed = try Self.testbed("docker-log-capture")
        defer { bed.close() }
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(20)
        let stop = start + 35
        let schedid = try #require(try bed.submit(script: Self.image, start: start, stop: stop, options: ["mode": "chatty"]).tasks.first)
        #expect(try await bed.waitForStatus(schedid, ["started"], seconds: 40) == "started", "\(bed.daemonLog)")
        await NodeTestbed.sleep(until: Double(start + 5))
        bed.killDaemon()
        try await Task.sleep(nanoseconds: 20_000_000_000)
        try bed.startDaemon()
        #expect(try await bed.waitForStatus(schedid, ["stopped", "finished", "failed"], seconds: 40) == "stopped", "\(bed.daemonLog)")
        let lines = try String(contentsOfFile: bed.path("results/\(schedid)/container.log"), encoding: .utf8).split(separator: "\n")
        #expect(lines.allSatisfy { Self.time(String($0.prefix { $0 != " " })) != nil }, "every line starts with its time")
        for stream in ["out", "err"] {
            let numbers = lines.compactMap { line -> Int? in
                guard let range = line.range(of: " tick-\(stream)-") else { return nil }
                return Int(line[range.upperBound...])
            }
            #expect(numbers.count > 250 && numbers == Array(1...(numbers.max() ?? 1)), "\(stream): every line once, in order")
        }
    }

    /// Scenario 86: marvind killed during `preparing` (a pre-start hook still running) and
    /// restarted at once: the container still starts within 2 s of its second, and there is
    /// never more than one container of the task.
    @Test func scenario086_killDuringPreStart() async throws {
        let bed = try Self.testbed("docker-kill-prestart", overrides: ["timing": ["prestart_lead": 12]])
        defer { bed.close() }
        try bed.program("pre-start.d/10-wait", "sleep 5", in: "hooks")
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(30)
        let schedid = try #require(try bed.submit(script: Self.image, start: start, stop: start + 10, options: ["mode": "long"]).tasks.first)
        #expect(try await bed.waitForStatus(schedid, ["deployed"], seconds: 20) == "deployed", "\(bed.daemonLog)")
        await NodeTestbed.sleep(until: Double(start - 9))
        bed.killDaemon()
        try bed.startDaemon()
        let filters = "{\"label\":[\"org.monroe.schedid=\(schedid)\"]}".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        var most = 0
        while Date().timeIntervalSince1970 < Double(start + 3) {
            let listed = (try? JSONParser.parse(try DockerTestbed.api("/containers/json?all=1&filters=\(filters)").body))?.arrayValue ?? []
            most = max(most, listed.count)
            try await Task.sleep(nanoseconds: 200_000_000)
        }
        #expect(most == 1, "one container at a time")
        #expect(try await bed.waitForStatus(schedid, ["stopped", "finished", "failed"], seconds: 30) == "stopped", "\(bed.daemonLog)")
        let lines = try String(contentsOfFile: bed.path("results/\(schedid)/container.log"), encoding: .utf8).split(separator: "\n")
        let first = try #require(lines.compactMap { Self.time(String($0.prefix { $0 != " " })) }.min())
        #expect(abs(first - Double(start)) <= 2, "started \(first - Double(start)) s from its second")
    }

    /// Scenario 74 with a container: a non-zero exit before the stop time.
    @Test func scenario074_containerExitCode() async throws {
        let bed = try Self.testbed("docker-exit")
        defer { bed.close() }
        try bed.startDaemon()
        #expect(await bed.waitForLog("ctld knows this node as Node 48"), "\(bed.daemonLog)")
        let start = Int64(Date().timeIntervalSince1970) + 20
        let schedid = try #require(try bed.submit(script: Self.image, start: start, stop: start + 60, options: ["mode": "exit3"]).tasks.first)
        #expect(try await bed.waitForStatus(schedid, ["stopped", "finished", "failed"], seconds: 60) == "failed; container exited with code 3", "\(bed.daemonLog)")
    }

    /// Scenarios 72 and 89: a container that ignores SIGTERM is killed after the grace period;
    /// marvind killed with SIGKILL during that stop and restarted repeats the stop, reports
    /// `stopped` exactly once and leaves no container.
    @Test func scenario072_089_killDuringStop() async throws {
        let bed = try Self.testbed("docker-stop", overrides: ["timing": ["stop_grace_period": 6]])
        defer { bed.close() }
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(20)
        let stop = start + 6
        let schedid = try #require(try bed.submit(script: Self.image, start: start, stop: stop, options: ["mode": "stubborn"]).tasks.first)
        #expect(await bed.waitForLog("task \(schedid): stopping (timer)", seconds: 60), "\(bed.daemonLog)")
        bed.killDaemon()
        try bed.startDaemon()
        let final = try await bed.waitForStatus(schedid, ["stopped", "finished", "failed"], seconds: 40)
        #expect(final == "stopped", "\(bed.daemonLog)")
        #expect(bed.daemonLog.components(separatedBy: "status queued: stopped").count == 2, "one final status")
        let filters = #"{"label":["org.monroe.schedid=\#(schedid)"]}"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        #expect(await Self.waitUntil(20) { (try? DockerTestbed.api("/containers/json?all=1&filters=\(filters)").body.trimmingCharacters(in: .whitespacesAndNewlines)) == "[]" })
        let stat = try #require(bed.result(schedid, "container.stat").flatMap { try? JSONParser.parse($0) })
        let ended = try #require(stat["ended_at"].flatMap { value -> Double? in if case .double(let d) = value { return d } else { return nil } })
        #expect(ended >= Double(stop) + 5 && ended <= Double(stop) + 6 + 3, "killed after the grace period: \(ended - Double(stop)) s after the stop")
    }

    /// Scenario 84's promise for a deploy interrupted by SIGKILL (here in its deploy hook, the
    /// pull itself being too quick to hit): the restarted daemon deploys again, reports
    /// `deployed` once and runs the task normally.
    @Test func scenario084_killDuringDeploy() async throws {
        let bed = try Self.testbed("docker-deploy")
        defer { bed.close() }
        try bed.program("deploy.d/10-slow", "sleep 4", in: "hooks")
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(30)
        let schedid = try #require(try bed.submit(script: Self.image, start: start, stop: start + 10).tasks.first)
        #expect(await bed.waitForLog("task \(schedid): received -> deploying", seconds: 30), "\(bed.daemonLog)")
        try await Task.sleep(nanoseconds: 2_000_000_000)
        bed.killDaemon()
        try bed.startDaemon()
        #expect(try await bed.waitForStatus(schedid, ["finished", "failed", "stopped"], seconds: 60) == "finished", "\(bed.daemonLog)")
        #expect(bed.daemonLog.components(separatedBy: "status queued: deployed").count == 2, "deployed once: \(bed.daemonLog)")
        #expect(bed.result(schedid, "deploy.log")?.contains("deployed") == true)
    }

    /// Scenario 94: the engine restarts under a running container (its containers end with
    /// it). With the default `restart` a new container starts, its `guid` ends in `.2` and the
    /// ctld hears `restarted`; with `restart: 0` the task fails.
    @Test func scenario094_engineRestartDuringARun() async throws {
        let bed = try Self.testbed("docker-engine-restart")
        defer { bed.close() }
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(20)
        let restarting = try #require(try bed.submit(script: Self.image, start: start, stop: start + 30, options: ["mode": "long"]).tasks.first)
        let refusing = try #require(try bed.submit(script: Self.image, start: start + 45, stop: start + 75, options: ["mode": "long", "restart": 0]).tasks.first)

        #expect(try await bed.waitForStatus(restarting, ["started"], seconds: 40) == "started", "\(bed.daemonLog)")
        try await DockerTestbed.restartEngine()
        #expect(try await bed.waitForStatus(restarting, ["restarted"], seconds: 40) == "restarted", "\(bed.daemonLog)")
        #expect(bed.daemonLog.contains("task \(restarting): run lost while the container engine restarted"))
        let config = try #require(bed.result(restarting, "config-copy.json").flatMap { try? JSONParser.parse($0) })
        #expect(config["guid"]?.stringValue?.hasSuffix(".\(restarting).48.2") == true, "\(config)")
        #expect(try await bed.waitForStatus(restarting, ["stopped", "failed"], seconds: 40) == "stopped", "\(bed.daemonLog)")

        #expect(try await bed.waitForStatus(refusing, ["started"], seconds: 60) == "started", "\(bed.daemonLog)")
        try await DockerTestbed.restartEngine()
        #expect(try await bed.waitForStatus(refusing, ["stopped", "failed"], seconds: 40) == "failed; node restarted during the experiment (restart=0)", "\(bed.daemonLog)")
        #expect(await bed.waitForLog("task \(refusing): syncing -> done", seconds: 30), "\(bed.daemonLog)")
        let left = try DockerTestbed.api("/containers/json?all=1&filters=\("{\"label\":[\"org.monroe.managed-by=marvind\"]}".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
        #expect(left.body.trimmingCharacters(in: .whitespacesAndNewlines) == "[]", "no container left: \(left.body)")
    }

    /// Scenarios 47 (without the network parts, which come with the experiment namespace), 49
    /// and 57: a pre-start hook records the engine's view of each created container and the
    /// owner of its config file.
    @Test func scenario047_049_057_containerAsCreated() async throws {
        let docker = try DockerTestbed.require()
        let bed = try Self.testbed("docker-properties")
        defer { bed.close() }
        try bed.program("pre-start.d/20-inspect", """
            out=\(bed.path("probe"))/$MARVIN_SCHEDID
            mkdir -p "$out"
            curl -s --unix-socket \(docker.socket) "http://localhost/v1.41/containers/$MARVIN_CONTAINER/json" > "$out/inspect.json"
            stat -c '%u %a' "$MARVIN_CONFIG" > "$out/config-owner"
            """, in: "hooks")
        try bed.program("pre-start.d/30-device", #"grep -q '"hook":"kmsg"' "$MARVIN_CONFIG" && echo '{"devices": ["/dev/kmsg"]}' > "$MARVIN_HOOK_OUTPUT"; exit 0"#, in: "hooks")
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(20)
        var tasks: [String] = []
        let sshOptions: JSONValue = ["ssh": ["server": "tb.example", "client.public": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample"]]
        let runs: [(image: String, options: JSONValue)] = [
            (Self.image, ["hook": "kmsg"]), ("\(docker.registry)/marvin/experiment-user:1234", [:]), ("\(docker.registry)/marvin/experiment-user:nobody", [:]), (Self.image, sshOptions),
        ]
        for (index, (image, options)) in runs.enumerated() {
            let at = start + Int64(index) * 12
            tasks.append(try #require(try bed.submit(script: image, start: at, stop: at + 8, options: options).tasks.first))
        }
        for schedid in tasks {
            _ = try await bed.waitForStatus(schedid, ["finished", "failed", "stopped"], seconds: 90)
        }
        // Cleaned up before the node goes: other tests count the bytes of their pulls.
        #expect(await bed.waitForLog("task \(tasks[3]): syncing -> done", seconds: 30))
        func probe(_ schedid: String, _ name: String) -> String {
            (try? String(contentsOfFile: bed.path("probe/\(schedid)/\(name)"), encoding: .utf8)) ?? ""
        }

        let plain = try #require(try? JSONParser.parse(probe(tasks[0], "inspect.json")), "\(bed.daemonLog)")
        #expect(plain["Name"] == .string("/monroe-\(tasks[0])"))
        #expect(Set(plain["HostConfig"]?["CapAdd"]?.arrayValue?.compactMap(\.stringValue) ?? []) == ["NET_ADMIN", "NET_RAW"], "\(plain["HostConfig"] ?? .null)")
        #expect(plain["HostConfig"]?["ShmSize"] == 1_073_741_824)
        #expect([nil, "", "no"].contains(plain["HostConfig"]?["RestartPolicy"]?["Name"]?.stringValue), "no restart policy")
        let labels = plain["Config"]?["Labels"]
        #expect(labels?["org.monroe.managed-by"] == "marvind" && labels?["org.monroe.schedid"] == .string(tasks[0]), "\(labels ?? .null)")
        let mounts = Dictionary((plain["Mounts"]?.arrayValue ?? []).compactMap { mount in
            mount["Destination"]?.stringValue.map { ($0, (source: mount["Source"]?.stringValue ?? "", writable: mount["RW"] == true)) }
        }, uniquingKeysWith: { first, _ in first })
        #expect(mounts["/monroe/results"]?.source == bed.path("results/\(tasks[0])") && mounts["/monroe/results"]?.writable == true, "\(mounts)")
        #expect(mounts["/outdir"]?.source == mounts["/monroe/results"]?.source)
        #expect(mounts["/monroe/config"]?.writable == false && mounts["/nodeid"]?.writable == false, "\(mounts)")
        #expect(bed.result(tasks[0], "nodeid-copy") == "48")
        // §11.4: a device a pre-start hook asked for is in the container; the others have none.
        #expect(bed.result(tasks[0], "container.log")?.contains(" device-kmsg") == true, "\(bed.result(tasks[0], "start.log") ?? "")")
        #expect(bed.result(tasks[1], "container.log")?.contains(" device-kmsg") == false)

        #expect(probe(tasks[1], "config-owner") == "1234 600\n", "\(bed.daemonLog)")
        #expect(probe(tasks[2], "config-owner") == "65534 600\n")
        for schedid in tasks[1...2] {
            #expect(bed.result(schedid, "container.log")?.contains(" config-readable") == true, "the run user reads /monroe/config")
        }

        let ssh = try #require(try? JSONParser.parse(probe(tasks[3], "inspect.json")))
        #expect(ssh["Config"]?["Entrypoint"] == ["dumb-init"], "\(ssh["Config"] ?? .null)")
        #expect(ssh["Config"]?["Cmd"] == ["/bin/bash", "/usr/bin/monroe-sshtunnel-client.sh"])
    }

    /// Scenarios 52 and 53: the image deleted after the deploy, a command that does not exist
    /// and one that is not executable.
    @Test func scenario052_053_startFailures() async throws {
        let docker = try DockerTestbed.require()
        let bed = try Self.testbed("docker-start-failures")
        defer { bed.close() }
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(20)
        let missing = try #require(try bed.submit(script: "\(docker.registry)/marvin/experiment-cmd:missing", start: start, stop: start + 8).tasks.first)
        let noexec = try #require(try bed.submit(script: "\(docker.registry)/marvin/experiment-cmd:noexec", start: start + 12, stop: start + 20).tasks.first)
        let deleted = try #require(try bed.submit(script: Self.image, start: start + 24, stop: start + 32).tasks.first)
        #expect(try await bed.waitForStatus(deleted, ["deployed"], seconds: 40) == "deployed", "\(bed.daemonLog)")
        let image = try #require((try? JSONParser.parse(try DockerTestbed.api("/images/monroe-\(deleted):latest/json").body))?["Id"]?.stringValue)
        #expect(try DockerTestbed.api("/images/\(image)?force=1", method: "DELETE").status == 200)

        #expect(try await bed.waitForStatus(missing, ["finished", "failed", "stopped"], seconds: 60) == "failed; docker run exit code 127: entry point not found?", "\(bed.daemonLog)")
        #expect(try await bed.waitForStatus(noexec, ["finished", "failed", "stopped"], seconds: 60) == "failed; start hook exit code 126.", "\(bed.daemonLog)")
        #expect(try await bed.waitForStatus(deleted, ["finished", "failed", "stopped"], seconds: 60) == "failed; container image not found.", "\(bed.daemonLog)")
    }

    /// Scenario 22 with short timings (`retry_initial: 2`, `late_start_min_runtime: 5`): an
    /// image the registry does not have is tried again after 2, 4, 8 s; `delayed; …` is
    /// reported once; at `stop − 5` the task fails and no pull follows.
    @Test func scenario022_missingImageRetriedUntilTheDeadline() async throws {
        let docker = try DockerTestbed.require()
        let bed = try Self.testbed("docker-missing")
        defer { bed.close() }
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(25)
        let stop = start + 10
        let schedid = try #require(try bed.submit(script: "\(docker.registry)/marvin/nonexistent:1", start: start, stop: stop).tasks.first)
        #expect(try await bed.waitForStatus(schedid, ["failed"], seconds: 45) == "failed; deployment time exceeded stop time", "\(bed.daemonLog)")
        let failedSeen = Date().timeIntervalSince1970
        #expect(abs(failedSeen - Double(stop - 5)) <= 1.5, "failed \(failedSeen - Double(stop)) s from the stop")
        try await Task.sleep(nanoseconds: 3_000_000_000)
        let log = bed.result(schedid, "deploy.log") ?? ""
        let pulls = log.split(separator: "\n").filter { $0.contains(" pulling ") }.compactMap { Self.time(String($0.prefix { $0 != " " })) }
        #expect(pulls.count >= 3, "\(log)")
        for (index, pair) in zip(pulls, pulls.dropFirst()).enumerated() {
            let expected = 2.0 * Double(1 << index)
            #expect(abs(pair.1 - pair.0 - expected) <= 1, "attempt \(index + 2) after \(pair.1 - pair.0) s, not \(expected): \(log)")
        }
        #expect((pulls.last ?? 0) < Double(stop - 5), "no pull after the deadline: \(log)")
        #expect(bed.daemonLog.components(separatedBy: "status queued: delayed; container does not exist, or i/o timeout").count == 2, "reported once")
    }

    /// Scenario 25: with `deploy.check_storage_quota`, an image whose download is larger than
    /// the task's storage fails the task, and its image is removed.
    @Test func scenario025_storageQuotaExceededDuringDeployment() async throws {
        let docker = try DockerTestbed.require()
        let bed = try Self.testbed("docker-quota", overrides: ["deploy": ["check_storage_quota": true]])
        defer { bed.close() }
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(30)
        let schedid = try #require(try bed.submit(script: "\(docker.registry)/marvin/experiment-big:1", start: start, stop: start + 10, options: ["storage": 1_000_000]).tasks.first)
        #expect(try await bed.waitForStatus(schedid, ["failed", "deployed"], seconds: 40) == "failed; storage quota exceeded during deployment", "\(bed.daemonLog)")
        #expect(await bed.waitForLog("task \(schedid): syncing -> done", seconds: 30))
        #expect(try DockerTestbed.api("/images/monroe-\(schedid):latest/json").status == 404, "the task's image is removed")
    }

    /// Scenario 29: a task learned while another runs waits with `delayed; currently running
    /// another experiment`; its pull begins only after the running task's cleanup.
    @Test func scenario029_noPullWhileAnotherExperimentRuns() async throws {
        let docker = try DockerTestbed.require()
        let bed = try Self.testbed("docker-busy")
        defer { bed.close() }
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(20)
        let running = try #require(try bed.submit(script: Self.image, start: start, stop: start + 20, options: ["mode": "long"]).tasks.first)
        #expect(try await bed.waitForStatus(running, ["started"], seconds: 40) == "started", "\(bed.daemonLog)")
        let waiting = try #require(try bed.submit(script: "\(docker.registry)/marvin/experiment-user:nobody", start: start + 35, stop: start + 45).tasks.first)
        #expect(try await bed.waitForStatus(waiting, ["delayed", "deployed"], seconds: 20) == "delayed; currently running another experiment", "\(bed.daemonLog)")
        #expect(try await bed.waitForStatus(waiting, ["deployed", "failed"], seconds: 40) == "deployed", "\(bed.daemonLog)")
        let log = bed.result(waiting, "deploy.log") ?? ""
        let pulls = log.split(separator: "\n").filter { $0.contains(" pulling ") }.compactMap { Self.time(String($0.prefix { $0 != " " })) }
        #expect(pulls.count == 1 && (pulls.first ?? 0) >= Double(start + 20), "pulled after the other run: \(log)")
        let daemonLog = bed.daemonLog
        let cleaned = try #require(daemonLog.range(of: "task \(running): cleaning -> syncing"))
        let deployed = try #require(daemonLog.range(of: "task \(waiting): deploying -> deployed"))
        #expect(cleaned.lowerBound < deployed.lowerBound)
    }

    /// Scenario 35: with the registry unreachable an image of exactly that reference on the
    /// node is used (0 bytes, said in `deploy.log`); a registry that answers "manifest unknown"
    /// is code 100 even with such an image.
    @Test func scenario035_offlineFallback() async throws {
        let docker = try DockerTestbed.require()
        let bed = try Self.testbed("docker-offline")
        defer { bed.close() }
        let unreachable = "127.0.0.1:1/marvin/offline"
        let unknown = "\(docker.registry)/marvin/absent"
        #expect(try DockerTestbed.api("/images/create?fromImage=\(docker.registry)/marvin/experiment&tag=1", method: "POST").status == 200)
        let image = try #require((try? JSONParser.parse(try DockerTestbed.api("/images/\(Self.image)/json").body))?["Id"]?.stringValue)
        // Whatever the tasks have done with it, the image goes: other tests count the bytes of their pulls.
        defer { _ = try? DockerTestbed.api("/images/\(image)?force=1", method: "DELETE") }
        for repository in [unreachable, unknown] {
            let tagged = try DockerTestbed.api("/images/\(Self.image)/tag?repo=\(repository)&tag=1", method: "POST")
            #expect(tagged.status == 201, "\(tagged.body)")
        }
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(25)
        let offline = try #require(try bed.submit(script: "\(unreachable):1", start: start, stop: start + 8).tasks.first)
        let refused = try #require(try bed.submit(script: "\(unknown):1", start: start + 15, stop: start + 25).tasks.first)
        #expect(try await bed.waitForStatus(offline, ["deployed", "delayed", "failed"], seconds: 30) == "deployed", "\(bed.daemonLog)")
        #expect(bed.result(offline, "deploy.log")?.contains("registry unreachable; using the local image \(unreachable):1") == true)
        let report = try bed.curl.request("\(bed.api)/schedules/\(offline)", certificate: bed.alice, caFile: bed.pki.caCertificate).json?["report"]
        #expect(report?["deployment"] == 0, "\(String(describing: report))")
        #expect(try await bed.waitForStatus(refused, ["deployed", "delayed", "failed"], seconds: 30) == "delayed; container does not exist, or i/o timeout")
    }

    /// Scenario 75: a container that exits with 0 half a second after the SIGTERM sent at its
    /// stop time was stopped: `stopped`, not `finished`.
    @Test func scenario075_exitDuringTheGracePeriod() async throws {
        let bed = try Self.testbed("docker-linger")
        defer { bed.close() }
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(20)
        let schedid = try #require(try bed.submit(script: Self.image, start: start, stop: start + 6, options: ["mode": "linger"]).tasks.first)
        #expect(try await bed.waitForStatus(schedid, ["stopped", "finished", "failed"], seconds: 45) == "stopped", "\(bed.daemonLog)")
        #expect(bed.result(schedid, "term") == "term", "the container saw SIGTERM and ended by itself")
        let stat = try? JSONParser.parse(String(contentsOfFile: bed.path("results/\(schedid)/container.stat"), encoding: .utf8))
        #expect(stat?["exit_code"] == 0)
        #expect(stat?["stop_reason"] == "timer")
    }

    static func time(_ text: String) -> Double? {
        guard text.hasSuffix("Z"), let dot = text.firstIndex(of: ".") else { return nil }
        let formatter = ISO8601DateFormatter()
        guard let whole = formatter.date(from: String(text[..<dot]) + "Z") else { return nil }
        return whole.timeIntervalSince1970 + (Double("0" + text[dot...].dropLast()) ?? 0)
    }

    static func waitUntil(_ seconds: Double, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(nanoseconds: 200_000_000)
        }
        return condition()
    }
}

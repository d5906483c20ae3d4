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

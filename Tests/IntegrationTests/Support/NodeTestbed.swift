import Foundation
import MarvinCore
import MarvinNode

/// A real marvinctld over mTLS, one node (48) and an experimenter (alice), and a marvind for
/// that node on the `process` runtime with everything under one temporary directory: the
/// unprivileged setup of node-runtime §17.1 [U], with the real ctld as the ctld stub.
final class NodeTestbed {
    let directory: URL
    let pki: TestPKI
    let ctld: CtldProcess
    let curl: Curl
    let node: (cert: String, key: String)
    let alice: (cert: String, key: String)
    let marvind: String
    var daemon: ChildProcess?
    /// Where marvind sends its requests: the real ctld, unless a test points it at a `CtldStub`.
    var restServer: String?
    var configPath: String { path("marvind.yaml") }

    init(_ name: String, ctldPolicy: String = "lead_time: 1\n  asap_slack: 0\n  min_runtime: 5\n  padding: 0") throws {
        directory = try Integration.temporaryDirectory(name)
        pki = try TestPKI(directory: directory)
        node = try pki.issue("node48", subject: "/CN=node48")
        alice = try pki.issue("alice", subject: "/CN=alice")
        ctld = try CtldProcess(directory: directory, yaml: pki.mutualTLSConfiguration + "\npolicy:\n  maintenance_windows: []\n  \(ctldPolicy)")
        for (user, certificate, role) in [("Node 48", node.cert, "node"), ("alice", alice.cert, "user")] {
            let added = try ctld.command(["admin", "add-user", "--name", user, "--ssl", try pki.fingerprint(certificate), "--role", role])
            guard added.status == 0 else { throw TestPKI.Failure(description: added.stderr) }
        }
        let registered = try ctld.command(["admin", "add-node", "--id", "48", "--hostname", "node48", "--interface", "iccid=8946000048,quota=100000000"])
        guard registered.status == 0 else { throw TestPKI.Failure(description: registered.stderr) }
        try ctld.start()
        curl = try Curl()
        try curl.waitUntilAnswering("https://localhost:\(ctld.port)/version", caFile: pki.caCertificate)
        marvind = try Integration.productPath("marvind")
        for sub in ["programs", "hooks", "flags"] {
            try FileManager.default.createDirectory(atPath: path(sub), withIntermediateDirectories: true)
        }
        try writeConfig()
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    var api: String { "https://localhost:\(ctld.port)/v1" }

    /// The node's configuration, written as JSON (a YAML subset); `overrides` are merged in
    /// section by section.
    func writeConfig(_ overrides: JSONValue = [:]) throws {
        let base: JSONValue = [
            "id": 48, "rest-server": .string(restServer ?? api),
            "ssl": ["cert": .string(node.cert), "key": .string(node.key), "ca": .string(pki.caCertificate)],
            "heartbeat_period": 10, "heartbeat_jitter": 0, "heartbeat_backoff_max": 20,
            "status_directory": .string(path("results")), "config_directory": .string(path("config")),
            "state_database": .string(path("state/marvind.db")), "runtime_directory": .string(path("run")), "work_directory": .string(path("work")),
            "log": ["level": "info", "file": .string(path("marvind.log"))],
            "observability": ["listen": "", "control_socket": .string(path("run/control.sock"))],
            "runtime": ["container": "process", "process_directory": .string(path("programs"))],
            "results": ["mode": "directory"],
            "timing": ["prestart_lead": 3, "idle_period": 0, "stop_grace_period": 2, "late_start_min_runtime": 5],
            "deploy": ["retry_initial": 2],
            "network": ["required": false],
            "local_api": ["enabled": false],
            "hooks": ["directories": [.string(path("hooks"))]],
            "maintenance": ["flag_file": .string(path("flags/maintenance")), "development_flag_file": .string(path("flags/development"))],
            "development": true,
        ]
        try JSONWriter.write(Self.merge(base, overrides)).write(toFile: configPath, atomically: true, encoding: .utf8)
        chmod(configPath, 0o600)
    }

    static func merge(_ base: JSONValue, _ overrides: JSONValue) -> JSONValue {
        guard case .object(var merged) = base, case .object(let changes) = overrides else { return overrides }
        for (key, value) in changes { merged[key] = merged[key].map { merge($0, value) } ?? value }
        return .object(merged)
    }

    /// An executable for the process runtime (or a hook): a shell script.
    func program(_ name: String, _ body: String, in folder: String = "programs") throws {
        let file = path("\(folder)/\(name)")
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try "#!/bin/sh\n\(body)\n".write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o755)
    }

    func startDaemon(environment: [String: String]? = nil) throws {
        daemon = try Program.start(marvind, ["run", "--config", configPath], log: directory.appendingPathComponent("marvind.out"), environment: environment)
    }

    /// SIGTERM and wait: the daemon's exit status.
    @discardableResult
    func stopDaemon() -> Int32? {
        guard let daemon else { return nil }
        self.daemon = nil
        return Program.stop(daemon)
    }

    /// SIGKILL, as a crash.
    func killDaemon() {
        guard let daemon else { return }
        kill(daemon.pid, SIGKILL)
        _ = daemon.waitBlocking()
        self.daemon = nil
    }

    /// Starts marvind and waits for its first heartbeat to be answered.
    func startAndWaitForTheCtld() async throws {
        try startDaemon()
        guard await waitForLog("ctld knows this node as Node 48") else { throw TestPKI.Failure(description: "marvind did not reach the ctld:\n\(daemonLog)") }
    }

    /// Sleeps without holding one of the test runner's few threads.
    static func sleep(until instant: Double) async {
        while Date().timeIntervalSince1970 < instant { try? await Task.sleep(nanoseconds: 100_000_000) }
    }

    /// A time `seconds` from now, for schedules.
    static func inSeconds(_ seconds: Int64) -> Int64 { Int64(Date().timeIntervalSince1970) + seconds }

    /// A results file of a task, trimmed.
    func result(_ schedid: String, _ name: String) -> String? {
        (try? String(contentsOfFile: path("results/\(schedid)/\(name)"), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// DELETE of the experiment by its owner (cancel or abort of its tasks).
    /// A task's `deploy.log`: in its results directory, or still in the work directory while
    /// the task has none (a deploy that is being retried).
    func deployLog(_ schedid: String) -> String {
        result(schedid, "deploy.log") ?? (try? String(contentsOfFile: path("work/logs/\(schedid)/deploy.log"), encoding: .utf8)) ?? ""
    }

    func deleteExperiment(_ experiment: Int64) throws -> Int {
        try curl.request("\(api)/experiments/\(experiment)", method: "DELETE", certificate: alice, caFile: pki.caCertificate).status
    }

    var daemonLog: String { (try? String(contentsOfFile: path("marvind.out"), encoding: .utf8)) ?? "" }

    /// Waits until the daemon's log contains `text`.
    func waitForLog(_ text: String, seconds: Double = 30) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if daemonLog.contains(text) { return true }
            try? await Task.sleep(nanoseconds: 100_000_000)
        }
        return false
    }

    /// Submits an experiment as alice; the ids of its tasks.
    func submit(script: String, start: Int64, stop: Int64, options: JSONValue = [:]) throws -> (experiment: Int64, tasks: [String]) {
        let body: JSONValue = ["name": "node test", "nodecount": 1, "nodetypes": "", "script": .string(script), "start": .int(start),
                               "stop": .int(stop), "options": options]
        let answer = try curl.request("\(api)/experiments", method: "POST", data: JSONWriter.write(body, pretty: false), certificate: alice, caFile: pki.caCertificate)
        guard answer.status == 201, let json = answer.json else { throw TestPKI.Failure(description: "submit: \(answer.status) \(answer.body)") }
        let experiment = json["experiment"]?.integerValue ?? 0
        let listed = try curl.request("\(api)/experiments/\(experiment)/schedules", certificate: alice, caFile: pki.caCertificate)
        let tasks = listed.json?["schedules"]?.objectValue?.keys.sorted() ?? []
        return (experiment, tasks)
    }

    /// The ctld's status of a task.
    func status(_ schedid: String) throws -> String? {
        try curl.request("\(api)/schedules/\(schedid)", certificate: alice, caFile: pki.caCertificate).json?["status"]?.stringValue
    }

    /// Polls the ctld until the task's status starts with one of `prefixes`.
    func waitForStatus(_ schedid: String, _ prefixes: [String], seconds: Double) async throws -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        var last: String?
        while Date() < deadline {
            last = try status(schedid)
            if let last, prefixes.contains(where: { last.hasPrefix($0) }) { return last }
            try await Task.sleep(nanoseconds: 500_000_000)
        }
        return last
    }

    func close() {
        stopDaemon()
        ctld.stop()
        // Loop-mounted results filesystems stay mounted after a task (they await the sync).
        let mounts = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count > 4, fields[4].hasPrefix(directory.path) { _ = try? Program.run("/bin/umount", ["-l", String(fields[4])]) }
        }
        if ProcessInfo.processInfo.environment["MARVIN_KEEP_TEST_DIRECTORIES"] == nil { try? FileManager.default.removeItem(at: directory) }
    }
}

import Foundation
import MarvinCore

/// The processes of `marvin-bench node` in a temporary directory: a throwaway CA made with the
/// openssl command line, marvinctld with native mTLS, and marvind for node 48 whose one program
/// records when it started and when it got SIGTERM. Everything is stopped by PID on close.
final class NodeBenchBed {
    let directory: URL
    let binaries: URL
    let port: Int
    var processes: [Process] = []
    var daemon: Process?

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("marvin-bench-node-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        binaries = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        port = Int.random(in: 20_000..<40_000)
        try makeCertificates()
        let ctldConfig = """
            database: \(path("ctld.sqlite"))
            rest_api: {address: 127.0.0.1, port: \(port)}
            tls: {enabled: true, certificate: \(path("server.crt")), key: \(path("server.key")), client_ca: \(path("ca.crt"))}
            policy: {maintenance_windows: [], lead_time: 1, asap_slack: 0, min_runtime: 3, padding: 0}
            """
        try ctldConfig.write(toFile: path("ctld.yaml"), atomically: true, encoding: .utf8)
        for (name, role) in [("Node 48", "node"), ("bench", "user")] {
            try run(binary("marvinctld"), ["--config", path("ctld.yaml"), "admin", "add-user", "--name", name, "--ssl",
                                           try fingerprint(role == "node" ? "node.crt" : "user.crt"), "--role", role])
        }
        try run(binary("marvinctld"), ["--config", path("ctld.yaml"), "admin", "add-node", "--id", "48", "--hostname", "node48"])
        // Enough quota for the runs.
        processes.append(try start(binary("marvinctld"), ["--config", path("ctld.yaml"), "serve"], log: "ctld.log"))
        try FileManager.default.createDirectory(atPath: path("programs"), withIntermediateDirectories: true)
        try """
            #!/bin/sh
            date +%s.%N > "$MONROE_RESULTS/started-at"
            trap 'date +%s.%N > "$MONROE_RESULTS/term-at"; exit 0' TERM
            while true; do sleep 0.1; done
            """.write(toFile: path("programs/bench-run"), atomically: true, encoding: .utf8)
        chmod(path("programs/bench-run"), 0o755)
        let node: JSONValue = [
            "id": 48, "rest-server": .string("https://localhost:\(port)/v1"),
            "ssl": ["cert": .string(path("node.crt")), "key": .string(path("node.key")), "ca": .string(path("ca.crt"))],
            "heartbeat_period": 10, "heartbeat_jitter": 0,
            "status_directory": .string(path("results")), "config_directory": .string(path("config")),
            "state_database": .string(path("state/marvind.db")), "runtime_directory": .string(path("run")), "work_directory": .string(path("work")),
            "observability": ["listen": ""], "runtime": ["container": "process", "process_directory": .string(path("programs"))],
            "results": ["mode": "directory"], "network": ["required": false], "local_api": ["enabled": false], "hooks": ["directories": []],
            "timing": ["prestart_lead": 2, "idle_period": 0, "stop_grace_period": 2, "late_start_min_runtime": 1],
            "maintenance": ["flag_file": .string(path("maintenance")), "development_flag_file": .string(path("development"))],
            "development": true,
        ]
        try JSONWriter.write(node).write(toFile: path("marvind.yaml"), atomically: true, encoding: .utf8)
        chmod(path("marvind.yaml"), 0o600)
        try waitForCtld()
        let marvind = try start(binary("marvind"), ["run", "--config", path("marvind.yaml")], log: "marvind.log")
        processes.append(marvind)
        daemon = marvind
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    func binary(_ name: String) -> String { binaries.appendingPathComponent(name).path }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    @discardableResult
    func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
        process.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else { throw Failure(description: "\(executable) \(arguments.first ?? ""): \(text)") }
        return text
    }

    func start(_ executable: String, _ arguments: [String], log: String) throws -> Process {
        FileManager.default.createFile(atPath: path(log), contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path(log)))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    func makeCertificates() throws {
        try run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                            "-keyout", path("ca.key"), "-out", path("ca.crt"), "-subj", "/CN=marvin bench CA"])
        for (name, subject, usage) in [("server", "/CN=localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth"),
                                       ("node", "/CN=node48", "extendedKeyUsage=clientAuth"), ("user", "/CN=bench", "extendedKeyUsage=clientAuth")] {
            try usage.write(toFile: path("\(name).ext"), atomically: true, encoding: .utf8)
            try run("openssl", ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path("\(name).key"),
                                "-out", path("\(name).csr"), "-subj", subject])
            try run("openssl", ["x509", "-req", "-in", path("\(name).csr"), "-CA", path("ca.crt"), "-CAkey", path("ca.key"), "-CAcreateserial",
                                "-days", "2", "-out", path("\(name).crt"), "-extfile", path("\(name).ext")])
        }
    }

    func fingerprint(_ certificate: String) throws -> String {
        let text = try run("openssl", ["x509", "-in", path(certificate), "-noout", "-fingerprint", "-sha1"])
        return String(text.split(separator: "=").last ?? "").replacingOccurrences(of: ":", with: "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    func curl(_ method: String, _ route: String, body: String? = nil) throws -> JSONValue? {
        var arguments = ["-sS", "--max-time", "20", "-X", method, "--cert", path("user.crt"), "--key", path("user.key"), "--cacert", path("ca.crt")]
        if let body { arguments += ["--data-binary", body] }
        arguments.append("https://localhost:\(port)/v1\(route)")
        return try? JSONParser.parse(try run("curl", arguments))
    }

    func waitForCtld() throws {
        for _ in 0..<100 {
            if (try? run("curl", ["-s", "--cacert", path("ca.crt"), "https://localhost:\(port)/version"])) != nil { return }
            usleep(100_000)
        }
        throw Failure(description: "marvinctld did not start: \((try? String(contentsOfFile: path("ctld.log"), encoding: .utf8)) ?? "")")
    }

    /// Submits a one-node experiment of the bench program; its experiment and task ids.
    func submit(start: Int64, stop: Int64) throws -> (experiment: Int64, schedid: String) {
        let body = #"{"name": "bench", "nodecount": 1, "nodetypes": "", "script": "bench-run", "start": \#(start), "stop": \#(stop)}"#
        for _ in 0..<30 {
            // The node is schedulable once its first heartbeat arrived.
            if let answer = try curl("POST", "/experiments", body: body), let experiment = answer["experiment"]?.integerValue {
                let schedules = try curl("GET", "/experiments/\(experiment)/schedules")?["schedules"]?.objectValue ?? [:]
                guard let schedid = schedules.keys.first else { throw Failure(description: "experiment \(experiment) has no task") }
                return (experiment, schedid)
            }
            sleep(1)
        }
        throw Failure(description: "the ctld did not accept the experiment")
    }

    func delete(_ experiment: Int64) throws {
        _ = try curl("DELETE", "/experiments/\(experiment)")
    }

    /// Waits until `count` of marvind's tasks are in one of `states` (`marvind status --json`).
    func waitForNode(states: Set<String>, count: Int, seconds: Double) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let status = try? JSONParser.parse(try run(binary("marvind"), ["status", "--json", "--config", path("marvind.yaml")]))
            let matching = (status?["tasks"]?.arrayValue ?? []).filter { states.contains($0["state"]?.stringValue ?? "") }.count
            if matching >= count { return }
            try await Task.sleep(nanoseconds: 1_000_000_000)
        }
        throw Failure(description: "marvind did not reach \(count) tasks in \(states.sorted()) within \(Int(seconds)) s")
    }

    /// marvind's memory in MiB: resident set, proportional set (shared pages divided among the
    /// processes mapping them) and anonymous memory (its own heap and stacks).
    func daemonMemory() -> (rss: Double, pss: Double, anonymous: Double) {
        guard let daemon, let rollup = try? String(contentsOfFile: "/proc/\(daemon.processIdentifier)/smaps_rollup", encoding: .utf8) else { return (0, 0, 0) }
        func field(_ name: String) -> Double {
            let line = rollup.split(separator: "\n").first { $0.hasPrefix(name + ":") }
            return (Double(line?.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
        }
        return (field("Rss"), field("Pss"), field("Anonymous"))
    }

    /// marvind's resident set by what is mapped (a library, the binary, `[heap]`, anonymous
    /// memory), largest first, in MiB.
    func daemonResidentByMapping() -> [(mapping: String, rss: Double)] {
        // Read to the end: /proc files have no size, and a sized read stops at the first page.
        guard let daemon, let data = FileHandle(forReadingAtPath: "/proc/\(daemon.processIdentifier)/smaps")?.readDataToEndOfFile() else { return [] }
        let smaps = String(decoding: data, as: UTF8.self)
        var sizes: [String: Double] = [:]
        var current = "anonymous"
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let first = fields.first, first.contains("-"), !first.hasSuffix(":") {
                // A mapping's header: address range, permissions, offset, device, inode, path.
                current = fields.count >= 6 ? String(fields[5...].joined(separator: " ").split(separator: "/").last ?? "") : "anonymous"
            } else if fields.first == "Rss:", fields.count >= 2 {
                sizes[current, default: 0] += (Double(fields[1]) ?? 0) / 1024
            }
        }
        return sizes.map { ($0.key, $0.value) }.sorted { $0.rss > $1.rss }
    }

    /// A number a run wrote into its results.
    func result(_ schedid: String, _ name: String) -> Double? {
        (try? String(contentsOfFile: path("results/\(schedid)/\(name)"), encoding: .utf8)).flatMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    func close() {
        for process in processes.reversed() where process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }
}

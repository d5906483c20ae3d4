import Foundation
import MarvinCore
import MarvinMetadata
import MarvinNode

/// The testbed's node: a development marvind (its configuration, state and results in the run
/// directory) that replays the metadata recording on its bus and runs experiments in the
/// testbed's engine or, without one, as plain processes.
final class DevNode {
    /// What the ctld registers: node 1 with the SIMs of the recording's modems.
    struct Identity {
        let id: Int64 = 1
        let hostname = "dev-node-1"
        let interfaces: [String]

        init(recording: MetadataRecording) {
            let iccids = recording.messages.compactMap { $0.body["ICCID"]?.stringValue }
            interfaces = iccids.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        }
    }

    enum Runtime {
        case docker(socket: String)
        case process(programs: String)
    }

    let directory: String
    let metadataEndpoint: String
    private var daemon: ChildProcess?

    var configPath: String { "\(directory)/marvind.yaml" }
    var results: String { "\(directory)/results" }
    var log: String { "\(directory)/marvind.log" }
    private var statusFile: String { "\(directory)/run/status.json" }

    init(directory: String, metadataEndpoint: String) {
        self.directory = directory
        self.metadataEndpoint = metadataEndpoint
    }

    /// Writes the configuration (JSON is YAML) and starts marvind.
    func start(marvind: String, identity: Identity, ctld: String, certificates: DevCertificates, client: DevCertificates.Pair,
               runtime: Runtime, recording: String) throws {
        for folder in ["state", "run", "work", "results", "hooks", "flags", "config"] {
            try FileManager.default.createDirectory(atPath: "\(directory)/\(folder)", withIntermediateDirectories: true)
        }
        let runtimeSettings: JSONValue
        var docker: JSONValue = [:]
        switch runtime {
        case .docker(let socket):
            runtimeSettings = ["container": "docker"]
            docker = ["socket": .string(socket)]
        case .process(let programs):
            runtimeSettings = ["container": "process", "process_directory": .string(programs)]
        }
        let config: JSONValue = [
            "id": .int(identity.id), "rest-server": .string(ctld), "development": true,
            "ssl": ["cert": .string(client.certificate), "key": .string(client.key), "ca": .string(certificates.authority)],
            "heartbeat_period": 10, "heartbeat_jitter": 0, "heartbeat_backoff_max": 30,
            "status_directory": .string(results), "config_directory": .string("\(directory)/config"),
            "state_database": .string("\(directory)/state/marvind.db"), "runtime_directory": .string("\(directory)/run"),
            "work_directory": .string("\(directory)/work"),
            "log": ["level": "info", "file": .string(log)],
            "observability": ["listen": "", "control_socket": .string("\(directory)/run/control.sock")],
            "runtime": runtimeSettings, "docker": docker,
            "results": ["mode": "directory"],
            "timing": ["prestart_lead": 3, "idle_period": 0, "stop_grace_period": 5, "late_start_min_runtime": 10],
            "network": ["required": false],
            "local_api": ["enabled": false],
            "hooks": ["directories": [.string("\(directory)/hooks")]],
            "maintenance": ["flag_file": .string("\(directory)/flags/maintenance"), "development_flag_file": .string("\(directory)/flags/development")],
            "metadata": ["sysevent": "", "publish": .string(metadataEndpoint), "replay": ["file": .string(recording), "loop": true]],
        ]
        try JSONWriter.write(config).write(toFile: configPath, atomically: true, encoding: .utf8)
        chmod(configPath, 0o600)
        daemon = try ChildProcess(executable: marvind, arguments: ["run", "--config", configPath],
                                  environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"], output: .file("\(directory)/marvind.out"))
    }

    /// What the daemon last wrote to its status file, nil before it wrote one.
    var status: JSONValue? {
        (try? String(contentsOfFile: statusFile, encoding: .utf8)).flatMap { try? JSONParser.parse($0) }
    }

    var exited: Bool { daemon?.exitCode != nil }

    /// Waits until the daemon's first heartbeat was answered.
    func waitForTheCtld(seconds: Int) async throws {
        for _ in 0..<(seconds * 5) {
            if status?["ctld"]?["reachable"] == .bool(true) { return }
            if exited { throw Failure.testbed("marvind ended at start; see \(directory)/marvind.out") }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
        throw Failure.testbed("marvind did not reach the ctld within \(seconds) s; see \(log)")
    }

    /// SIGTERM and wait (runs it started go on and would be adopted; the engine stops them).
    func stop() async {
        guard let daemon else { return }
        kill(daemon.pid, SIGTERM)
        _ = await daemon.wait(timeout: 20)
        self.daemon = nil
    }
}

import Foundation
import MarvinCore
import MarvinNode
import Testing

/// `units/marvind.service` under real systemd (node-runtime §14.3, scenario 5): a Debian root
/// filesystem booted with systemd-nspawn, marvind started by its unit with two tasks in the
/// state database. The unit's start job ends only at READY=1, after recovery; the status line
/// and the watchdog are live. `scripts/test.sh` prepares the root filesystem.
@Suite(.enabled(if: Integration.isRequired || ProcessInfo.processInfo.environment["MARVIN_TEST_NSPAWN_ROOTFS"] != nil))
struct SystemdUnitTests {
    @Test func scenario005_unitBootsUnderSystemd() async throws {
        let rootfs = try #require(ProcessInfo.processInfo.environment["MARVIN_TEST_NSPAWN_ROOTFS"], "scripts/test.sh sets MARVIN_TEST_NSPAWN_ROOTFS")
        let nspawn = try Integration.require("systemd-nspawn")
        let directory = try Integration.temporaryDirectory("nspawn")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pki = try TestPKI(directory: directory)
        let node = try pki.issue("node48", subject: "/CN=node48")
        // Everything the test brings is bound into the shared tree, never written into it.
        let root = directory.appendingPathComponent("root").path
        func put(_ text: String, _ name: String, mode: mode_t = 0o644) throws -> String {
            let path = "\(root)/\(name)"
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, mode)
            return path
        }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        // The built binary itself: a fresh copy could still be open for writing in a child that
        // another test spawned meanwhile, and exec would fail with ETXTBSY.
        let binary = try Integration.productPath("marvind")
        let config: JSONValue = [
            "id": 48, "rest-server": "https://127.0.0.1:9/v1",
            "ssl": ["cert": "/marvin-test/node48.crt", "key": "/marvin-test/node48.key", "ca": "/marvin-test/ca.crt"],
            "status_directory": "/var/lib/marvind/results", "config_directory": "/var/lib/marvind/config",
            "runtime": ["container": "process", "process_directory": "/var/lib/marvind/programs"],
            "results": ["mode": "directory"], "network": ["required": false], "local_api": ["enabled": false],
            "observability": ["listen": ""], "hooks": ["directories": []], "development": true,
        ]
        let configFile = try put(JSONWriter.write(config), "marvind.conf", mode: 0o600)
        let unit = try put(String(contentsOf: Integration.repositoryRoot.appendingPathComponent("units/marvind.service"), encoding: .utf8), "marvind.service")
        let probeUnit = try put("""
            [Unit]
            Description=marvind probe
            After=marvind.service
            [Service]
            Type=oneshot
            ExecStart=/bin/sh -c 'systemctl show -p ActiveState -p StatusText -p WatchdogUSec -p NotifyAccess marvind > /marvin-test/probe.txt; /usr/bin/marvind status --json --config /etc/marvind.conf > /marvin-test/status.json; journalctl -u marvind --no-pager -n 40 > /marvin-test/journal.txt; systemctl poweroff'
            [Install]
            WantedBy=multi-user.target
            """, "marvin-probe.service")
        let wants = "\(root)/wants"
        try FileManager.default.createDirectory(atPath: wants, withIntermediateDirectories: true)
        for unitName in ["marvind.service", "marvin-probe.service"] {
            try FileManager.default.createSymbolicLink(atPath: "\(wants)/\(unitName)", withDestinationPath: "/etc/systemd/system/\(unitName)")
        }
        // Two known tasks waiting in the state database.
        let state = directory.appendingPathComponent("state").path
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let store = try NodeStateStore(path: "\(state)/marvind.db")
        let tasks = TaskStore(store: store)
        let now = Int64(Date().timeIntervalSince1970)
        for id in ["1001", "1002"] {
            try tasks.learn(HeartbeatTask(id: id, expID: 77, start: now + 600, stop: now + 900, status: TaskStatus("deployed"), deploymentOptions: ["script": "exp-ok"]), now: now)
        }

        // The debug binary finds the Swift runtime through its RUNPATH into the toolchain.
        let swiftRoot = "/opt/swift"
        let boot = try Program.run("/usr/bin/timeout", [
            "120", nspawn, "-q", "--register=no", "--keep-unit", "-b", "-D", rootfs, "--private-network", "--volatile=state",
            "--bind-ro=\(swiftRoot)", "--bind-ro=\(binary):/usr/bin/marvind", "--bind-ro=\(configFile):/etc/marvind.conf",
            "--bind-ro=\(unit):/etc/systemd/system/marvind.service", "--bind-ro=\(probeUnit):/etc/systemd/system/marvin-probe.service",
            "--bind-ro=\(wants):/etc/systemd/system/multi-user.target.wants", "--bind=\(state):/var/lib/marvind",
            "--bind=\(directory.path):/marvin-test",
        ])
        let probe = (try? String(contentsOf: directory.appendingPathComponent("probe.txt"), encoding: .utf8)) ?? ""
        let journal = (try? String(contentsOf: directory.appendingPathComponent("journal.txt"), encoding: .utf8)) ?? ""
        #expect(probe.contains("ActiveState=active"), "\(probe)\njournal:\n\(journal)\nconsole:\n\(boot.stdout.suffix(2000))\n\(boot.stderr.suffix(1000))")
        #expect(probe.contains("WatchdogUSec=1min"), "\(probe)")
        #expect(probe.contains("StatusText=idle; next task 1001"), "\(probe)")
        let status = try? JSONParser.parse(String(contentsOf: directory.appendingPathComponent("status.json"), encoding: .utf8))
        #expect(status?["daemon"] == "running")
        #expect(Set((status?["tasks"]?.arrayValue ?? []).compactMap { $0["schedid"]?.stringValue }) == ["1001", "1002"], "\(String(describing: status))")
    }
}

import Foundation
import MarvinCore
import MarvinNode
import Testing

/// marvind under real systemd (node-runtime §14.3, §8.5): a Debian root filesystem booted with
/// systemd-nspawn, marvind started by `units/marvind.service` with tasks in its state database,
/// and a probe unit that looks at it from inside and powers the machine off. `scripts/test.sh`
/// prepares the root filesystem.
@Suite(.enabled(if: Integration.isRequired || ProcessInfo.processInfo.environment["MARVIN_TEST_NSPAWN_ROOTFS"] != nil))
struct SystemdUnitTests {
    /// Scenario 5: the unit's start job ends only at READY=1, after recovery; the status line
    /// and the watchdog are live.
    @Test func scenario005_unitBootsUnderSystemd() async throws {
        let machine = try NspawnNode("nspawn")
        defer { machine.close() }
        let now = Int64(Date().timeIntervalSince1970)
        try machine.addTasks(["1001", "1002"], start: now + 600, stop: now + 900)
        let boot = try await machine.boot(probe: """
            systemctl show -p ActiveState -p StatusText -p WatchdogUSec -p NotifyAccess marvind > /marvin-test/probe.txt
            /usr/bin/marvind status --json --config /etc/marvind.conf > /marvin-test/status.json
            """)
        let probe = machine.file("probe.txt")
        #expect(probe.contains("ActiveState=active"), "\(probe)\n\(boot)")
        #expect(probe.contains("WatchdogUSec=1min"), "\(probe)")
        #expect(probe.contains("StatusText=idle; next task 1001"), "\(probe)")
        let status = try? JSONParser.parse(machine.file("status.json"))
        #expect(status?["daemon"] == "running")
        #expect(Set((status?["tasks"]?.arrayValue ?? []).compactMap { $0["schedid"]?.stringValue }) == ["1001", "1002"], "\(String(describing: status))")
    }

    /// Scenario 16, the systemd half (§8.5): when the ctld moves a running task's stop, the
    /// run's backup stop timer moves with it to the new stop + `backup_stop_delay`. The machine
    /// shares the host's network so that marvind reaches the ctld stub.
    @Test func scenario016_backupStopTimerFollowsAMovedStop() async throws {
        let machine = try NspawnNode("nspawn-moved-stop", overrides: [
            "heartbeat_period": 10, "heartbeat_jitter": 0,
            "timing": ["backup_stop_delay": 3, "prestart_lead": 3, "idle_period": 0, "late_start_min_runtime": 2],
        ])
        defer { machine.close() }
        let stub = try CtldStub(pki: machine.pki)
        try await stub.start()
        // The address, not the name: the machine's /etc/hosts is not the host's.
        machine.config = NodeTestbed.merge(machine.config, ["rest-server": .string(stub.api.replacingOccurrences(of: "localhost", with: "127.0.0.1"))])
        try machine.program("exp-long", "#!/bin/sh\nwhile true; do sleep 0.2; done\n")
        let start = Int64(Date().timeIntervalSince1970) + 40
        let (stop, moved) = (start + 60, start + 75)
        try machine.addTasks(["1001"], start: start, stop: stop, script: "exp-long")
        stub.update { $0.tasks = [CtldStub.task("1001", start: start, stop: stop, script: "exp-long", status: "deployed")] }
        let booting = Task {
            try await machine.boot(probe: """
                timer() { systemctl show -p ActiveState -p TimersCalendar marvind-stop-1001.timer; }
                for i in $(seq 90); do systemctl is-active -q marvind-stop-1001.timer && break; sleep 1; done
                timer > /marvin-test/timer-before.txt
                for i in $(seq 60); do [ "$(timer)" != "$(cat /marvin-test/timer-before.txt)" ] && break; sleep 1; done
                timer > /marvin-test/timer-after.txt
                """, hostNetwork: true)
        }
        // Once the run has started, the ctld's answers carry the later stop.
        let started = await stub.waitForReport("1001", "started", seconds: 120)
        stub.update { $0.tasks = [CtldStub.task("1001", start: start, stop: moved, script: "exp-long", status: "started")] }
        let boot = try await booting.value
        await stub.stop()
        #expect(started, "\(boot)")
        let before = machine.file("timer-before.txt")
        let after = machine.file("timer-after.txt")
        #expect(before.contains(BackupStopUnitCalendar.text(stop + 3)), "\(before)\n\(boot)")
        #expect(after.contains("ActiveState=active") && after.contains(BackupStopUnitCalendar.text(moved + 3)), "\(after)\n\(boot)")
    }

    /// Scenario 93 with a hung daemon (§8.5): the run's transient `marvind-stop-1001.timer`
    /// exists at `stop + backup_stop_delay`; with marvind stopped by SIGSTOP its service kills
    /// the run and leaves the marker; marvind, running again, reports `stopped` and removes the
    /// unit at cleanup.
    @Test func scenario093_backupStopUnitUnderSystemd() async throws {
        let machine = try NspawnNode("nspawn-backup", overrides: ["timing": ["backup_stop_delay": 3, "prestart_lead": 3, "idle_period": 0, "late_start_min_runtime": 2]])
        defer { machine.close() }
        try machine.program("exp-long", """
            #!/bin/sh
            echo $$ > /marvin-test/run.pid
            while true; do sleep 0.2; done
            """)
        let start = Int64(Date().timeIntervalSince1970) + 40
        let stop = start + 20
        try machine.addTasks(["1001"], start: start, stop: stop, script: "exp-long")
        let boot = try await machine.boot(probe: """
            status() { /usr/bin/marvind status --json --config /etc/marvind.conf; }
            for i in $(seq 90); do status | grep -q '"state": "running"' && break; sleep 1; done
            for i in $(seq 30); do systemctl is-active -q marvind-stop-1001.timer && break; sleep 0.5; done
            systemctl show -p ActiveState -p TimersCalendar marvind-stop-1001.timer > /marvin-test/timer.txt
            kill -STOP $(systemctl show -p MainPID --value marvind)
            for i in $(seq 40); do [ -e /var/lib/marvind/emergency/1001 ] && break; sleep 1; done
            date +%s > /marvin-test/marker-seen
            # A zombie (marvind is stopped and cannot reap it) counts as gone.
            state=$(sed 's/.*) //' /proc/$(cat /marvin-test/run.pid)/stat 2>/dev/null | cut -d' ' -f1)
            if [ -n "$state" ] && [ "$state" != Z ]; then echo alive; else echo gone; fi > /marvin-test/run-after.txt
            journalctl -u marvind-stop-1001.service --no-pager > /marvin-test/emergency.txt
            kill -CONT $(systemctl show -p MainPID --value marvind)
            for i in $(seq 60); do status | grep -q '"state": "syncing"' && break; sleep 1; done
            status > /marvin-test/status.json
            systemctl list-units --all --no-legend 'marvind-stop-*' > /marvin-test/units-after.txt
            """)
        let timer = machine.file("timer.txt")
        #expect(timer.contains("ActiveState=active"), "\(timer)\n\(boot)")
        #expect(timer.contains(BackupStopUnitCalendar.text(stop + 3)), "\(timer)")
        let markerSeen = try #require(Int64(machine.file("marker-seen").trimmingCharacters(in: .whitespacesAndNewlines)), "\(boot)")
        #expect(markerSeen >= stop + 3 && markerSeen <= stop + 3 + 8, "the backup stop \(markerSeen - stop) s after the stop")
        #expect(machine.file("run-after.txt") == "gone\n", "\(machine.file("emergency.txt"))")
        #expect(machine.file("emergency.txt").contains("killed run"), "\(machine.file("emergency.txt"))")
        let status = try? JSONParser.parse(machine.file("status.json"))
        let task = status?["tasks"]?.arrayValue?.first
        #expect(task?["last_status"] == "stopped", "\(String(describing: status))\n\(boot)")
        #expect(machine.file("units-after.txt").isEmpty, "\(machine.file("units-after.txt"))")
    }

    /// Scenario 92: a hung daemon (SIGSTOP) stops feeding the watchdog; systemd aborts it,
    /// kills it `TimeoutAbortSec` later and starts it again within `WatchdogSec` + `RestartSec`
    /// + 5 s, and the new daemon takes its task over. (A `process` run shares the daemon's
    /// cgroup and dies with it; containers live outside it and are adopted, scenario 88.)
    @Test func scenario092_hungDaemonIsRestartedByTheWatchdog() async throws {
        let machine = try NspawnNode("nspawn-watchdog", overrides: ["timing": ["prestart_lead": 3, "idle_period": 0, "late_start_min_runtime": 2]])
        defer { machine.close() }
        try machine.program("exp-long", "#!/bin/sh\nwhile true; do sleep 0.2; done\n")
        let start = Int64(Date().timeIntervalSince1970) + 40
        try machine.addTasks(["1001"], start: start, stop: start + 180, script: "exp-long")
        let boot = try await machine.boot(probe: """
            status() { /usr/bin/marvind status --json --config /etc/marvind.conf; }
            for i in $(seq 90); do status | grep -q '"state": "running"' && break; sleep 1; done
            first=$(systemctl show -p MainPID --value marvind)
            kill -STOP "$first"
            date +%s > /marvin-test/stopped-at
            for i in $(seq 240); do
              pid=$(systemctl show -p MainPID --value marvind)
              [ "$pid" != "$first" ] && [ "$pid" != 0 ] && systemctl is-active -q marvind && break
              sleep 0.5
            done
            date +%s > /marvin-test/restarted-at
            status > /marvin-test/status.json
            systemctl show -p NRestarts marvind > /marvin-test/restarts.txt
            """)
        let stopped = try #require(Int64(machine.file("stopped-at").trimmingCharacters(in: .whitespacesAndNewlines)), "\(boot)")
        let restarted = try #require(Int64(machine.file("restarted-at").trimmingCharacters(in: .whitespacesAndNewlines)), "\(boot)")
        #expect(restarted - stopped <= 60 + 5 + 5, "restarted \(restarted - stopped) s after the hang\n\(boot)")
        #expect(machine.file("restarts.txt") == "NRestarts=1\n", "\(machine.file("restarts.txt"))")
        // The new daemon took the task over (its `process` run died with the old one's cgroup).
        let status = try? JSONParser.parse(machine.file("status.json"))
        #expect(status?["daemon"] == "running", "\(boot)")
        #expect(status?["tasks"]?.arrayValue?.first?["schedid"] == "1001", "\(String(describing: status))")
    }
}

/// The `OnCalendar=` text systemd shows for an instant (`TimersCalendar={ OnCalendar=… ; …}`).
enum BackupStopUnitCalendar {
    static func text(_ unix: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return "OnCalendar=\(formatter.string(from: Date(timeIntervalSince1970: Double(unix)))) UTC"
    }
}

/// One node machine under systemd-nspawn. Everything the test brings is bound into the shared
/// root filesystem, never written into it, so tests can boot it side by side. (Sendable: a test
/// sets `config` before it boots the machine, and only reads afterwards.)
final class NspawnNode: @unchecked Sendable {
    let directory: URL
    let root: String
    let state: String
    let store: NodeStateStore
    var config: JSONValue
    let pki: TestPKI

    init(_ name: String, overrides: JSONValue = [:]) throws {
        directory = try Integration.temporaryDirectory(name)
        pki = try TestPKI(directory: directory)
        _ = try pki.issue("node48", subject: "/CN=node48")
        root = directory.appendingPathComponent("root").path
        state = directory.appendingPathComponent("state").path
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        store = try NodeStateStore(path: "\(state)/marvind.db")
        config = NodeTestbed.merge([
            "id": 48, "rest-server": "https://127.0.0.1:9/v1",
            "ssl": ["cert": "/marvin-test/node48.crt", "key": "/marvin-test/node48.key", "ca": "/marvin-test/ca.crt"],
            "status_directory": "/var/lib/marvind/results", "config_directory": "/var/lib/marvind/config",
            "runtime": ["container": "process", "process_directory": "/var/lib/marvind/programs"],
            "results": ["mode": "directory"], "network": ["required": false], "local_api": ["enabled": false],
            "observability": ["listen": ""], "hooks": ["directories": []], "development": true,
        ], overrides)
    }

    func close() {
        try? FileManager.default.removeItem(at: directory)
    }

    func file(_ name: String) -> String {
        (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
    }

    /// Tasks the node already knows (learned from an earlier heartbeat).
    func addTasks(_ ids: [String], start: Int64, stop: Int64, script: String = "exp-ok") throws {
        let tasks = TaskStore(store: store)
        for id in ids {
            try tasks.learn(HeartbeatTask(id: id, expID: 77, start: start, stop: stop, status: TaskStatus("deployed"), deploymentOptions: ["script": .string(script)]),
                            now: Int64(Date().timeIntervalSince1970))
        }
    }

    /// A program for the process runtime, in `/var/lib/marvind/programs`.
    func program(_ name: String, _ text: String) throws {
        let path = "\(state)/programs/\(name)"
        try FileManager.default.createDirectory(atPath: "\(state)/programs", withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
    }

    private func put(_ text: String, _ name: String, mode: mode_t = 0o644) throws -> String {
        let path = "\(root)/\(name)"
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, mode)
        return path
    }

    /// Boots the machine with marvind and a probe unit running `probe` (shell) after it; the
    /// probe's files are in `directory`. Returns the console and the marvind journal for messages.
    /// `hostNetwork` shares the host's network (a ctld stub on its loopback), else the machine
    /// has none.
    func boot(probe: String, hostNetwork: Bool = false) async throws -> String {
        let rootfs = try #require(ProcessInfo.processInfo.environment["MARVIN_TEST_NSPAWN_ROOTFS"], "scripts/test.sh sets MARVIN_TEST_NSPAWN_ROOTFS")
        let nspawn = try Integration.require("systemd-nspawn")
        // The built binary itself: a fresh copy could still be open for writing in a child that
        // another test spawned meanwhile, and exec would fail with ETXTBSY.
        let binary = try Integration.productPath("marvind")
        let configFile = try put(JSONWriter.write(config), "marvind.conf", mode: 0o600)
        let unit = try put(String(contentsOf: Integration.repositoryRoot.appendingPathComponent("units/marvind.service"), encoding: .utf8), "marvind.service")
        let script = try put("#!/bin/sh\n\(probe)\njournalctl -u marvind --no-pager -n 60 > /marvin-test/journal.txt\nsystemctl poweroff\n", "probe.sh", mode: 0o755)
        let probeUnit = try put("""
            [Unit]
            Description=marvind probe
            After=marvind.service
            [Service]
            Type=oneshot
            ExecStart=/marvin-test/probe.sh
            [Install]
            WantedBy=multi-user.target
            """, "marvin-probe.service")
        let wants = "\(root)/wants"
        try FileManager.default.createDirectory(atPath: wants, withIntermediateDirectories: true)
        for unitName in ["marvind.service", "marvin-probe.service"] {
            try FileManager.default.createSymbolicLink(atPath: "\(wants)/\(unitName)", withDestinationPath: "/etc/systemd/system/\(unitName)")
        }
        // The debug binary finds the Swift runtime through its RUNPATH into the toolchain.
        let swiftRoot = "/opt/swift"
        let boot = try await Program.run("/usr/bin/timeout", [
            "240", nspawn, "-q", "--register=no", "--keep-unit", "-b", "-D", rootfs] + (hostNetwork ? [] : ["--private-network"]) + ["--volatile=state",
            "--bind-ro=\(swiftRoot)", "--bind-ro=\(binary):/usr/bin/marvind", "--bind-ro=\(configFile):/etc/marvind.conf",
            "--bind-ro=\(unit):/etc/systemd/system/marvind.service", "--bind-ro=\(probeUnit):/etc/systemd/system/marvin-probe.service",
            "--bind-ro=\(script):/marvin-test/probe.sh",
            "--bind-ro=\(wants):/etc/systemd/system/multi-user.target.wants", "--bind=\(state):/var/lib/marvind",
            "--bind=\(directory.path):/marvin-test",
        ])
        return "journal:\n\(file("journal.txt"))\nconsole:\n\(boot.stdout.suffix(2000))\n\(boot.stderr.suffix(1000))"
    }
}

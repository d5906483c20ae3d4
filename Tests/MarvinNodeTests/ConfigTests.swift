import Foundation
import Testing

@testable import MarvinNode

/// marvind's configuration file (node-runtime §2): types, ranges, positions, legacy keys and
/// the checks that look at the machine.
@Suite struct ConfigTests {
    /// A directory with the files a valid configuration points at.
    final class Machine {
        let directory: URL
        var cert: String { directory.appendingPathComponent("marvind.pem").path }
        var key: String { directory.appendingPathComponent("marvind").path }
        var idfile: String { directory.appendingPathComponent("nodeid").path }
        var hooks: String { directory.appendingPathComponent("hooks").path }

        init(nodeID: String = "17\n") throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("marvind-config-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(atPath: directory.appendingPathComponent("hooks").path, withIntermediateDirectories: true)
            for file in [cert, key] { FileManager.default.createFile(atPath: file, contents: Data("x".utf8)) }
            FileManager.default.createFile(atPath: idfile, contents: Data(nodeID.utf8))
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        /// A minimal valid file plus `extra` lines.
        func yaml(_ extra: String = "") -> String {
            """
            idfile: \(idfile)
            rest-server: https://scheduler.example.org/v1
            ssl:
              cert: \(cert)
              key: \(key)
            hooks:
              directories: [\(hooks)]
            \(extra)
            """
        }
    }

    static func rendered(_ reading: NodeConfig.Reading) -> [String] { reading.problems.map(\.description) }

    @Test func minimalFileIsValidAndResolvesTheNodeID() throws {
        let machine = try Machine()
        let reading = NodeConfig.read(yaml: machine.yaml())
        #expect(reading.problems.isEmpty, "\(Self.rendered(reading))")
        #expect(reading.config.nodeID == "17")
        #expect(reading.config.heartbeat.period == 60)
        #expect(reading.config.maintenance.windows.map(\.description) == ["09:30-10:00", "21:30-22:00"])
    }

    @Test func documentedExampleValidates() throws {
        let machine = try Machine()
        let example = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("files/etc/marvind.yaml"), encoding: .utf8)
        let local = example.replacingOccurrences(of: "/etc/nodeid", with: machine.idfile)
            .replacingOccurrences(of: "/etc/keys/marvind.pem", with: machine.cert).replacingOccurrences(of: "key: /etc/keys/marvind ", with: "key: \(machine.key) ")
            .replacingOccurrences(of: "[/usr/lib/marvin/hooks, /etc/marvin/hooks]", with: "[\(machine.hooks)]")
        let reading = NodeConfig.read(yaml: local)
        #expect(reading.problems.isEmpty, "\(Self.rendered(reading))")
    }

    @Test func typesRangesAndPositions() throws {
        let machine = try Machine()
        let reading = NodeConfig.read(yaml: machine.yaml("""
            heartbeat_period: 5
            heartbeat_jitter: "3"
            prefetch: 21
            log:
              level: loud
            results:
              mode: tmpfs
            sync:
              enabled: yes-please
            bogus: 1
            """))
        #expect(!reading.isValid)
        #expect(Self.rendered(reading) == [
            "8:19: heartbeat_period: error: must be between 10 and 3600",
            "9:19: heartbeat_jitter: error: must be an integer",
            "10:11: prefetch: error: must be between 1 and 20",
            "12:10: log.level: error: must be one of trace, debug, info, notice, warning, error, critical (or 5, 10, 20, 30, 40, 50)",
            "14:9: results.mode: error: must be one of loop, directory",
            "16:12: sync.enabled: error: must be true or false",
            "17:1: bogus: error: unknown key",
        ])
    }

    @Test func legacyKeysAreWarnings() throws {
        let machine = try Machine()
        let reading = NodeConfig.read(yaml: machine.yaml("""
            marvind_username: monroe
            task_location: /experiments/monroe
            log:
              level: 10
            """).replacingOccurrences(of: "hooks:\n  directories: [\(machine.hooks)]", with: """
            hooks:
              directories: [\(machine.hooks)]
              deploy: /usr/bin/container-deploy.sh
              stop: /usr/local/bin/my-stop
            """))
        #expect(reading.isValid, "\(Self.rendered(reading))")
        #expect(Self.rendered(reading) == [
            "8:11: hooks.deploy: warning: hooks.deploy names a legacy hook script; marvind performs this step itself",
            "10:19: marvind_username: warning: marvind_username is ignored (legacy)",
            "11:16: task_location: warning: task_location is ignored (legacy)",
        ])
        #expect(reading.config.log.level == "debug")
        #expect(reading.config.hooks.legacy == ["stop": "/usr/local/bin/my-stop"])
    }

    @Test func restServerAndDevelopmentOnlySettings() throws {
        let machine = try Machine()
        let production = NodeConfig.read(yaml: machine.yaml("""
            runtime:
              container: process
            network:
              required: false
            metadata:
              publish: tcp://172.17.0.1:5556
            """).replacingOccurrences(of: "https://scheduler.example.org/v1", with: "http://localhost:9098/v1")
            .replacingOccurrences(of: "  key: \(machine.key)", with: "  key: \(machine.key)\n  verify: false"))
        #expect(Self.rendered(production) == [
            "2:14: rest-server: error: must be an https:// URL (http:// only with development: true)",
            "6:11: ssl.verify: error: false is only allowed with development: true",
            "10:14: runtime.container: error: process is only allowed with development: true",
            "12:13: network.required: error: false is only allowed with development: true",
            "14:12: metadata.publish: error: is only allowed with development: true",
        ])
        let development = NodeConfig.read(yaml: machine.yaml("development: true\nruntime:\n  container: auto")
            .replacingOccurrences(of: "https://scheduler.example.org/v1", with: "http://localhost:9098/v1"))
        #expect(development.isValid, "\(Self.rendered(development))")
        let missing = NodeConfig.read(yaml: machine.yaml().replacingOccurrences(of: "rest-server: https://scheduler.example.org/v1\n", with: ""))
        #expect(Self.rendered(missing) == ["1:1: rest-server: error: required key is missing"])
    }

    @Test func nodeIdentity() throws {
        let explicit = try Machine(nodeID: "not a number")
        let reading = NodeConfig.read(yaml: explicit.yaml("id: 42"))
        #expect(reading.isValid)
        #expect(reading.config.nodeID == "42")
        let badFile = NodeConfig.read(yaml: explicit.yaml())
        #expect(Self.rendered(badFile) == ["1:9: idfile: error: the first line of \(explicit.idfile) is not a node id (1 to 10 digits)"])
        let badID = NodeConfig.read(yaml: explicit.yaml("id: 12345678901"))
        #expect(Self.rendered(badID) == ["8:5: id: error: must be 1 to 10 digits"])
    }

    @Test func machineChecks() throws {
        let machine = try Machine()
        try FileManager.default.removeItem(atPath: machine.key)
        let reading = NodeConfig.read(
            yaml: machine.yaml("maintenance:\n  windows: [\"09:30-10:00\", \"09:45-10:15\", \"25:00-26:00\"]")
                .replacingOccurrences(of: "[\(machine.hooks)]", with: "[/nonexistent/hooks]"),
            checks: EnvironmentChecks(configFileMode: 0o644))
        #expect(Self.rendered(reading) == [
            "1:1: (file): warning: readable by group or others; it should be mode 0600",
            "5:8: ssl.key: error: \(machine.key) does not exist or is not readable",
            "7:16: hooks.directories: warning: hook directory /nonexistent/hooks does not exist",
            "9:12: maintenance.windows: error: 25:00-26:00 is not of the form HH:MM-HH:MM",
            "9:12: maintenance.windows: error: windows overlap",
        ])
    }

    @Test func syntaxErrorsArePositioned() {
        let reading = NodeConfig.read(yaml: "rest-server: [unclosed\n", checks: EnvironmentChecks(filesystem: false))
        #expect(!reading.isValid)
        #expect(reading.problems.first?.key == "(file)")
        #expect(reading.problems.first?.message.hasPrefix("invalid YAML") == true)
    }
}

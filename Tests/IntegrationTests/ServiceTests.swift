import Foundation
import Testing

/// Operations: graceful shutdown on SIGTERM, the systemd unit, `check-config`.
@Suite(.enabled(if: Integration.enabled("curl", "systemd-analyze")))
struct ServiceTests {
    @Test func sigtermStopsGracefully() throws {
        let directory = try Integration.temporaryDirectory("ctld-sigterm")
        defer { try? FileManager.default.removeItem(at: directory) }
        let ctld = try CtldProcess(directory: directory)
        try ctld.start()
        let curl = try Curl()
        try curl.waitUntilAnswering("http://127.0.0.1:\(ctld.port)/version")
        let status = ctld.stop()
        #expect(status == 0, "exit status after SIGTERM; log: \(ctld.logText)")
        #expect(!ctld.logText.contains("error"), "\(ctld.logText)")
    }

    @Test func checkConfigAcceptsTheDocumentedExample() throws {
        let directory = try Integration.temporaryDirectory("ctld-example")
        defer { try? FileManager.default.removeItem(at: directory) }
        let example = try String(contentsOf: Integration.repositoryRoot.appendingPathComponent("files/etc/marvinctld.yaml"), encoding: .utf8)
        let local = example.replacingOccurrences(of: "/var/lib/marvinctld/marvinctld.sqlite", with: directory.appendingPathComponent("db.sqlite").path)
        let path = directory.appendingPathComponent("marvinctld.yaml").path
        try local.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try Program.run(try Integration.productPath("marvinctld"), ["--config", path, "check-config"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains("warning"), "the example has no unknown keys: \(result.stdout)")
    }

    /// `systemd-analyze verify --recursive-errors=no` with an empty stderr (TESTBED §6), for
    /// both shipped units.
    @Test(arguments: ["marvinctld", "marvind"]) func unitFileVerifies(_ program: String) throws {
        let analyze = try Integration.require("systemd-analyze")
        let directory = try Integration.temporaryDirectory("\(program)-unit")
        defer { try? FileManager.default.removeItem(at: directory) }
        let unit = try String(contentsOf: Integration.repositoryRoot.appendingPathComponent("units/\(program).service"), encoding: .utf8)
        // The unit names the installed path; point it at the built binary for the check.
        let local = unit.replacingOccurrences(of: "/usr/bin/\(program)", with: try Integration.productPath(program))
        let path = directory.appendingPathComponent("\(program).service").path
        try local.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try Program.run(analyze, ["verify", "--recursive-errors=no", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }
}

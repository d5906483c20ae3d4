import Foundation
import MarvinCore

/// The private engine and registry that `scripts/docker-testbed.sh` starts for the test run
/// (TESTBED.md §3–4), with the experiment image pushed as `marvin/experiment:1`.
enum DockerTestbed {
    static var socket: String? { ProcessInfo.processInfo.environment["MARVIN_TEST_DOCKER_SOCKET"] }
    static var registry: String? { ProcessInfo.processInfo.environment["MARVIN_TEST_REGISTRY"] }
    /// A registry that asks for user `tester` and password `s3cret-pw`, with `marvin/experiment:1`.
    static var authRegistry: String? { ProcessInfo.processInfo.environment["MARVIN_TEST_AUTH_REGISTRY"] }

    /// Run the Docker tests when the engine is there, and always in CI (where its absence fails).
    static var enabled: Bool { Integration.isRequired || (socket != nil && registry != nil) }

    struct Missing: Error, CustomStringConvertible {
        var description: String { "MARVIN_TEST_DOCKER_SOCKET and MARVIN_TEST_REGISTRY are not set: run scripts/test.sh (it starts the engine and registry)" }
    }

    static func require() throws -> (socket: String, registry: String) {
        guard let socket, let registry else { throw Missing() }
        return (socket, registry)
    }

    /// Removes what an earlier test may have left (its node stopped before a cleanup): every
    /// container marvind made and every image, so each test pulls afresh.
    static func reset() throws {
        let filters = "{\"label\":[\"org.monroe.managed-by=marvind\"]}".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        for container in (try? JSONParser.parse(try api("/containers/json?all=1&filters=\(filters)").body))?.arrayValue ?? [] {
            if let id = container["Id"]?.stringValue { _ = try api("/containers/\(id)?force=1&v=1", method: "DELETE") }
        }
        for image in (try? JSONParser.parse(try api("/images/json").body))?.arrayValue ?? [] {
            if let id = image["Id"]?.stringValue { _ = try api("/images/\(id)?force=1", method: "DELETE") }
        }
    }

    /// Stops the engine as a service manager would, and starts it again (scenario 94).
    static func restartEngine() async throws {
        let (socket, _) = try require()
        let script = Integration.repositoryRoot.appendingPathComponent("scripts/docker-testbed.sh").path
        let result = try await Program.run("/bin/bash", [script, "restart-engine", (socket as NSString).deletingLastPathComponent])
        guard result.status == 0 else { throw TestPKI.Failure(description: "engine restart failed: \(result.stderr)") }
    }

    /// An Engine API call through curl: status and body.
    static func api(_ path: String, method: String = "GET") throws -> (status: Int, body: String) {
        let (socket, _) = try require()
        let result = try Program.run(try Integration.require("curl"), ["-s", "-o", "-", "-w", "\n%{http_code}", "-X", method, "--unix-socket", socket, "http://localhost/v1.41\(path)"])
        var lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.popLast() ?? "") ?? 0
        return (status, lines.joined(separator: "\n"))
    }
}

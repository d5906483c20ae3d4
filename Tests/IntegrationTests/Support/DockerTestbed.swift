import Foundation

/// The private engine and registry that `scripts/docker-testbed.sh` starts for the test run
/// (TESTBED.md §3–4), with the experiment image pushed as `marvin/experiment:1`.
enum DockerTestbed {
    static var socket: String? { ProcessInfo.processInfo.environment["MARVIN_TEST_DOCKER_SOCKET"] }
    static var registry: String? { ProcessInfo.processInfo.environment["MARVIN_TEST_REGISTRY"] }

    /// Run the Docker tests when the engine is there, and always in CI (where its absence fails).
    static var enabled: Bool { Integration.isRequired || (socket != nil && registry != nil) }

    struct Missing: Error, CustomStringConvertible {
        var description: String { "MARVIN_TEST_DOCKER_SOCKET and MARVIN_TEST_REGISTRY are not set: run scripts/test.sh (it starts the engine and registry)" }
    }

    static func require() throws -> (socket: String, registry: String) {
        guard let socket, let registry else { throw Missing() }
        return (socket, registry)
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

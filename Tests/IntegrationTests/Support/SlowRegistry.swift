import Foundation
import MarvinNode

/// `scripts/slow-proxy.py` in front of the test registry: the registry's answers at `rate`
/// bytes per second, or stalling after `stallAfter` bytes (scenarios 27, 28, 30, 32). Images
/// are pulled from it as `<address>/marvin/…`. Started and stopped by PID.
final class SlowRegistry {
    let process: ChildProcess
    let address: String
    let log: String

    init(directory: URL, rate: Int, stallAfter: Int? = nil) async throws {
        let (_, registry) = try DockerTestbed.require()
        let python = try Integration.require("python3")
        let portFile = directory.appendingPathComponent("slow-proxy.port").path
        log = directory.appendingPathComponent("slow-proxy.log").path
        let script = Integration.repositoryRoot.appendingPathComponent("scripts/slow-proxy.py").path
        var arguments = [script, "--port-file", portFile, "--target", registry, "--rate", String(rate), "--log", log]
        if let stallAfter { arguments += ["--stall-after", String(stallAfter)] }
        process = try Program.start(python, arguments, log: directory.appendingPathComponent("slow-proxy.out"))
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, (try? String(contentsOfFile: portFile, encoding: .utf8)) == nil {
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        guard let port = try? String(contentsOfFile: portFile, encoding: .utf8) else {
            Program.stop(process)
            throw TestPKI.Failure(description: "the slow registry proxy did not start")
        }
        address = "127.0.0.1:\(port)"
    }

    func stop() {
        Program.stop(process)
    }

    /// The proxy's connections that sent more than `bytes`: when their first and last bytes went.
    func downloads(over bytes: Int) -> [(first: Double, last: Double, bytes: Int)] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count == 3, let first = Double(fields[0]), let last = Double(fields[1]), let sent = Int(fields[2]), sent > bytes else { return nil }
            return (first, last, sent)
        }
    }
}

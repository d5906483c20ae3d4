import Foundation
import MarvinCore

/// HTTP(S) requests with curl: a real client that presents client certificates.
struct Curl {
    let executable: String

    init() throws { executable = try Integration.require("curl") }

    struct Answer {
        var status: Int
        var body: String
        var json: JSONValue? { try? JSONParser.parse(body) }
        /// curl's own exit code: non-zero when no HTTP answer arrived (e.g. a failed handshake).
        var exitCode: Int32
    }

    func request(
        _ url: String, method: String = "GET", headers: [String: String] = [:], data: String? = nil,
        certificate: (cert: String, key: String)? = nil, caFile: String? = nil
    ) throws -> Answer {
        var arguments = ["-sS", "-o", "-", "-w", "\n%{http_code}", "-X", method, "--max-time", "20"]
        for (name, value) in headers { arguments += ["-H", "\(name): \(value)"] }
        if let data { arguments += ["--data-binary", data] }
        if let certificate { arguments += ["--cert", certificate.cert, "--key", certificate.key] }
        if let caFile { arguments += ["--cacert", caFile] }
        arguments.append(url)
        let result = try Program.run(executable, arguments)
        var lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.popLast() ?? "") ?? 0
        return Answer(status: status, body: lines.joined(separator: "\n"), exitCode: result.status)
    }

    /// Polls until the URL answers at all (any status), or gives up after `seconds`.
    func waitUntilAnswering(_ url: String, caFile: String? = nil, seconds: Double = 15) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let answer = try? request(url, caFile: caFile), answer.status > 0 { return }
            usleep(50_000)
        }
        throw NotAnswering(url: url)
    }

    struct NotAnswering: Error, CustomStringConvertible {
        let url: String
        var description: String { "\(url) did not answer" }
    }
}

import AsyncHTTPClient
import Foundation
import MarvinCore
import NIOCore
import NIOHTTP1

/// The Docker Engine API on its unix socket (API 1.41, the version of Debian's engine): plain
/// HTTP with `Host: localhost`, JSON bodies, streamed answers for pulls, logs and waits.
public final class DockerEngine: Sendable {
    let http: HTTPClient
    let base: String

    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// HTTP status, nil when the engine did not answer.
        public let status: Int?
        public let message: String
        /// The request's deadline passed (a pull timeout, §6.3).
        public var timedOut = false
        public var description: String { status.map { "engine answered \($0): \(message)" } ?? "engine unreachable: \(message)" }
    }

    public init(socket: String) {
        var configuration = HTTPClient.Configuration()
        // Waits and log streams stay open for a whole run.
        configuration.timeout = .init(connect: .seconds(5), read: nil)
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let encoded = socket.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? socket
        base = "http+unix://\(encoded)/v1.41"
    }

    public func shutdown() async {
        try? await http.shutdown()
    }

    /// Percent-encodes a query value.
    static func query(_ value: String) -> String {
        HeartbeatRequest.encode(value)
    }

    func request(_ method: HTTPMethod, _ path: String, body: JSONValue? = nil, headers: [(String, String)] = []) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Host", value: "localhost")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: JSONWriter.write(body, pretty: false)))
        }
        return request
    }

    /// A call whose whole answer is read; a status of 400 or more is a failure.
    @discardableResult
    func call(_ method: HTTPMethod, _ path: String, body: JSONValue? = nil, timeout: TimeAmount = .seconds(60), accept: Set<Int> = []) async throws(Failure) -> (status: Int, json: JSONValue?) {
        do {
            let response = try await http.execute(request(method, path, body: body), timeout: timeout)
            let data = try await response.body.collect(upTo: 64 * 1024 * 1024)
            let status = Int(response.status.code)
            let text = String(buffer: data)
            let json = try? JSONParser.parse(text)
            if status >= 400 && !accept.contains(status) {
                throw Failure(status: status, message: json?["message"]?.stringValue ?? text.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            return (status, json)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(status: nil, message: "\(error)")
        }
    }

    /// A streamed answer: `handle` gets each chunk as it arrives.
    func stream(_ method: HTTPMethod, _ path: String, body: JSONValue? = nil, headers: [(String, String)] = [], timeout: TimeAmount,
                _ handle: (ByteBuffer) throws -> Void) async throws(Failure) {
        do {
            let response = try await http.execute(request(method, path, body: body, headers: headers), timeout: timeout)
            let status = Int(response.status.code)
            if status >= 400 {
                let data = try await response.body.collect(upTo: 1024 * 1024)
                let text = String(buffer: data)
                throw Failure(status: status, message: (try? JSONParser.parse(text))?["message"]?.stringValue ?? text)
            }
            for try await chunk in response.body {
                try handle(chunk)
            }
        } catch let failure as Failure {
            throw failure
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            throw Failure(status: nil, message: "deadline exceeded", timedOut: true)
        } catch {
            throw Failure(status: nil, message: "\(error)")
        }
    }
}

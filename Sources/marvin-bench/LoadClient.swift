import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A principal as the trusted proxy announces it (§2.5.2): a fingerprint plus `VERIFIED: SUCCESS`,
/// sent from 127.0.0.1, which the default `trusted_proxies` trusts.
struct Principal: Sendable {
    let fingerprint: String

    /// A 40-hex-digit fingerprint made of a two-digit kind prefix and `number` in hex, so every
    /// benchmark principal is distinct and reproducible.
    init(kind: String, number: Int) {
        let hex = String(number, radix: 16)
        fingerprint = kind + String(repeating: "0", count: 40 - kind.count - hex.count) + hex
    }

    static let admin = Principal(kind: "ad", number: 1)
    static let seeder = Principal(kind: "5e", number: 1)
    static let experimenter = Principal(kind: "e0", number: 1)
    static func node(_ id: Int) -> Principal { Principal(kind: "0d", number: id) }
}

/// One answer: status, the time from sending to the last body byte, and the body.
struct Reply: Sendable {
    var status: Int
    var latency: Duration
    var body: String

    /// The body as a JSON object, for the few answers the benchmark reads.
    var object: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
    }
}

/// HTTP/1.1 keep-alive client for the in-process server; one connection per concurrent worker,
/// so connection set-up is not part of what is measured.
final class LoadClient: Sendable {
    private let http: HTTPClient
    private let base: String

    init(port: Int, connections: Int) {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(120), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(60))
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        base = "http://127.0.0.1:\(port)"
    }

    enum Body {
        case none
        case form(String)
        case json([String: Any])
    }

    func send(_ method: HTTPMethod, _ path: String, as principal: Principal, _ body: Body = .none) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "SSL-Fingerprint", value: principal.fingerprint)
        request.headers.add(name: "VERIFIED", value: "SUCCESS")
        switch body {
        case .none:
            break
        case .form(let text):
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: text))
        case .json(let object):
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object)))
        }
        let started = ContinuousClock.now
        let response = try await http.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), latency: ContinuousClock.now - started, body: String(buffer: bytes))
    }

    func shutdown() async throws {
        try await http.shutdown()
    }
}

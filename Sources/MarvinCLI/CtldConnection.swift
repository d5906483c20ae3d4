import AsyncHTTPClient
import Foundation
import MarvinCore
import NIOCore
import NIOHTTP1
import NIOSSL

/// The CLI's HTTPS connection to marvinctld, presenting the caller's client certificate. A
/// non-2xx answer becomes a `Refusal` carrying the server's own message.
public final class CtldConnection: Sendable {
    let http: HTTPClient
    let base: String

    public struct Refusal: Error, CustomStringConvertible, Sendable {
        /// The HTTP status; nil when no answer arrived.
        public let status: Int?
        public let message: String
        public var description: String { status.map { "\(message) (HTTP \($0))" } ?? message }
    }

    public init(_ configuration: CLIConfiguration) throws(Refusal) {
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(configuration.certificate).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: configuration.key, format: .pem))
            if let ca = configuration.ca { tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca)) }
        } catch {
            // The key's path may be named, its content never.
            throw Refusal(status: nil, message: "cannot load the client certificate \(configuration.certificate), its key or the CA")
        }
        var settings = HTTPClient.Configuration(tlsConfiguration: tls)
        settings.timeout = .init(connect: .seconds(10), read: .seconds(60))
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: settings)
        base = configuration.url
    }

    public func shutdown() async {
        try? await http.shutdown()
    }

    public enum Method: String, Sendable {
        case GET, POST, PUT, DELETE
    }

    /// One request; `query` items are percent-encoded, `body` is sent as JSON.
    public func call(_ method: Method, _ path: String, query: [(String, String)] = [], body: JSONValue? = nil) async throws(Refusal) -> JSONValue {
        let encoded = query.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        var request = HTTPClientRequest(url: base + path + (encoded.isEmpty ? "" : "?\(encoded)"))
        request.method = HTTPMethod(rawValue: method.rawValue)
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: JSONWriter.write(body, pretty: false)))
        }
        let status: Int
        let text: String
        do {
            let response = try await http.execute(request, timeout: .seconds(60))
            status = Int(response.status.code)
            text = String(buffer: try await response.body.collect(upTo: 64 * 1024 * 1024))
        } catch {
            throw Refusal(status: nil, message: "cannot reach the ctld at \(base): \(Self.reason(error))")
        }
        let json = try? JSONParser.parse(text)
        guard (200..<300).contains(status) else {
            throw Refusal(status: status, message: json?["message"]?.stringValue ?? "the ctld answered without a message")
        }
        return json ?? .null
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    /// A connection failure in a few words (TLS errors name their cause).
    static func reason(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("CERTIFICATE_VERIFY_FAILED") { return "its certificate is not signed by the CA (--ca)" }
        if text.contains("connectTimeout") || text.contains("Connection refused") || text.contains("connection reset") { return "no connection" }
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}

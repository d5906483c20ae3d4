import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MarvinCore
import NIOCore
import NIOSSL

/// The request context: Hummingbird's core storage plus the connection, for the peer address
/// (trusted proxies) and the peer certificate (native mTLS).
struct ControllerRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Turns every HTTP request into exactly one protocol answer: routing (404/405), body size
/// (413), body decoding (400), identity, then the route's handler. Nothing escapes as a 5xx
/// except the fixed internal-error body.
struct ControllerResponder: HTTPResponder {
    typealias Context = ControllerRequestContext
    let controller: Controller
    /// True when this listener serves `/metrics` (R2).
    let servesMetrics: Bool

    static let fingerprintHeaders = [HTTPField.Name("SSL_FINGERPRINT")!, HTTPField.Name("SSL-Fingerprint")!]
    static let verifiedHeader = HTTPField.Name("VERIFIED")!

    func respond(to request: Request, context: Context) async throws -> Response {
        let started = ContinuousClock.now
        let method = request.method.rawValue
        let route = RouteTable.match(path: request.uri.path, metricsOnAPI: servesMetrics)
        var response: Response
        do {
            response = try await answer(request, route: route, context: context)
        } catch let error as APIError {
            response = Self.render(status: error.status, body: error.body, method: method)
        } catch {
            controller.logger.error("request failed", metadata: ["route": "\(route?.template ?? "none")", "error": "\(type(of: error))"])
            response = Self.render(status: 500, body: APIError.internalError.body, method: method)
        }
        controller.metrics.request(
            method: method, route: route?.template ?? "none", status: Int(response.status.code), duration: ContinuousClock.now - started)
        return response
    }

    private func answer(_ request: Request, route: RouteMatch?, context: Context) async throws -> Response {
        let method = request.method.rawValue
        guard let route else { throw APIError(404, "not found") }
        guard route.allowed.contains(method) else {
            var response = Self.render(status: 405, body: ["message": "Method not allowed."], method: method)
            response.headers[.allow] = route.allowed.joined(separator: ", ")
            return response
        }
        if route.id == .metrics {
            let text = try await controller.metrics.exposition(storage: controller.storage)
            return Self.metricsResponse(text, method: method)
        }
        let body = try await collectBody(request)
        // Only POST, PUT and DELETE read the body (§2.3); a GET's body is ignored.
        let readsBody = ["POST", "PUT", "DELETE"].contains(method)
        let params: Parameters
        do { params = try Parameters(query: request.uri.query, body: readsBody ? body : []) } catch { throw error.apiError }
        let identity = try await resolveIdentity(request, context: context)
        let apiRequest = APIRequest(method: method, route: route, params: params, identity: identity, now: controller.clock.now())
        let result = try await controller.dispatch(apiRequest)
        var response = Self.render(status: result.status, body: result.body, method: method)
        for (name, value) in result.headers {
            if let field = HTTPField.Name(name) { response.headers[field] = value }
        }
        return response
    }

    private func collectBody(_ request: Request) async throws -> [UInt8] {
        let limit = controller.config.maxBodyBytes
        var bytes: [UInt8] = []
        for try await buffer in request.body {
            if bytes.count + buffer.readableBytes > limit { throw APIError(413, "Request body too large.") }
            bytes.append(contentsOf: buffer.readableBytesView)
        }
        return bytes
    }

    private func resolveIdentity(_ request: Request, context: Context) async throws -> Identity {
        let fingerprint: String?
        let verified: String?
        if controller.config.tls.enabled {
            // Native mTLS (§2.5.3): the handshake already verified the chain; headers are ignored.
            let certificate = try? await context.channel.nioSSL_peerCertificate().get()
            if let certificate, let der = try? certificate.toDERBytes() {
                fingerprint = Insecure.SHA1.hash(data: der).map { String(format: "%02x", $0) }.joined()
                verified = "SUCCESS"
            } else {
                (fingerprint, verified) = (nil, "NONE")
            }
        } else {
            let peer = context.channel.remoteAddress?.ipAddress
            let values = Self.fingerprintHeaders.flatMap { request.headers[values: $0] }
            (fingerprint, verified) = ProxyHeaderIdentity(trustedProxies: controller.config.trustedProxies)
                .credentials(peer: peer, fingerprintValues: values, verifiedValues: request.headers[values: Self.verifiedHeader])
        }
        guard let fingerprint else { return Identity(fingerprint: nil, verified: verified, user: nil) }
        let user = try controller.storage.principal(fingerprint: fingerprint)
        return Identity(fingerprint: fingerprint, verified: verified, user: user)
    }

    static func render(status: Int, body: JSONValue, method: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[HTTPField.Name("api-version")!] = "1.0"
        let text = method == "HEAD" ? "" : JSONWriter.write(body) + "\n"
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func metricsResponse(_ text: String, method: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4"
        headers[HTTPField.Name("api-version")!] = "1.0"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: method == "HEAD" ? "" : text)))
    }
}

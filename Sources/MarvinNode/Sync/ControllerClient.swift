import AsyncHTTPClient
import Foundation
import MarvinCore
import NIOCore
import NIOHTTP1
import NIOSSL

/// The node's HTTPS client towards the ctld (node-runtime §1.3, §4): client certificate,
/// server verified against `ssl.ca`, form bodies, `User-Agent: marvind/<version>`. Every call
/// answers instead of throwing for network trouble, because offline is a normal state (§4.7).
public final class ControllerClient: Sendable {
    let http: HTTPClient
    let base: String
    let nodeID: String
    let requestTimeout: TimeAmount

    public struct SetupError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public init(config: NodeConfig) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(config.ssl.cert).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: config.ssl.key, format: .pem))
            if let ca = config.ssl.ca { tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca)) }
        } catch {
            // The key's path may be named, its content never.
            throw SetupError(description: "cannot load the client certificate \(config.ssl.cert) or its key")
        }
        if !config.ssl.verify { tls.certificateVerification = .none }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.timeout = .init(connect: .seconds(config.http.connectTimeout), read: .seconds(config.http.requestTimeout))
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        base = config.restServer.hasSuffix("/") ? String(config.restServer.dropLast()) : config.restServer
        nodeID = config.nodeID
        requestTimeout = .seconds(config.http.requestTimeout)
    }

    public func shutdown() async throws {
        try await http.shutdown()
    }

    /// An HTTP answer, or nil status when none arrived.
    struct Answer {
        var status: Int?
        var body: String
        var retryAfter: Int64?
        /// No answer because the ctld's certificate failed verification against `ssl.ca`.
        var serverUnverified = false
        var message: String? { (try? JSONParser.parse(body))?["message"]?.stringValue }
    }

    func send(_ method: HTTPMethod, _ path: String, form: String? = nil, timeout: TimeAmount? = nil) async -> Answer {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "User-Agent", value: "marvind/\(MarvinNodeVersion.version)")
        request.headers.add(name: "Accept", value: "application/json")
        if let form {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: form))
        }
        do {
            let response = try await http.execute(request, timeout: timeout ?? requestTimeout)
            let body = try await response.body.collect(upTo: 16 * 1024 * 1024)
            return Answer(
                status: Int(response.status.code), body: String(buffer: body),
                retryAfter: response.headers.first(name: "Retry-After").flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) })
        } catch {
            // BoringSSL names the reason; the error types differ between handshake paths.
            return Answer(status: nil, body: "", retryAfter: nil, serverUnverified: "\(error)".contains("CERTIFICATE_VERIFY_FAILED"))
        }
    }

    /// `PUT <rest-server>/resources/<nodeid>` (§4.2, §4.3).
    public func heartbeat(_ request: HeartbeatRequest, prefetch: Int, timeout: TimeAmount? = nil) async -> HeartbeatOutcome {
        let answer = await send(.PUT, "/resources/\(nodeID)", form: request.formBody, timeout: timeout)
        guard let status = answer.status else { return .failed(answer.serverUnverified ? .serverUnverified : .unavailable, retryAfter: nil) }
        return HeartbeatOutcome(status: status, body: answer.body, retryAfter: answer.retryAfter, prefetch: prefetch)
    }

    public enum Identity: Sendable, Equatable {
        case identified(name: String)
        case rejected
        case unreachable
    }

    /// `GET <rest-server>/backend/auth`, the start-up diagnostic (§4.1 step 8).
    public func identity() async -> Identity {
        let answer = await send(.GET, "/backend/auth")
        switch answer.status {
        case 200?: return .identified(name: (try? JSONParser.parse(answer.body))?["user"]?["name"]?.stringValue ?? "")
        case 401?: return .rejected
        default: return .unreachable
        }
    }

    /// The experiment's `script` for a task whose options lack one (§4.3, task definition fetch);
    /// nil when the ctld cannot be asked or does not say.
    public func script(experiment: Int64, schedule: String) async -> String? {
        let answer = await send(.GET, "/experiments/\(experiment)/schedules/\(HeartbeatRequest.encode(schedule))")
        guard answer.status == 200 else { return nil }
        return (try? JSONParser.parse(answer.body))?["script"]?.stringValue
    }

    /// Delivers one outbox entry, `PUT <rest-server>/schedules/<schedid>` (§4.4).
    public func deliver(_ entry: Outbox.Entry) async -> ReportOutcome {
        let answer = await send(.PUT, "/schedules/\(HeartbeatRequest.encode(entry.schedid))", form: entry.payload)
        return ReportOutcome(status: answer.status, message: answer.message)
    }
}

extension ControllerClient {
    public enum ScheduleCheck: Sendable, Equatable {
        /// 404, an empty list, or a final status: handled as canceled.
        case gone
        case active
        /// No answer: offline rule, nothing changes.
        case unknown
    }

    /// `GET <rest-server>/schedules/<schedid>` for a task missing from a heartbeat (§4.3).
    public func checkSchedule(_ schedid: String) async -> ScheduleCheck {
        let answer = await send(.GET, "/schedules/\(HeartbeatRequest.encode(schedid))")
        switch answer.status {
        case 404?: return .gone
        case 200?:
            let json = try? JSONParser.parse(answer.body)
            let entry: JSONValue? = if case .array(let items)? = json { items.first } else { json }
            guard let entry else { return .gone }
            if let status = entry["status"]?.stringValue, TaskStatus(status).isFinal { return .gone }
            return .active
        default: return .unknown
        }
    }
}

import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import MarvinCore
import NIOCore
import NIOSSL
import ServiceLifecycle
import Synchronization

/// "The stub" of node-runtime §17: a ctld that speaks the node's side of the protocol over
/// mTLS (client certificates from the test CA are required) and answers as the test says,
/// including what the real marvinctld never answers: 503, 429 with Retry-After, 401, the
/// legacy list form, 400 "cannot be reset", 404 and 500 on reports. Every request that reaches
/// the HTTP layer is recorded with its arrival time. It can be taken down and brought back on
/// the same port, for "unreachable".
final class CtldStub: Sendable {
    struct Received: Sendable {
        let method: String
        let path: String
        let body: String
        let at: Double
        let userAgent: String?

        /// The form fields of the body, in order.
        var form: [(name: String, value: String)] {
            body.split(separator: "&").map {
                let pair = $0.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                return (pair[0], pair.count > 1 ? pair[1] : "")
            }
        }

        func field(_ name: String) -> String? { form.first { $0.name == name }?.value }
        var isHeartbeat: Bool { method == "PUT" && path.hasPrefix("/v1/resources/") }
        /// The task a report is for, when this is one.
        var reportedTask: String? { method == "PUT" && path.hasPrefix("/v1/schedules/") ? String(path.dropFirst("/v1/schedules/".count)) : nil }
    }

    struct Reply: Sendable {
        var status: Int
        var body: String
        var retryAfter: Int?

        init(_ status: Int, _ body: String = "{}", retryAfter: Int? = nil) {
            self.status = status
            self.body = body
            self.retryAfter = retryAfter
        }

        static func message(_ status: Int, _ text: String) -> Reply { Reply(status, JSONWriter.write(["message": .string(text)], pretty: false)) }
    }

    /// What the test controls.
    struct Script: Sendable {
        /// The tasks every heartbeat answers with.
        var tasks: [JSONValue] = []
        /// Answer heartbeats with a bare array (the legacy form, §4.3).
        var legacyList = false
        /// `script` of `GET /v1/experiments/<e>/schedules/<id>`, by task id.
        var scripts: [String: String] = [:]
        /// Checked first; nil falls through to the well-behaved answer.
        var override: (@Sendable (Received) -> Reply?)?
    }

    private struct State {
        var script = Script()
        var received: [Received] = []
        var group: ServiceGroup?
        var running: Task<Void, Never>?
        /// Chosen by the system at the first start, kept for the restarts.
        var port: Int?
    }

    private let state = Mutex(State())
    private let tls: TLSConfiguration

    struct NotListening: Error, CustomStringConvertible {
        var description: String { "the ctld stub could not listen" }
    }

    /// The port it listens on; 0 before the first start.
    var port: Int { state.withLock { $0.port ?? 0 } }
    var api: String { "https://localhost:\(port)/v1" }

    /// A stub with `server` as its certificate; clients must present a certificate signed by
    /// `clientCA`.
    init(server: (cert: String, key: String), clientCA: String) throws {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(server.cert).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: server.key, format: .pem)))
        tls.trustRoots = .file(clientCA)
        tls.certificateVerification = .noHostnameVerification
        self.tls = tls
    }

    /// A stub with the server certificate of `pki`, trusting its clients.
    convenience init(pki: TestPKI) throws {
        try self.init(server: (pki.serverCertificate, pki.serverKey), clientCA: pki.caCertificate)
    }

    func update(_ change: (inout Script) -> Void) { state.withLock { change(&$0.script) } }

    var received: [Received] { state.withLock { $0.received } }
    var heartbeats: [Received] { received.filter(\.isHeartbeat) }

    /// Reports for one task: the `status` values, and `traffic` marked as "traffic".
    func reports(for schedid: String) -> [String] {
        received.filter { $0.reportedTask == schedid }.map { $0.field("status") ?? ($0.field("traffic") != nil ? "traffic" : "?") }
    }

    /// Starts listening (again, on the same port); returns once the port accepts connections.
    func start() async throws {
        let listening = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "ctld-stub")
        logger.logLevel = .critical
        let app = Application(
            responder: Responder(stub: self), server: try .tls(.http1(), tlsConfiguration: tls),
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil),
            onServerRunning: { channel in listening.continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        // A server that cannot bind ends at once: the wait below must not outlive it.
        let running = Task<Void, Never> {
            try? await group.run()
            listening.continuation.finish()
        }
        state.withLock {
            $0.group = group
            $0.running = running
        }
        var bound: Int?
        for await port in listening.stream {
            bound = port
            break
        }
        guard let bound, bound > 0 else { throw NotListening() }
        state.withLock { $0.port = bound }
    }

    /// Stops listening: from now on the ctld is unreachable.
    func stop() async {
        let (group, running) = state.withLock { state in
            defer { (state.group, state.running) = (nil, nil) }
            return (state.group, state.running)
        }
        await group?.triggerGracefulShutdown()
        await running?.value
    }

    /// Waits until a recorded request satisfies `condition`.
    func waitFor(seconds: Double, _ condition: (Received) -> Bool) async -> Received? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let found = received.first(where: condition) { return found }
            try? await Task.sleep(nanoseconds: 100_000_000)
        }
        return nil
    }

    /// Waits until `count` heartbeats have arrived, or `seconds` have passed.
    func waitForHeartbeats(_ count: Int, seconds: Double) async {
        let deadline = Date().addingTimeInterval(seconds)
        while heartbeats.count < count, Date() < deadline { try? await Task.sleep(nanoseconds: 100_000_000) }
    }

    /// Waits until the task's reports include `status` (a prefix match).
    func waitForReport(_ schedid: String, _ status: String, seconds: Double) async -> Bool {
        await waitFor(seconds: seconds) { $0.reportedTask == schedid && ($0.field("status")?.hasPrefix(status) ?? false) } != nil
    }

    /// A task as the heartbeat carries it (§4.3).
    static func task(_ id: String, start: Int64, stop: Int64, script: String? = "exp", status: String = "defined", options: JSONValue = [:])
        -> JSONValue
    {
        var deployment = options.objectValue ?? [:]
        if let script { deployment["script"] = .string(script) }
        return ["id": .string(id), "expid": 77, "nodeid": 48, "shared": 0, "start": .int(start), "stop": .int(stop), "status": .string(status),
                "deployment_options": .object(deployment)]
    }

    fileprivate func answer(_ request: Received) -> Reply {
        let script = state.withLock {
            $0.received.append(request)
            return $0.script
        }
        if let reply = script.override?(request) { return reply }
        let path = request.path
        switch request.method {
        case "GET" where path == "/v1/backend/auth":
            return Reply(200, #"{"user": {"name": "Node 48", "role": "node"}}"#)
        case "PUT" where request.isHeartbeat:
            let tasks = JSONValue.array(script.tasks)
            return Reply(200, JSONWriter.write(script.legacyList ? tasks : ["tasks": tasks, "interfaces": []], pretty: false))
        case "PUT" where request.reportedTask != nil:
            return .message(200, "Ok.")
        case "GET" where path.hasPrefix("/v1/schedules/"):
            let id = String(path.dropFirst("/v1/schedules/".count))
            guard let task = script.tasks.first(where: { $0["id"]?.stringValue == id }) else {
                return .message(404, "Could not find schedule entry with this id.")
            }
            return Reply(200, JSONWriter.write(.array([task]), pretty: false))
        case "GET" where path.hasPrefix("/v1/experiments/"):
            guard let id = path.split(separator: "/").last, let value = script.scripts[String(id)] else { return .message(404, "not found") }
            return Reply(200, JSONWriter.write(["script": .string(value)], pretty: false))
        default:
            return .message(404, "not found")
        }
    }

    private struct Responder: HTTPResponder {
        typealias Context = BasicRequestContext
        let stub: CtldStub

        func respond(to request: Request, context: Context) async throws -> Response {
            let body = try await request.body.collect(upTo: 1 << 20)
            let received = Received(
                method: request.method.rawValue, path: request.uri.path, body: String(buffer: body), at: Date().timeIntervalSince1970,
                userAgent: request.headers[.userAgent])
            let reply = stub.answer(received)
            var headers: HTTPFields = [.contentType: "application/json"]
            if let retryAfter = reply.retryAfter { headers[.retryAfter] = String(retryAfter) }
            return Response(status: .init(code: reply.status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: reply.body)))
        }
    }
}

/// Counts calls from the stub's answers (a `Mutex` itself cannot be captured by them).
final class Counter: Sendable {
    private let count = Mutex(0)

    /// Counts one more; the count including it.
    func next() -> Int { count.withLock { $0 += 1; return $0 } }
    var value: Int { count.withLock { $0 } }
}

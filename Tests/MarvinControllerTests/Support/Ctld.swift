import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MarvinCore
import NIOCore
import Testing

@testable import MarvinController

/// A marvinctld served in-process on a real socket, with its own SQLite file and a clock
/// file the test moves (`testing.clock_file`, §8). Every answer is checked against the
/// OpenAPI document.
final class Ctld: Sendable {
    let directory: URL
    let config: ControllerConfig
    let controller: Controller
    /// The storage itself, for its test hooks.
    let sqlite: SQLiteStorage
    let clockPath: String

    static let T0: Int64 = 1_772_452_800

    /// `extraYAML` is appended to the fixture configuration (§11.0).
    init(extraYAML: String = "", trustedRegistry: String = "docker.monroe-system.eu", directory reuse: URL? = nil) throws {
        directory = reuse ?? FileManager.default.temporaryDirectory.appendingPathComponent("ctld-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        clockPath = directory.appendingPathComponent("clock").path
        let yaml = """
            database: \(directory.appendingPathComponent("ctld.sqlite").path)
            repository:
              deployment: "\(trustedRegistry)"
            testing:
              clock_file: \(clockPath)
            \(extraYAML)
            """
        config = try ControllerConfig.parse(yaml: yaml)
        sqlite = try SQLiteStorage(path: config.database)
        var logger = Logger(label: "ctld-test")
        logger.logLevel = .critical
        controller = Controller(config: config, storage: sqlite, clock: FileClock(path: clockPath), logger: logger, metrics: ControllerMetrics())
    }

    func setClock(_ time: Int64) {
        try! String(time).write(toFile: clockPath, atomically: true, encoding: .utf8)
    }

    var server: ControllerServer { ControllerServer(controller: controller) }

    /// Serves the API for the duration of `body`.
    func run<T: Sendable>(_ body: @Sendable (CtldClient) async throws -> T) async throws -> T {
        let app = try server.makeApplication()
        return try await app.test(.ahc(.http)) { client in
            try await body(CtldClient(client: client))
        }
    }
}

/// Who sends a request: the fixture's principals by fingerprint (§11.0), or nobody.
struct Caller: Sendable {
    var headers: [(String, String)]

    static let anonymous = Caller(headers: [])
    static let admin = fingerprint("a")
    static let alice = fingerprint("b")
    static let bob = fingerprint("c")
    static func node(_ n: Int) -> Caller { fingerprint(String(n)) }

    /// Forty times `digit`, as the fixture's fingerprints are.
    static func fingerprint(_ digit: String) -> Caller {
        Caller(headers: [("SSL-Fingerprint", String(repeating: digit, count: 40)), ("VERIFIED", "SUCCESS")])
    }
}

/// An answer, parsed.
struct Reply: Sendable, CustomStringConvertible {
    var status: Int
    var headers: HTTPFields
    var text: String
    var json: JSONValue? { try? JSONParser.parse(text) }
    var message: String? { json?["message"]?.stringValue }
    var description: String { "\(status) \(text)" }

    subscript(key: String) -> JSONValue? { json?[key] }
}

struct CtldClient: Sendable {
    let client: any TestClientProtocol
    static let validator = try! OpenAPIValidator(documentJSON: OpenAPIDocument.json)

    enum Body: Sendable {
        case none
        case json(JSONValue)
        case form(String)
        case raw(String)
    }

    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ path: String, as caller: Caller = .anonymous, _ body: Body = .none,
        headers extra: [(String, String)] = [], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Reply {
        var headers = HTTPFields()
        for (name, value) in caller.headers + extra { headers.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        var buffer: ByteBuffer?
        switch body {
        case .none: break
        case .json(let value): buffer = ByteBuffer(string: JSONWriter.write(value, pretty: false))
        case .form(let text), .raw(let text): buffer = ByteBuffer(string: text)
        }
        let response = try await client.executeRequest(uri: path, method: method, headers: headers, body: buffer)
        let reply = Reply(status: Int(response.status.code), headers: response.headers, text: String(buffer: response.body))
        #expect(reply.headers[.contentType]?.hasPrefix(path.hasPrefix("/metrics") && reply.status == 200 ? "text/plain" : "application/json") == true,
                "content type of \(method) \(path)", sourceLocation: sourceLocation)
        #expect(reply.headers[HTTPField.Name("api-version")!] == "1.0", sourceLocation: sourceLocation)
        #expect(reply.status < 500 || reply.text.contains("Internal server error."), "5xx for \(method) \(path): \(reply.text)", sourceLocation: sourceLocation)
        let rawPath = String(path.split(separator: "?", maxSplits: 1).first ?? "")
        // The client library may rewrite unusual escapes; when the server found no route
        // for what arrived, there is no template to check against.
        let unrouted = reply.status == 404 && (reply.message == "not found" || method == .head)
        if !unrouted, let route = RouteTable.match(path: rawPath, metricsOnAPI: true), route.id != .backendOther {
            let problems = Self.validator.problems(
                method: method.rawValue, pathTemplate: route.template, status: reply.status,
                contentType: reply.headers[.contentType], body: Data(reply.text.utf8))
            #expect(problems.isEmpty, "OpenAPI: \(method) \(path) → \(reply.status): \(problems)", sourceLocation: sourceLocation)
        }
        return reply
    }

    // MARK: - Fixture shortcuts (§11.0)

    static let S = "docker.monroe-system.eu/monroe/ping:latest"
    static let S2 = "docker.monroe-system.eu/monroe/pong:latest"
    static let U = "registry.example.org/team/exp:1"

    /// `alloc{…}`: as alice POST /v1/experiments with the fixture body updated by `changes`.
    @discardableResult
    func alloc(_ changes: [String: JSONValue] = [:], as caller: Caller = .alice, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Reply {
        var body: [String: JSONValue] = [
            "name": "e", "nodecount": 1, "nodetypes": "", "script": .string(Self.S), "start": 1_772_453_300, "duration": 600,
        ]
        for (key, value) in changes { body[key] = value }
        return try await call(.post, "/v1/experiments", as: caller, .json(.object(body)), sourceLocation: sourceLocation)
    }

    /// `hb(n, …)`: the node's heartbeat with form parameters.
    @discardableResult
    func hb(_ node: Int, _ form: String = "", sourceLocation: SourceLocation = #_sourceLocation) async throws -> Reply {
        try await call(.put, "/v1/resources/\(node)", as: .node(node), .form(form), sourceLocation: sourceLocation)
    }

    /// Ids of the tasks in a heartbeat answer.
    static func taskIDs(_ reply: Reply) -> [String] {
        reply["tasks"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    }

    /// `sync`: housekeeping as admin.
    func sync() async throws {
        let reply = try await call(.put, "/v1/backend/sync", as: .admin)
        #expect(reply.status == 200)
    }

    func get(_ path: String, as caller: Caller = .alice) async throws -> JSONValue? {
        try await call(.get, path, as: caller).json
    }

    /// The SC1 body of §11.0.
    static func sc1(_ a: Int, _ n: Int, _ k: Int, _ s: Int64, _ e: Int64, unit: String = "nodes", selection: JSONValue = .null) -> JSONValue {
        [
            "available": .int(Int64(a)), "code": "sc1",
            "message": .string("Could not allocate. Only \(a)/\(n) \(unit) are available during interval \(k) (\(UTCCalendar.isoText(s)) to \(UTCCalendar.isoText(e)))."),
            "requested": .int(Int64(n)), "selection": selection, "start": .int(s), "stop": .int(e),
        ]
    }

    /// `409(reason)`.
    static func refused(_ reason: String) -> JSONValue { ["message": .string("Could not allocate. \(reason)")] }
}

/// Fixture F (§11.0): principals, four nodes with one interface each, a heartbeat from every
/// node at T0 − 30, clock at T0.
struct FixtureF {
    static let nodes: [(id: Int, tags: [String: String], iccid: String, imei: String, mccmnc: String, op: String, quota: Int64)] = [
        (1, ["type": "deployed", "country": "se", "model": "apu2"], "89460000000000000001", "359000000000001", "24001", "Telia", 40_000_000_000),
        (2, ["type": "deployed", "country": "no", "model": "apu2"], "89470000000000000002", "359000000000002", "24201", "Telenor", 30_000_000_000),
        (3, ["type": "testing", "country": "se", "model": "apu1"], "89460000000000000003", "359000000000003", "24001", "Telia", 20_000_000_000),
        (4, ["type": "testing", "country": "es", "model": "apu2"], "89340000000000000004", "359000000000004", "21407", "Movistar", 10_000_000_000),
    ]

    /// Builds F; `heartbeats` overrides when a node's fixture heartbeat is sent.
    static func build(_ ctld: Ctld, _ client: CtldClient, heartbeats: [Int: Int64] = [:]) async throws {
        ctld.setClock(Ctld.T0 - 100)
        _ = try ctld.server.addUser(name: "admin", ssl: String(repeating: "a", count: 40), role: "admin", project: nil)
        let users: [(String, String, String, String)] = [
            ("alice", "p1", "user", "b"), ("bob", "p1", "user", "c"),
            ("Node 1", "", "node", "1"), ("Node 2", "", "node", "2"), ("Node 3", "", "node", "3"), ("Node 4", "", "node", "4"),
        ]
        for (name, project, role, digit) in users {
            let reply = try await client.call(
                .post, "/v1/users", as: .admin,
                .json(["name": .string(name), "project": .string(project), "role": .string(role), "ssl": .string(String(repeating: digit, count: 40))]))
            #expect(reply.status == 201, "\(reply)")
        }
        for node in nodes {
            let reply = try await client.call(
                .post, "/v1/resources", as: .admin,
                .json([
                    "id": .int(Int64(node.id)), "hostname": .string("node\(node.id)"),
                    "tags": .object(node.tags.mapValues { .string($0) }),
                    "interfaces": [["iccid": .string(node.iccid), "imei": .string(node.imei), "mccmnc": .string(node.mccmnc),
                                    "operator": .string(node.op), "quota": .int(node.quota)]],
                ]))
            #expect(reply.status == 201, "\(reply)")
        }
        for node in nodes {
            ctld.setClock(heartbeats[node.id] ?? Ctld.T0 - 30)
            let reply = try await client.hb(node.id, "maintenance=0")
            #expect(reply.status == 200, "\(reply)")
        }
        ctld.setClock(Ctld.T0)
    }
}

/// Runs `body` against a fresh ctld with fixture F. With `servingYAML` the fixture is built
/// under the default configuration and `body` runs on a server restarted with that one
/// (for settings that would stop the fixture from being built, such as `trusted_proxies: []`).
func withFixture(
    extraYAML: String = "", servingYAML: String? = nil, trustedRegistry: String = "docker.monroe-system.eu",
    heartbeats: [Int: Int64] = [:], _ body: @Sendable (Ctld, CtldClient) async throws -> Void
) async throws {
    let ctld = try Ctld(extraYAML: extraYAML, trustedRegistry: trustedRegistry)
    defer { try? FileManager.default.removeItem(at: ctld.directory) }
    try await ctld.run { client in
        try await FixtureF.build(ctld, client, heartbeats: heartbeats)
        if servingYAML == nil { try await body(ctld, client) }
    }
    if let servingYAML {
        let restarted = try Ctld(extraYAML: servingYAML, trustedRegistry: trustedRegistry, directory: ctld.directory)
        try await restarted.run { client in try await body(restarted, client) }
    }
}

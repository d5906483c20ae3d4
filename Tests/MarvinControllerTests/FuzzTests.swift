import Foundation
import HTTPTypes
import MarvinCore
import Testing

@testable import MarvinController

/// Scenario 184: random parameter values on every route and method never produce a 5xx.
@Suite struct FuzzTests {
    /// Seeded, so a failure can be replayed.
    typealias Generator = SplitMix64

    static let segments = ["1", "2", "99", "0", "-1", "abc", "%FF%FE", "9223372036854775808", "1%2F2", "schedules", "find", "%00", "1;2", "%E2%82%AC"]
    static let parameterNames = [
        "name", "nodecount", "nodetypes", "script", "start", "stop", "duration", "options", "interfaceCount", "status", "traffic",
        "maintenance", "interfaces", "limit", "known_tasks", "pair", "type", "quota", "iccid", "value", "hostname", "id", "tags", "ssl",
        "role", "project", "time", "data", "storage", "time_reset", "showHidden", "results", "nodes",
    ]

    static func value(_ g: inout Generator) -> JSONValue {
        switch Int.random(in: 0..<14, using: &g) {
        case 0: return .int(Int64.random(in: Int64.min...Int64.max, using: &g))
        case 1: return .int(Int64.random(in: -3...5, using: &g))
        case 2: return .double(Double.random(in: -1e20...1e20, using: &g))
        case 3: return .string(String(repeating: "9", count: Int.random(in: 1...40, using: &g)))
        case 4: return .bool(Bool.random(using: &g))
        case 5: return .null
        case 6: return .array([.int(1), .string("x"), .object(["a": .array([])])])
        case 7: return .object(["nodes": .string("1) OR 1=1 --"), "storage": .int(-1), "_secret": "s3cr3t", "recurrence": "simple"])
        case 8: return .string("type:deployed|country:se,-model:")
        case 9: return .string("{\"deployment\": -5, \"interfaces\": {\"x\": 1.5}}")
        case 10: return .string("[{\"iccid\": 7}, {\"mac\": \"00:11\"}]")
        case 11: return .string("finished;%;\u{0}")
        case 12: return .string(String(repeating: "é", count: Int.random(in: 0...300, using: &g)))
        default: return .string("\(Int.random(in: -5...2_000_000_000, using: &g))")
        }
    }

    static func body(_ g: inout Generator) -> CtldClient.Body {
        var object: [String: JSONValue] = [:]
        for _ in 0..<Int.random(in: 0...6, using: &g) {
            object[parameterNames.randomElement(using: &g)!] = value(&g)
        }
        switch Int.random(in: 0..<4, using: &g) {
        case 0: return .json(.object(object))
        case 1:
            let pairs = object.map { key, value -> String in
                let text = value.stringValue ?? JSONWriter.write(value, pretty: false)
                return "\(key)=\(text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            }
            return .form(pairs.joined(separator: "&") + (Bool.random(using: &g) ? "&x=%ZZ%FF" : ""))
        case 2: return .raw(["{", "[", "{\"a\":", "\u{FEFF}{}", "%", "name"].randomElement(using: &g)!)
        default: return .none
        }
    }

    @Test func scenario184_randomInputsNeverFail() async throws {
        try await withFixture { _, client in
            var g = Generator(state: 184)
            let templates = [
                "/version", "/metrics", "/v1/openapi.json", "/v1/resources", "/v1/resources/{}", "/v1/resources/{}/schedules",
                "/v1/resources/{}/experiments", "/v1/resources/{}/all", "/v1/resources/{}/journals", "/v1/resources/{}/journals/{}",
                "/v1/users", "/v1/users/{}", "/v1/users/{}/schedules", "/v1/users/{}/experiments", "/v1/users/{}/journals",
                "/v1/experiments", "/v1/experiments/{}", "/v1/experiments/{}/schedules", "/v1/experiments/{}/schedule/{}",
                "/v1/experiments/{}/{}", "/v1/schedules", "/v1/schedules/find", "/v1/schedules/{}", "/v1/backend/auth",
                "/v1/backend/activity", "/v1/backend/pubkeys", "/v1/backend/sync", "/v1/backend/{}/{}",
            ]
            let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .delete]
            let callers: [Caller] = [.anonymous, .alice, .admin, .node(1), .node(3)]
            for round in 0..<1200 {
                var path = templates.randomElement(using: &g)!
                while let range = path.range(of: "{}") { path.replaceSubrange(range, with: Self.segments.randomElement(using: &g)!) }
                if Bool.random(using: &g) {
                    let query = (0..<Int.random(in: 1...4, using: &g)).map { _ in
                        "\(Self.parameterNames.randomElement(using: &g)!)=\(["1", "-1", "abc", "%FF", "1,x", "", "99999999999999999999"].randomElement(using: &g)!)"
                    }
                    path += "?" + query.joined(separator: "&")
                }
                let method = methods.randomElement(using: &g)!
                let reply = try await client.call(method, path, as: callers.randomElement(using: &g)!, Self.body(&g))
                #expect(reply.status < 500, "round \(round): \(method) \(path) → \(reply)")
                #expect(!reply.text.contains("s3cr3t"), "round \(round): hidden option echoed")
            }
            // The server is still healthy afterwards.
            #expect(try await client.call(.get, "/version").status == 200)
        }
    }
}

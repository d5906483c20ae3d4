import Foundation
import HTTPTypes
import MarvinCore
import Testing

@testable import MarvinController

/// §11.1 Transport and routing.
@Suite struct TransportTests {
    @Test func scenario001_version() async throws {
        try await withFixture { _, client in
            let reply = try await client.call(.get, "/version")
            #expect(reply.status == 200)
            #expect(reply.json == "1.0")
            let head = try await client.call(.head, "/version")
            #expect(head.status == 200)
            #expect(head.text.isEmpty)
        }
    }

    @Test func scenario002_unknownPaths() async throws {
        try await withFixture { _, client in
            for (path, caller) in [("/v1/version", Caller.anonymous), ("/v1/backend", .anonymous), ("/v1/users/2/foo", .alice), ("/v1//users", .alice)] {
                let reply = try await client.call(.get, path, as: caller)
                #expect(reply.status == 404, "\(path)")
                #expect(reply.json == ["message": "not found"], "\(path)")
            }
        }
    }

    @Test func scenario003_methodNotAllowed() async throws {
        try await withFixture { _, client in
            let cases: [(HTTPRequest.Method, String, String)] = [
                (.post, "/v1/schedules", "GET, HEAD, PUT"), (.options, "/v1/resources", "GET, HEAD, POST, PUT"),
                (.delete, "/v1/resources", "GET, HEAD, POST, PUT"), (.post, "/v1/users/2", "GET, HEAD, PUT, DELETE"),
                (.get, "/v1/backend/sync", "PUT"), (.get, "/v1/experiments/5/foo", "PUT"),
            ]
            for (method, path, allow) in cases {
                let reply = try await client.call(method, path, as: .alice)
                #expect(reply.status == 405, "\(method) \(path)")
                #expect(reply.message == "Method not allowed.")
                #expect(reply.headers[.allow] == allow, "\(method) \(path)")
            }
        }
    }

    @Test func scenario004_trailingSlash() async throws {
        try await withFixture { _, client in
            let slash = try await client.call(.get, "/v1/experiments/", as: .alice)
            let plain = try await client.call(.get, "/v1/experiments", as: .alice)
            #expect(slash.status == 200)
            #expect(slash.json == [])
            #expect(slash.json == plain.json)
        }
    }

    @Test func scenario005_invalidBodies() async throws {
        try await withFixture { _, client in
            let broken = try await client.call(.post, "/v1/experiments", as: .alice, .raw("{\"name\": "))
            #expect(broken.status == 400)
            #expect(broken.message == "Request body is not valid JSON.")
            let list = try await client.call(.post, "/v1/experiments", as: .alice, .raw("[1]"))
            #expect(list.status == 400)
            #expect(list.message == "Request body must be a JSON object.")
        }
    }

    @Test func scenario006_bodyTooLarge() async throws {
        try await withFixture { _, client in
            let reply = try await client.call(.post, "/v1/experiments", as: .alice, .raw(String(repeating: "x", count: 1_048_577)))
            #expect(reply.status == 413)
            #expect(reply.message == "Request body too large.")
        }
    }

    @Test func scenario007_errorsCarryJSONHeaders() async throws {
        try await withFixture { _, client in
            // `call` checks content-type and api-version on every answer.
            let statuses = [
                try await client.call(.get, "/v1/users").status, try await client.call(.get, "/v1/version").status,
                try await client.call(.post, "/v1/schedules", as: .alice).status, try await client.alloc(["nodetypes": "type:none"]).status,
            ]
            #expect(statuses == [401, 404, 405, 409])
        }
    }

    @Test func scenario008_storeFailures() async throws {
        try await withFixture { ctld, client in
            ctld.sqlite.failWrites = true
            defer { ctld.sqlite.failWrites = false }
            let user = try await client.call(.post, "/v1/users", as: .admin, .form("name=z&ssl=\(String(repeating: "e", count: 40))&role=user"))
            #expect(user.status == 500)
            #expect(user.json == ["message": "Internal server error."])
            let alloc = try await client.alloc()
            #expect(alloc.status == 409)
            #expect(alloc.json == ["error": "storage error", "message": "Could not allocate. Task creation failed."])
        }
    }

    @Test func scenario198_anonymousHead() async throws {
        try await withFixture { _, client in
            let reply = try await client.call(.head, "/v1/resources")
            #expect(reply.status == 401)
            #expect(reply.text.isEmpty)
        }
    }

    @Test func scenario183_unknownParametersIgnored() async throws {
        try await withFixture { _, client in
            let alloc = try await client.alloc(["foo": 1])
            #expect(alloc.status == 201)
            let list = try await client.call(.get, "/v1/experiments?foo=bar", as: .alice)
            #expect(list.status == 200)
        }
    }
}

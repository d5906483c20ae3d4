import Foundation
import MarvinCore
import Testing

@testable import MarvinController

/// §11.2 Identity in proxy mode (native mTLS is covered by the integration tests).
@Suite struct IdentityTests {
    static let alice = String(repeating: "b", count: 40)

    @Test func scenario009_auth() async throws {
        try await withFixture { _, client in
            let reply = try await client.call(.get, "/v1/backend/auth", as: .alice)
            #expect(reply.status == 200)
            #expect(reply.json == [
                "fingerprint": .string(Self.alice), "verified": "SUCCESS",
                "user": ["id": 2, "name": "alice", "project": "p1", "quota_data": 100_000_000_000, "quota_storage": 200_000_000_000,
                         "quota_time": 8_640_000, "role": "user", "ssl_id": .string(Self.alice)],
            ])
        }
    }

    @Test func scenario010_headerSpellingsAndNormalisation() async throws {
        try await withFixture { _, client in
            let expected = try await client.call(.get, "/v1/backend/auth", as: .alice).json
            let underscore = try await client.call(.get, "/v1/backend/auth", as: Caller(headers: [("SSL_FINGERPRINT", Self.alice), ("VERIFIED", "SUCCESS")]))
            #expect(underscore.json == expected)
            let colons = Array(repeating: "BB", count: 20).joined(separator: ":")
            let upper = try await client.call(.get, "/v1/backend/auth", as: Caller(headers: [("SSL-Fingerprint", colons), ("VERIFIED", "SUCCESS")]))
            #expect(upper.json == expected)
        }
    }

    @Test func scenario011_notVerified() async throws {
        try await withFixture { _, client in
            let none = Caller(headers: [("SSL-Fingerprint", Self.alice), ("VERIFIED", "NONE")])
            let auth = try await client.call(.get, "/v1/backend/auth", as: none)
            #expect(auth.status == 401)
            #expect(auth.json == ["fingerprint": "", "verified": "NONE", "user": nil])
            let read = try await client.call(.get, "/v1/resources", as: none)
            #expect(read.status == 401)
            #expect(read.message == "Please present a valid SSL client certificate to access this information")
            let missing = try await client.call(.get, "/v1/backend/auth", as: Caller(headers: [("SSL-Fingerprint", Self.alice)]))
            #expect(missing.status == 401)
            #expect(missing.json?["verified"] == JSONValue.null)
        }
    }

    @Test func scenario012_untrustedPeer() async throws {
        try await withFixture(servingYAML: "trusted_proxies: []") { _, client in
            let reply = try await client.call(.get, "/v1/backend/auth", as: .alice)
            #expect(reply.status == 401)
            #expect(reply.json == ["fingerprint": "", "verified": nil, "user": nil])
        }
    }

    @Test func scenario013_conflictingHeaders() async throws {
        try await withFixture { _, client in
            let caller = Caller(headers: [("SSL_FINGERPRINT", Self.alice), ("SSL-Fingerprint", String(repeating: "c", count: 40)), ("VERIFIED", "SUCCESS")])
            let reply = try await client.call(.get, "/v1/resources", as: caller)
            #expect(reply.status == 401)
        }
    }

    @Test func scenario014_unknownAndMalformedFingerprints() async throws {
        try await withFixture { _, client in
            let unknown = String(repeating: "d", count: 40)
            let reply = try await client.call(.get, "/v1/backend/auth", as: .fingerprint("d"))
            #expect(reply.status == 401)
            #expect(reply.json == ["fingerprint": .string(unknown), "verified": "SUCCESS", "user": nil])
            let bad = try await client.call(.get, "/v1/backend/auth", as: Caller(headers: [("SSL-Fingerprint", "xyz"), ("VERIFIED", "SUCCESS")]))
            #expect(bad.status == 401)
            #expect(bad["fingerprint"] == "")
        }
    }

    @Test func scenario016_deletedUserIsAnonymous() async throws {
        try await withFixture { _, client in
            #expect(try await client.call(.delete, "/v1/users/3", as: .admin).status == 200)
            let read = try await client.call(.get, "/v1/resources", as: .bob)
            #expect(read.status == 401)
            #expect(read.message == "Please present a valid SSL client certificate to access this information")
            let auth = try await client.call(.get, "/v1/backend/auth", as: .bob)
            #expect(auth.status == 401)
            #expect(auth["user"]?["role"] == "invalid")
            #expect(auth["user"]?["id"] == 3)
            let alloc = try await client.alloc(as: .bob)
            #expect(alloc.status == 401)
            #expect(alloc.message == "You'd have to be a user to do that.")
        }
    }
}

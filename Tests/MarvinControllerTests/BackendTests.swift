import Foundation
import MarvinCore
import Testing

@testable import MarvinController

/// §11.12 Backend.
@Suite struct BackendTests {
    @Test func scenario171_activity() async throws {
        try await withFixture { _, client in
            let anonymous = try await client.call(.get, "/v1/backend/activity")
            #expect(anonymous.status == 401)
            #expect(anonymous.json == ["message": "Not authorized."])
            let maintenance = try await client.hb(4, "maintenance=1")
            #expect(maintenance.status == 200)

            let resources: JSONValue = [
                "1 d": 4, "1 h": 4, "2 min": 4, "5 min": 4, "active": 3, "dropouts 1d-5min": [], "dropouts 30d-1d": [], "maintenance": [4],
            ]
            let users: JSONValue = ["admin": 1, "node": 4, "user": 2]
            let before = try await client.call(.get, "/v1/backend/activity", as: .alice)
            #expect(before.status == 200)
            #expect(before.json == [
                "resources": resources,
                "schedules": ["current": 0, "distinct active users (7d)": [], "future": 0, "status codes (7d)": []],
                "users": users,
            ])

            try await client.alloc82()
            let after = try await client.call(.get, "/v1/backend/activity", as: .alice)
            #expect(after.status == 200)
            #expect(after.json == [
                "resources": resources,
                "schedules": [
                    "current": 0, "distinct active users (7d)": [["name": "alice", "project": "p1", "tasks": 1]], "future": 1,
                    "status codes (7d)": [[1, "defined"]],
                ],
                "users": users,
            ])
        }
    }

    @Test func scenario172_pubkeysEmpty() async throws {
        try await withFixture { _, client in
            let reply = try await client.call(.get, "/v1/backend/pubkeys")
            #expect(reply.status == 200)
            #expect(reply.json == [])
        }
    }

    @Test func scenario173_syncAndUnknown() async throws {
        try await withFixture { _, client in
            let sync = try await client.call(.put, "/v1/backend/sync", as: .admin)
            #expect(sync.status == 200)
            #expect(sync.json == ["message": "Ok."])
            let user = try await client.call(.put, "/v1/backend/sync", as: .alice)
            #expect(user.status == 401)
            #expect(user.json == ["message": "You'd have to be an admin to do that"])
            let put = try await client.call(.put, "/v1/backend/foo", as: .admin)
            #expect(put.status == 404)
            #expect(put.json == ["message": "Unknown request"])
            for caller in [Caller.anonymous, .alice, .node(1), .admin] {
                let get = try await client.call(.get, "/v1/backend/foo", as: caller)
                #expect(get.status == 404)
                #expect(get.json == ["message": "Unknown request"])
            }
        }
    }
}

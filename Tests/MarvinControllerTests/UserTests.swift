import Foundation
import MarvinCore
import Testing

@testable import MarvinController

/// §11.3 Users.
@Suite struct UserTests {
    static let carol = String(repeating: "d", count: 40)

    @Test func scenario017_createUrlencoded() async throws {
        try await withFixture { _, client in
            let reply = try await client.call(.post, "/v1/users", as: .admin, .form("name=carol&ssl=\(Self.carol)&role=user&project=p2"))
            #expect(reply.status == 201)
            #expect(reply.headers[.location] == "/user/8")
            #expect(reply.json == ["message": "User 8 created."])
            let user = try await client.get("/v1/users/8", as: .admin)
            #expect(user == [["id": 8, "name": "carol", "project": "p2", "quota_data": 100_000_000_000, "quota_storage": 200_000_000_000,
                              "quota_time": 8_640_000, "role": "user", "ssl_id": .string(Self.carol)]])
            let journal = try await client.get("/v1/users/8/journals", as: .admin)
            #expect(journal == [
                ["new_value": 8_640_000, "ownerid": 8, "quota": "quota_owner_time", "reason": "user created", "timestamp": .int(Ctld.T0)],
                ["new_value": 100_000_000_000, "ownerid": 8, "quota": "quota_owner_data", "reason": "user created", "timestamp": .int(Ctld.T0)],
                ["new_value": 200_000_000_000, "ownerid": 8, "quota": "quota_owner_storage", "reason": "user created", "timestamp": .int(Ctld.T0)],
            ])
        }
    }

    @Test func scenario018_createJSON() async throws {
        try await withFixture { _, client in
            let reply = try await client.call(
                .post, "/v1/users", as: .admin, .json(["name": "carol", "ssl": .string(Self.carol), "role": "user", "project": "p2"]))
            #expect(reply.status == 201)
            #expect(reply.message == "User 8 created.")
        }
    }

    @Test func scenario019to021_createValidation() async throws {
        try await withFixture { _, client in
            let missing = "Parameters missing (name, ssl, role), optional: project."
            for form in ["name=carol&ssl=\(Self.carol)", "name=&ssl=\(Self.carol)&role=user"] {
                let reply = try await client.call(.post, "/v1/users", as: .admin, .form(form))
                #expect(reply.status == 400)
                #expect(reply.message == missing)
            }
            let role = try await client.call(.post, "/v1/users", as: .admin, .form("name=carol&ssl=\(Self.carol)&role=superuser"))
            #expect(role.status == 400)
            #expect(role.message == "Invalid role (superuser). Valid roles: user, node, admin.")
            let ssl = try await client.call(.post, "/v1/users", as: .admin, .form("name=carol&ssl=xyz&role=user"))
            #expect(ssl.status == 400)
            #expect(ssl.message == "Invalid fingerprint (xyz). Expected 40 hexadecimal digits.")
        }
    }

    @Test func scenario022_duplicates() async throws {
        try await withFixture { _, client in
            let sameFingerprint = try await client.call(.post, "/v1/users", as: .admin, .form("name=zed&ssl=\(String(repeating: "b", count: 40))&role=user"))
            #expect(sameFingerprint.status == 409)
            #expect(sameFingerprint.message == "Error inserting user.")
            let sameName = try await client.call(.post, "/v1/users", as: .admin, .form("name=alice&project=p1&ssl=\(Self.carol)&role=user"))
            #expect(sameName.status == 409)
            #expect(try await client.call(.get, "/v1/backend/auth", as: .alice)["user"]?["id"] == 2)
        }
    }

    @Test func scenario023_createNeedsAdmin() async throws {
        try await withFixture { _, client in
            let form = CtldClient.Body.form("name=carol&ssl=\(Self.carol)&role=user")
            let user = try await client.call(.post, "/v1/users", as: .alice, form)
            #expect(user.status == 401)
            #expect(user.message == "You'd have to be an admin to do that (user, admin)")
            let anonymous = try await client.call(.post, "/v1/users", form)
            #expect(anonymous.message == "You'd have to be an admin to do that (None, admin)")
        }
    }

    @Test func scenario024_fingerprintVisibility() async throws {
        try await withFixture { _, client in
            func visible(_ caller: Caller) async throws -> [Int64] {
                let list = try await client.get("/v1/users", as: caller)?.arrayValue ?? []
                #expect(list.compactMap { $0["id"]?.integerValue } == [1, 2, 3, 4, 5, 6, 7])
                return list.filter { $0["ssl_id"] != nil }.compactMap { $0["id"]?.integerValue }
            }
            let seen = [try await visible(.alice), try await visible(.admin), try await visible(.node(1))]
            #expect(seen == [[2], [1, 2, 3, 4, 5, 6, 7], [4]])
        }
    }

    @Test func scenario025_getUser() async throws {
        try await withFixture { _, client in
            #expect(try await client.get("/v1/users/3") == [["id": 3, "name": "bob", "project": "p1", "quota_data": 100_000_000_000,
                                                             "quota_storage": 200_000_000_000, "quota_time": 8_640_000, "role": "user"]])
            for path in ["/v1/users/99", "/v1/users/abc"] {
                let reply = try await client.call(.get, path, as: .alice)
                #expect(reply.status == 404)
                #expect(reply.message == "Could not find user with this id.")
            }
        }
    }

    @Test func scenario026to029_updateQuotas() async throws {
        try await withFixture { _, client in
            let set = try await client.call(.put, "/v1/users/2", as: .admin, .form("time=500"))
            #expect(set.json == ["message": "Updated."])
            let user = try await client.get("/v1/users/2")?.arrayValue?.first
            #expect(user?["quota_time"] == 500)
            let journal = try await client.get("/v1/users/2/journals")?.arrayValue ?? []
            #expect(journal.last == ["new_value": 500, "ownerid": 2, "quota": "quota_owner_time", "reason": "set by API", "timestamp": .int(Ctld.T0)])

            let invalid = try await client.call(.put, "/v1/users/3", as: .admin, .form("time=5&data=abc"))
            #expect(invalid.status == 400)
            #expect(invalid.message == "Parameter data must be a non-negative integer.")
            #expect(try await client.get("/v1/users/3")?.arrayValue?.first?["quota_time"] == 8_640_000)
            #expect((try await client.get("/v1/users/3/journals")?.arrayValue ?? []).count == 3)

            let nothing = try await client.call(.put, "/v1/users/2", as: .admin)
            #expect(nothing.status == 400)
            #expect(nothing.message == "Parameters missing (any of: time, data, storage, ssl, role, time_reset, data_reset, storage_reset).")
            let unknown = try await client.call(.put, "/v1/users/99", as: .admin, .form("time=5"))
            #expect(unknown.status == 404)
            #expect(unknown.message == "Could not find user ID.")
        }
    }

    @Test func scenario030_changeFingerprint() async throws {
        try await withFixture { _, client in
            let newFingerprint = String(repeating: "e", count: 40)
            #expect(try await client.call(.put, "/v1/users/2", as: .admin, .form("ssl=\(newFingerprint)")).status == 200)
            #expect(try await client.call(.get, "/v1/resources", as: .alice).status == 401)
            #expect(try await client.call(.get, "/v1/backend/auth", as: .fingerprint("e"))["user"]?["name"] == "alice")
            let taken = try await client.call(.put, "/v1/users/2", as: .admin, .form("ssl=\(String(repeating: "c", count: 40))"))
            #expect(taken.status == 409)
            #expect(taken.message == "Error updating user.")
        }
    }

    @Test func scenario031_updateNeedsAdmin() async throws {
        try await withFixture { _, client in
            let reply = try await client.call(.put, "/v1/users/2", as: .alice, .form("time=1"))
            #expect(reply.status == 401)
            #expect(reply.message == "You'd have to be an admin to do that")
            let collection = try await client.call(.put, "/v1/users", as: .admin)
            #expect(collection.status == 404)
            #expect(collection.message == "Updating collection not allowed.")
        }
    }

    @Test func scenario032to033_deleteAndReinstate() async throws {
        try await withFixture { _, client in
            let reply = try await client.call(.delete, "/v1/users/3", as: .admin)
            #expect(reply.json == ["message": "Ok. Invalidated user certificate."])
            #expect(try await client.get("/v1/users/3", as: .admin)?.arrayValue?.first?["role"] == "invalid")
            #expect(try await client.call(.delete, "/v1/users/3", as: .admin).status == 200)
            let unknown = try await client.call(.delete, "/v1/users/99", as: .admin)
            #expect(unknown.status == 404)
            #expect(unknown.message == "Could not find user with that id.")
            let collection = try await client.call(.delete, "/v1/users", as: .admin)
            #expect(collection.status == 400)
            #expect(collection.message == "Userid missing.")
            let user = try await client.call(.delete, "/v1/users/3", as: .alice)
            #expect(user.status == 401)
            #expect(user.message == "You'd have to be an admin to do that")
            #expect(try await client.call(.put, "/v1/users/3", as: .admin, .form("role=user")).status == 200)
            #expect(try await client.call(.get, "/v1/resources", as: .bob).status == 200)
        }
    }

    @Test func scenario034_monthlyResetValue() async throws {
        try await withFixture { ctld, client in
            #expect(try await client.call(.put, "/v1/users/2", as: .admin, .form("time=500&time_reset=1000")).status == 200)
            let journal = try await client.get("/v1/users/2/journals")?.arrayValue ?? []
            #expect(journal.suffix(2).map { $0["reason"] } == ["set by API", "monthly reset value set to 1000 by API"])
            #expect(journal.suffix(2).map { $0["new_value"] } == [500, 500])
            ctld.setClock(1_775_001_601)
            try await client.sync()
            #expect(try await client.get("/v1/users/2")?.arrayValue?.first?["quota_time"] == 1000)
            let times = (try await client.get("/v1/users/2/journals")?.arrayValue ?? []).filter { $0["quota"] == "quota_owner_time" }
            #expect(times.last?["reason"] == "scheduled reset")
            #expect(times.last?["new_value"] == 1000)
            #expect(times.last?["timestamp"] == 1_775_001_601)
        }
    }

    @Test func scenario035_emptyLists() async throws {
        try await withFixture { _, client in
            #expect(try await client.get("/v1/users/2/experiments") == [])
            let unknown = try await client.call(.get, "/v1/users/99/experiments", as: .alice)
            #expect(unknown.status == 404)
            #expect(unknown.message == "Could not find user with this id.")
            #expect(try await client.get("/v1/users/99/schedules") == [])
            #expect(try await client.get("/v1/users/99/journals") == [])
        }
    }

    @Test func scenario036_userSchedules() async throws {
        try await withFixture { _, client in
            #expect(try await client.alloc(["nodetypes": "type:deployed", "options": ["storage": 1000]]).status == 201)
            let rows = try await client.get("/v1/users/2/schedules")?.arrayValue ?? []
            #expect(rows.count == 1)
            let row = rows.first?.objectValue ?? [:]
            #expect(Set(row.keys) == ["deployment_options", "expid", "id", "name", "nodeid", "options", "ownerid", "recurring_until", "script",
                                       "shared", "start", "status", "stop", "type"])
            #expect(row["options"]?.stringValue.flatMap { try? JSONParser.parse($0) } == ["storage": 1000])
            #expect(row["recurring_until"] == 0)
            #expect(row["deployment_options"] == ["script": .string(CtldClient.S), "storage": 1000])
        }
    }

    @Test func scenario037_archivedExperimentsHidden() async throws {
        try await withFixture { _, client in
            #expect(try await client.alloc().status == 201)
            #expect(try await client.call(.put, "/v1/schedules/1", as: .node(1), .form("status=finished")).status == 200)
            let deleted = try await client.call(.delete, "/v1/experiments/1", as: .alice)
            #expect(deleted.json == ["message": "Ok. Archived experiment."])
            #expect(try await client.get("/v1/users/2/experiments") == [])
            let hidden = try await client.get("/v1/users/2/experiments?showHidden=1")?.arrayValue ?? []
            #expect(hidden.map { $0["status"] } == ["archived"])
        }
    }
}

import Foundation
import MarvinCore
import Testing

@testable import MarvinController

/// §11.8 Schedules and status.
@Suite struct ScheduleTests {
    static let anonymousRead = "Please present a valid SSL client certificate to access this information"

    @Test func scenario135_listSchedules() async throws {
        try await withFixture { _, client in
            try await client.alloc82()
            try await client.allocLPQ154()
            let all = try await client.call(.get, "/v1/schedules", as: .alice)
            #expect(all.status == 200)
            #expect(all.json == [["nodeid": 1, "ownerid": 2, "start": 1_772_453_300, "stop": 1_772_453_900]])
            let later = try await client.call(.get, "/v1/schedules?start=1772454000", as: .alice)
            #expect(later.status == 200)
            #expect(later.json == [])
            let anonymous = try await client.call(.get, "/v1/schedules")
            #expect(anonymous.status == 401)
            #expect(anonymous.json == ["message": .string(Self.anonymousRead)])
        }
    }

    @Test func scenario136_getSchedule() async throws {
        try await withFixture { _, client in
            try await client.alloc82()
            let reply = try await client.call(.get, "/v1/schedules/1", as: .alice)
            #expect(reply.status == 200)
            #expect(reply.json == [
                "deployment_options": ["script": .string(CtldClient.S)], "expid": 1, "id": "1", "nodeid": 1, "report": [:], "shared": 0,
                "start": 1_772_453_300, "status": "defined", "stop": 1_772_453_900,
            ])
            let unknown = try await client.call(.get, "/v1/schedules/99", as: .alice)
            #expect(unknown.status == 404)
            #expect(unknown.json == ["message": "Could not find schedule entry with this id."])
        }
    }

    @Test func scenario137_statusSequence() async throws {
        try await withFixture { _, client in
            try await client.alloc82()
            for status in ["deployed", "started", "finished"] {
                let reply = try await client.report(1, "1", .form("status=\(status)"))
                #expect(reply.status == 200, "\(status): \(reply)")
                #expect(reply.json == ["message": "Ok."])
            }
            let reset = try await client.report(1, "1", .form("status=started"))
            #expect(reset.status == 400)
            #expect(reset.json == ["message": "Status finished cannot be reset."])
            let finalAgain = try await client.report(1, "1", .form("status=failed"))
            #expect(finalAgain.status == 200)
            #expect(finalAgain.json == ["message": "Ok."])
            let task = try await client.schedule("1")
            #expect(task?["status"] == "finished")
        }
    }

    @Test func scenario138_serverOwnedCodes() async throws {
        try await withFixture { _, client in
            try await client.alloc82()
            let defined = try await client.report(1, "1", .form("status=defined"))
            #expect(defined.status == 400)
            #expect(defined.json == ["message": "Status defined cannot be set by a node."])
            let requested = try await client.report(1, "1", .form("status=requested"))
            #expect(requested.status == 400)
            #expect(requested.json == ["message": "Status requested cannot be set by a node."])
            let task = try await client.schedule("1")
            #expect(task?["status"] == "defined")
        }
    }

    @Test func scenario139_failedWithReason() async throws {
        try await withFixture { _, client in
            try await client.alloc82()
            let reply = try await client.report(1, "1", .json(["status": "failed; container exited with code 2"]))
            #expect(reply.status == 200)
            #expect(reply.json == ["message": "Ok."])
            let task = try await client.schedule("1")
            #expect(task?["status"] == "failed; container exited with code 2")
            #expect(task?["shared"] == 1)
            let experiment = try await client.get("/v1/experiments/1")
            #expect(experiment?["summary"] == ["failed; container exited with code 2": 1])
        }
    }

    @Test func scenario140_finalTaskNoLongerBlocks() async throws {
        try await withFixture { _, client in
            try await client.alloc82()
            let reply = try await client.report(1, "1", .form("status=stopped%3B%20by%20user"))
            #expect(reply.status == 200)
            #expect(try await client.schedule("1")?["status"] == "stopped; by user")
            let next = try await client.alloc(["options": ["nodes": "1"]])
            #expect(next.status == 201, "\(next)")
        }
    }

    @Test func scenario141_statusIsTrimmed() async throws {
        try await withFixture { _, client in
            try await client.alloc82()
            let reply = try await client.report(1, "1", .form("status=%20failed%20;%20x%20"))
            #expect(reply.status == 200)
            #expect(try await client.schedule("1")?["status"] == "failed ; x")
        }
    }

    @Test func scenario142_unknownCodes() async throws {
        try await withFixture { _, client in
            try await client.alloc82()
            let bogus = try await client.report(1, "1", .form("status=bogus"))
            #expect(bogus.status == 400)
            #expect(bogus.json == ["message": "Unknown status code (bogus)."])
            let empty = try await client.report(1, "1", .form("status="))
            #expect(empty.status == 400)
            #expect(empty.json == ["message": "Unknown status code ()."])
            #expect(try await client.schedule("1")?["status"] == "defined")
        }
    }

    @Test func scenario143_updateErrors() async throws {
        try await withFixture { _, client in
            try await client.alloc82()
            let wrongNode = try await client.report(2, "1", .form("status=started"))
            #expect(wrongNode.status == 401)
            #expect(wrongNode.json == ["message": "Wrong user to updated this status (Node 2)"])
            let user = try await client.call(.put, "/v1/schedules/1", as: .alice, .form("status=started"))
            #expect(user.status == 401)
            #expect(user.json == ["message": "You'd have to be a node to do that"])
            let unknown = try await client.report(1, "99", .form("status=started"))
            #expect(unknown.status == 404)
            #expect(unknown.json == ["message": "Could not find schedule entry with this id."])
            let collection = try await client.call(.put, "/v1/schedules", as: .node(1), .form("status=started"))
            #expect(collection.status == 400)
            #expect(collection.json == ["message": "Scheduling id missing."])
            let nothing = try await client.report(1, "1", .none)
            #expect(nothing.status == 400)
            #expect(nothing.json == ["message": "Parameters missing (required: status, or traffic)"])
            #expect(try await client.schedule("1")?["status"] == "defined")
        }
    }

    @Test func scenario144_trafficReports() async throws {
        try await withFixture { _, client in
            try await client.alloc82()
            let form = "traffic=" + CtldClient.formValue(#"{"deployment": 52000000, "interfaces": {"89460000000000000001": 300}}"#)
            let first = try await client.report(1, "1", .form(form))
            #expect(first.status == 200)
            #expect(first.json == ["message": "Ok."])
            #expect(try await client.schedule("1")?["report"] == ["89460000000000000001": 300, "deployment": 52_000_000])

            let results = try await client.report(1, "1", .json(["traffic": ["results": 10]]))
            #expect(results.status == 200)
            #expect(try await client.schedule("1")?["report"] == ["89460000000000000001": 300, "deployment": 52_000_000, "results": 10])

            let overwrite = try await client.report(1, "1", .json(["traffic": ["deployment": 1]]))
            #expect(overwrite.status == 200)
            #expect(try await client.schedule("1")?["report"] == ["89460000000000000001": 300, "deployment": 1, "results": 10])

            for body in [CtldClient.Body.form("traffic=notjson"), .json(["traffic": ["deployment": -1]])] {
                let bad = try await client.report(1, "1", body)
                #expect(bad.status == 400)
                #expect(bad.json == ["message": "Count not parse JSON code for traffic parameter"])
            }
            #expect(try await client.schedule("1")?["report"] == ["89460000000000000001": 300, "deployment": 1, "results": 10])
        }
    }

    @Test func scenario145_statusWinsOverTraffic() async throws {
        try await withFixture { _, client in
            try await client.alloc82()
            let reply = try await client.report(1, "1", .form("status=started&traffic=" + CtldClient.formValue(#"{"results": 1}"#)))
            #expect(reply.status == 200)
            let task = try await client.schedule("1")
            #expect(task?["status"] == "started")
            #expect(task?["report"] == [:])
        }
    }

    @Test func scenario146_semicolonInQuery() async throws {
        try await withFixture { _, client in
            try await client.alloc82()
            let reply = try await client.call(.put, "/v1/schedules/1?status=finished;done", as: .node(1))
            #expect(reply.status == 200)
            #expect(reply.json == ["message": "Ok."])
            #expect(try await client.schedule("1")?["status"] == "finished;done")
        }
    }
}

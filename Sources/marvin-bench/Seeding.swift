import Foundation
import MarvinController

/// The benchmark's data set. Principals and nodes go through the admin bootstrap calls (§9.1);
/// quotas, first heartbeats and experiments through the REST API, as a deployment would get them.
struct Seeding {
    let server: ControllerServer
    let nodes: Int
    let tasks: Int
    let now: Int64
    let horizon: Int64

    static let script = "docker.monroe-system.eu/monroe/ping:latest"
    /// Filters the seeded experiments rotate through, so bookings spread over node groups.
    static let filters = ["", "type:deployed", "country:se", "type:deployed,-model:apu1", "country:no|country:es"]

    /// Tags of node `n`: four in five deployed, four countries, two models.
    static func tags(of n: Int) -> [String] {
        ["type:\(n % 5 == 0 ? "testing" : "deployed")", "country:\(["se", "no", "es", "it"][n % 4])", "model:\(n % 3 == 0 ? "apu1" : "apu2")"]
    }

    /// Admin, the seeding user, the measured user, and a `Node <n>` principal per node.
    func registerPrincipalsAndNodes() throws -> (seeder: Int64, experimenter: Int64) {
        _ = try server.addUser(name: "Bench admin", ssl: Principal.admin.fingerprint, role: "admin", project: nil)
        let seeder = try server.addUser(name: "Bench seeder", ssl: Principal.seeder.fingerprint, role: "user", project: nil)
        let experimenter = try server.addUser(name: "Bench experimenter", ssl: Principal.experimenter.fingerprint, role: "user", project: nil)
        for n in 1...nodes {
            _ = try server.addUser(name: "Node \(n)", ssl: Principal.node(n).fingerprint, role: "node", project: nil)
            // Two SIMs with different quotas: node order (§5.6.1 a) then varies like in a real fleet.
            let quota = 1_000_000_000 + (n * 7919 % 1000) * 1_000_000
            let interfaces = (1...2).map { sim in
                ["iccid": "8946\(String(format: "%06d", n))\(sim)", "quota": String(quota + sim), "operator": "bench\(sim)"]
            }
            _ = try server.addNode(id: Int64(n), hostname: "node\(n).bench", tags: Self.tags(of: n), interfaces: interfaces, status: nil)
        }
        return (seeder, experimenter)
    }

    struct Rejected: Error, CustomStringConvertible {
        let description: String
    }

    /// Time and data quotas large enough for the whole data set (`PUT /v1/users/{id}`, §3.3).
    func raiseQuotas(_ client: LoadClient, users: [Int64]) async throws {
        for user in users {
            let reply = try await client.send(.PUT, "/v1/users/\(user)", as: .admin, .form("time=1000000000000&data=1000000000000"))
            guard reply.status == 200 else { throw Rejected(description: "raising the quota of user \(user): \(reply.status) \(reply.body)") }
        }
    }

    /// One heartbeat per node: a node is never selected before its first one (§5.6.2).
    func firstHeartbeats(_ client: LoadClient, concurrency: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    for n in stride(from: worker + 1, through: nodes, by: concurrency) {
                        let reply = try await client.send(.PUT, "/v1/resources/\(n)", as: .node(n), .form("maintenance=0&limit=3"))
                        guard reply.status == 200 else { throw Rejected(description: "first heartbeat of node \(n): \(reply.status) \(reply.body)") }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// (nodecount, intervals) of each seeded experiment: mostly 10 nodes × 10 hourly intervals,
    /// with the remainder in smaller ones so that the tasks add up to exactly `tasks`.
    static func shapes(tasks: Int) -> [(nodecount: Int, intervals: Int)] {
        var shapes = Array(repeating: (nodecount: 10, intervals: 10), count: tasks / 100)
        let rest = tasks % 100
        if rest >= 10 { shapes.append((10, rest / 10)) }
        if rest % 10 > 0 { shapes.append((rest % 10, 1)) }
        return shapes
    }

    struct Summary {
        var experiments = 0
        var tasks = 0
        var elapsed: Duration = .zero
    }

    /// The experiments, one `POST /v1/experiments` each. Half start within the next two days (the
    /// busy near term, where the measured allocation lands), half spread over the rest of the horizon.
    func experiments(_ client: LoadClient) async throws -> Summary {
        let shapes = Self.shapes(tasks: tasks)
        let nearCount = max(1, (shapes.count + 1) / 2)
        let farCount = max(1, shapes.count / 2)
        let nearStep = Int64(172_800 / nearCount)
        let longestSpan: Int64 = 9 * 3600 + 1800
        let farStep = max(0, (horizon - 172_800 - longestSpan - 3600) / Int64(farCount))
        var summary = Summary()
        let started = ContinuousClock.now
        for (index, shape) in shapes.enumerated() {
            let start = index % 2 == 0 ? now + 1800 + Int64(index / 2) * nearStep : now + 172_800 + Int64(index / 2) * farStep
            // `until` just after the last wanted start gives exactly `intervals` occurrences (§5.18).
            let body: [String: Any] = [
                "name": "seed \(index + 1)", "nodecount": shape.nodecount, "nodetypes": Self.filters[index % Self.filters.count],
                "script": Self.script, "start": start, "duration": 1800,
                "options": ["recurrence": "simple", "period": 3600, "until": start + Int64(shape.intervals - 1) * 3600 + 1],
            ]
            let reply = try await client.send(.POST, "/v1/experiments", as: .seeder, .json(body))
            guard reply.status == 201, let intervals = reply.object?["intervals"] as? Int else {
                throw Rejected(description: "seed experiment \(index + 1): \(reply.status) \(reply.body)")
            }
            summary.experiments += 1
            summary.tasks += intervals * shape.nodecount
        }
        summary.elapsed = ContinuousClock.now - started
        return summary
    }
}

import Foundation
import MarvinCore

/// Answers of one workload: latencies of all requests, and the count of each status seen
/// (0 stands for a request that failed in transport).
struct WorkloadResult {
    var latencies = LatencySample()
    var statuses: [Int: Int] = [:]
    var elapsed: Duration = .zero

    var requests: Int { statuses.values.reduce(0, +) }
    func count(except status: Int) -> Int { statuses.filter { $0.key != status }.values.reduce(0, +) }

    mutating func merge(_ other: WorkloadResult) {
        latencies.merge(other.latencies)
        statuses.merge(other.statuses, uniquingKeysWith: +)
    }

    var perSecond: Double { Double(requests) / elapsed.inSeconds }
}

/// `concurrency` workers, each sending heartbeats (§7) of random nodes back to back until
/// `seconds` have passed.
func heartbeatLoad(_ client: LoadClient, nodes: Int, concurrency: Int, seconds: Int) async -> WorkloadResult {
    let started = ContinuousClock.now
    let deadline = started + .seconds(seconds)
    var total = await withTaskGroup(of: WorkloadResult.self, returning: WorkloadResult.self) { group in
        for worker in 0..<concurrency {
            group.addTask {
                var generator = SplitMix64(state: UInt64(worker + 1))
                var result = WorkloadResult()
                while ContinuousClock.now < deadline {
                    let node = Int.random(in: 1...nodes, using: &generator)
                    do {
                        let reply = try await client.send(.PUT, "/v1/resources/\(node)", as: .node(node), .form("maintenance=0&limit=3"))
                        result.latencies.record(reply.latency)
                        result.statuses[reply.status, default: 0] += 1
                    } catch {
                        result.statuses[0, default: 0] += 1
                    }
                }
                return result
            }
        }
        var total = WorkloadResult()
        for await result in group { total.merge(result) }
        return total
    }
    total.elapsed = ContinuousClock.now - started
    return total
}

/// One kind of `GET /v1/schedules/find` request (§3.5).
struct FindMix {
    var label: String
    var query: String
}

/// Realistic slot searches; all for 600 s tasks.
func findMixes(now: Int64) -> [FindMix] {
    func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text }
    return [
        FindMix(label: "1 node, any type", query: "nodecount=1&duration=600&nodetypes="),
        FindMix(label: "10 deployed", query: "nodecount=10&duration=600&nodetypes=type%3Adeployed"),
        FindMix(label: "50 in se or no", query: "nodecount=50&duration=600&nodetypes=\(encoded("country:se|country:no"))"),
        FindMix(label: "4 testing apu2, heads", query: "nodecount=4&duration=600&interfaceCount=2&nodetypes=\(encoded("type:testing,-model:apu1"))"),
        FindMix(label: "200 any type, 5 results", query: "nodecount=200&duration=600&results=5&nodetypes="),
        FindMix(label: "20 deployed, in a week", query: "nodecount=20&duration=600&start=\(now + 7 * 86400)&nodetypes=type%3Adeployed"),
    ]
}

/// `count` finds one after the other, cycling through the mixes; results per mix.
func findSeries(_ client: LoadClient, mixes: [FindMix], count: Int) async throws -> [WorkloadResult] {
    var results = Array(repeating: WorkloadResult(), count: mixes.count)
    let started = ContinuousClock.now
    for index in 0..<count {
        let mix = index % mixes.count
        let reply = try await client.send(.GET, "/v1/schedules/find?" + mixes[mix].query, as: .experimenter)
        results[mix].latencies.record(reply.latency)
        results[mix].statuses[reply.status, default: 0] += 1
    }
    let elapsed = ContinuousClock.now - started
    for index in results.indices { results[index].elapsed = elapsed }
    return results
}

/// The measured allocation: one recurring experiment of `nodecount` nodes × `intervals`
/// 600 s intervals every 1200 s (§5.18), at a fixed start one hour ahead.
struct RecurringAllocation {
    var nodecount: Int
    var intervals: Int
    var start: Int64

    var body: [String: Any] {
        [
            "name": "bench recurring", "nodecount": nodecount, "nodetypes": "", "script": Seeding.script,
            "start": start, "duration": 600,
            "options": ["recurrence": "simple", "period": 1200, "until": start + Int64(intervals) * 1200],
        ]
    }

    func run(_ client: LoadClient) async throws -> Reply {
        try await client.send(.POST, "/v1/experiments", as: .experimenter, .json(body))
    }
}

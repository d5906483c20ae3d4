import ArgumentParser
import Foundation

/// `marvin-bench ctld`: heartbeat throughput, `find` latency and the time of one large recurring
/// allocation of an in-process marvinctld over a seeded data set (issue 2 item 9).
struct CtldBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctld",
        abstract: "Benchmark marvinctld: heartbeats/s, find latency, recurring allocation time.",
        discussion: "Prints figures next to the targets of a 2-core machine; it never fails because of them.")

    @Option(help: "Nodes to register.") var nodes = 500
    @Option(help: "Tasks to seed, in recurring experiments.") var tasks = 20_000
    @Option(help: "Duration of the heartbeat load, in seconds.") var seconds = 10
    @Option(help: "Concurrent heartbeat senders.") var concurrency = 32
    @Option(help: "Sequential find requests.") var finds = 200

    /// The issue's targets for a 2-core machine.
    static let heartbeatTarget = 5000.0
    static let findP99Target = 20.0
    static let allocationTarget = 1.0

    func validate() throws {
        guard nodes >= 1, tasks >= 0, seconds >= 1, concurrency >= 1, finds >= 1 else {
            throw ValidationError("--nodes, --seconds, --concurrency and --finds must be positive, --tasks not negative")
        }
    }

    func run() async throws {
        let bench = try BenchServer()
        defer { bench.removeDirectory() }
        let now = BenchServer.now
        print("marvin-bench ctld: marvinctld in-process on loopback, trusted-proxy identity headers")
        print("machine: \(Machine.cores) CPUs (nproc), \(Machine.cpuModel); build configuration: \(Machine.buildConfiguration)")
        print("clock: fixed at \(now) (\(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(now))))) via testing.clock_file")
        print("policy.maintenance_windows: \(BenchServer.maintenanceWindows) (no maintenance windows, so a 24 h series fits)")

        let seeding = Seeding(server: bench.server, nodes: nodes, tasks: tasks, now: now, horizon: bench.config.policy.horizon)
        let users = try seeding.registerPrincipalsAndNodes()
        var table = FiguresTable()
        try await bench.serving { port in
            let client = LoadClient(port: port, connections: concurrency)
            do {
                try await seeding.raiseQuotas(client, users: [users.seeder, users.experimenter])
                try await seeding.firstHeartbeats(client, concurrency: concurrency)
                let seeded = try await seeding.experiments(client)
                print("data set: \(nodes) nodes (3 tags, 2 SIMs each), \(seeded.tasks) tasks in \(seeded.experiments) recurring experiments, "
                    + "seeded through the API in \(String(format: "%.1f", seeded.elapsed.inSeconds)) s")
                print("")
                await measureHeartbeats(client, into: &table)
                try await measureFinds(client, now: now, into: &table)
                try await measureRecurringAllocation(client, now: now, into: &table)
            } catch {
                try? await client.shutdown()
                throw error
            }
            try await client.shutdown()
        }
        print("")
        print(table.render())
    }

    private func measureHeartbeats(_ client: LoadClient, into table: inout FiguresTable) async {
        print("heartbeats: \(concurrency) workers, PUT /v1/resources/{random node} as that node, \(seconds) s ...")
        let cpu = CPUTimes.now()
        let result = await heartbeatLoad(client, nodes: nodes, concurrency: concurrency, seconds: seconds)
        let shares = CPUTimes.now()?.shares(since: cpu) ?? "-"
        table.add("heartbeats/s (PUT /v1/resources/{id}, c=\(concurrency))", String(format: "%.0f", result.perSecond),
            target: "≥ \(Int(Self.heartbeatTarget))", met: result.perSecond >= Self.heartbeatTarget)
        let failed = result.count(except: 200)
        table.add("  requests / not 200", "\(result.requests) / \(failed)", target: "0 not 200", met: failed == 0)
        table.add("  latency p50 / p99", "\(milliseconds(result.latencies.percentile(50))) / \(milliseconds(result.latencies.percentile(99)))")
        table.add("  CPU during the phase", shares)
    }

    private func measureFinds(_ client: LoadClient, now: Int64, into table: inout FiguresTable) async throws {
        print("find: \(finds) sequential GET /v1/schedules/find ...")
        let mixes = findMixes(now: now)
        let cpu = CPUTimes.now()
        let perMix = try await findSeries(client, mixes: mixes, count: finds)
        let shares = CPUTimes.now()?.shares(since: cpu) ?? "-"
        var all = WorkloadResult()
        for result in perMix { all.merge(result) }
        let p99 = all.latencies.percentile(99) ?? .infinity
        table.add("find p50 / p99 (\(all.requests) requests)", "\(milliseconds(all.latencies.percentile(50))) / \(milliseconds(p99))",
            target: "p99 < \(Int(Self.findP99Target)) ms", met: p99 < Self.findP99Target)
        table.add("  max / answers", "\(milliseconds(all.latencies.maximum)) / \(statusSummary(all.statuses))")
        table.add("  CPU during the phase", shares)
        for (mix, result) in zip(mixes, perMix) {
            table.add("  \(mix.label): p50 / max", "\(milliseconds(result.latencies.percentile(50))) / \(milliseconds(result.latencies.maximum))")
        }
    }

    private func measureRecurringAllocation(_ client: LoadClient, now: Int64, into table: inout FiguresTable) async throws {
        let allocation = RecurringAllocation(nodecount: min(100, nodes), intervals: 72, start: now + 3600)
        print("recurring allocation: POST /v1/experiments, \(allocation.nodecount) nodes × \(allocation.intervals) intervals ...")
        let reply = try await allocation.run(client)
        let intervals = reply.object?["intervals"] as? Int
        let succeeded = reply.status == 201 && intervals == allocation.intervals
        let elapsed = reply.latency.inSeconds
        table.add("recurring allocation \(allocation.nodecount) × \(allocation.intervals)", String(format: "%.3f s", elapsed),
            target: "< \(Int(Self.allocationTarget)) s", met: succeeded && elapsed < Self.allocationTarget)
        table.add("  answer", succeeded ? "201, intervals: \(intervals ?? 0)" : "\(reply.status) \(reply.body.prefix(200))",
            target: "201, intervals: \(allocation.intervals)", met: succeeded)
    }
}

import MarvinCore
import Prometheus

/// The Prometheus series of §3.8. Only aggregates: no ids, names, fingerprints or options.
final class ControllerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let heartbeats: Counter
    let housekeepingRuns: Counter

    private static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
    ]

    init() {
        heartbeats = registry.makeCounter(descriptor: Self.name("marvinctld_heartbeats", "total", "Node heartbeats answered."), labels: [])
        housekeepingRuns = registry.makeCounter(
            descriptor: Self.name("marvinctld_housekeeping_runs", "total", "Housekeeping passes run."), labels: [])
    }

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: metric, unitName: unit, helpText: help)
    }

    func request(method: String, route: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: Self.name("marvinctld_http_requests", "total", "HTTP requests by route and status."),
            labels: [("method", method), ("route", route), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.name("marvinctld_http_request_duration", "seconds", "Time to answer a request."),
            labels: [("method", method), ("route", route)], buckets: Self.durationBuckets
        ).record(duration)
    }

    func allocation(result: String) {
        registry.makeCounter(
            descriptor: Self.name("marvinctld_allocations", "total", "Experiment allocations by result."), labels: [("result", result)]
        ).increment()
    }

    /// Refreshes the node and task gauges from the database, then renders everything.
    func exposition(storage: any ControllerStorage) async throws -> String {
        let (nodes, tasks) = try await storage.statusCounts()
        for status in NodeStatus.allCases {
            registry.makeGauge(descriptor: Self.name("marvinctld_nodes", "", "Nodes by status."), labels: [("status", status.rawValue)])
                .set(nodes[status.rawValue] ?? 0)
        }
        for code in TaskCode.allCases {
            registry.makeGauge(descriptor: Self.name("marvinctld_tasks", "", "Tasks by status code."), labels: [("code", code.rawValue)])
                .set(tasks[code.rawValue] ?? 0)
        }
        return registry.emitToString()
    }
}

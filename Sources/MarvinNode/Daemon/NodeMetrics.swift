import MarvinCore
import Prometheus

/// marvind's Prometheus series (node-runtime §15.3): aggregates only, never an option value.
/// Counters are fed where things happen; gauges are read from the state at each scrape.
public final class NodeMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    private static let deviationBuckets: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30]
    private static let durationBuckets: [Duration] = [.milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(15),
                                                      .seconds(60), .seconds(300), .seconds(1800)]

    public init() {
        registry.makeGauge(descriptor: Self.name("marvind_build_info", "", "marvind build."), labels: [("version", MarvinNodeVersion.version)]).set(1.0)
        for result in ["ok", "error"] { heartbeat(ok: result == "ok", count: 0) }
        startDeviation(nil)
        stopDeviation(nil)
        stateWriteError(count: 0)
    }

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: metric, unitName: unit, helpText: help)
    }

    func heartbeat(ok: Bool, count: Int64 = 1) {
        registry.makeCounter(descriptor: Self.name("marvind_heartbeats", "total", "Heartbeats by result."), labels: [("result", ok ? "ok" : "error")])
            .increment(by: count)
    }

    func reportDelivered(kind: String, result: String) {
        registry.makeCounter(descriptor: Self.name("marvind_reports_delivered", "total", "Report delivery attempts by kind and result."),
                             labels: [("kind", kind), ("result", result)]).increment()
    }

    /// Actual start − scheduled start; nil only registers the series.
    func startDeviation(_ seconds: Double?) {
        let histogram = registry.makeValueHistogram(
            descriptor: Self.name("marvind_task_start_deviation", "seconds", "Actual start minus scheduled start."), labels: [], buckets: Self.deviationBuckets)
        if let seconds { histogram.record(seconds) }
    }

    /// Stop signal − scheduled stop; nil only registers the series.
    func stopDeviation(_ seconds: Double?) {
        let histogram = registry.makeValueHistogram(
            descriptor: Self.name("marvind_task_stop_deviation", "seconds", "Stop signal minus scheduled stop."), labels: [], buckets: Self.deviationBuckets)
        if let seconds { histogram.record(seconds) }
    }

    func pull(ok: Bool, bytes: Int64, duration: Duration) {
        registry.makeCounter(descriptor: Self.name("marvind_pulls", "total", "Image pulls by result."), labels: [("result", ok ? "ok" : "error")]).increment()
        registry.makeCounter(descriptor: Self.name("marvind_pull_bytes", "total", "Compressed bytes pulled."), labels: []).increment(by: bytes)
        registry.makeDurationHistogram(descriptor: Self.name("marvind_pull_duration", "seconds", "Time of a pull."), labels: [], buckets: Self.durationBuckets)
            .record(duration)
    }

    func hook(phase: String, exitCode: Int32, duration: Duration) {
        registry.makeCounter(descriptor: Self.name("marvind_hook_runs", "total", "Hook runs by phase and result."),
                             labels: [("phase", phase), ("result", exitCode == 0 ? "ok" : exitCode == 124 ? "timeout" : "error")]).increment()
        registry.makeDurationHistogram(descriptor: Self.name("marvind_hook_duration", "seconds", "Time of a hook run."), labels: [("phase", phase)],
                                       buckets: Self.durationBuckets).record(duration)
    }

    func stateWriteError(count: Int64 = 1) {
        registry.makeCounter(descriptor: Self.name("marvind_state_write_errors", "total", "Failed state database writes."), labels: []).increment(by: count)
    }

    /// Refreshes the gauges from the node's state, then renders everything.
    func exposition(tasks: TaskStore, outbox: Outbox, lastHeartbeat: Double?, clockPlausible: Bool, disks: [(String, Int64?)]) -> String {
        let records = (try? tasks.all()) ?? []
        for state in TaskState.allCases {
            registry.makeGauge(descriptor: Self.name("marvind_tasks", "", "Tasks by local state."), labels: [("state", state.rawValue)])
                .set(Double(records.filter { $0.state == state }.count))
        }
        let pending = (try? outbox.pending()) ?? []
        for kind in ["status", "traffic"] {
            registry.makeGauge(descriptor: Self.name("marvind_outbox_entries", "", "Undelivered reports by kind."), labels: [("kind", kind)])
                .set(Double(pending.filter { $0.kind == kind }.count))
        }
        registry.makeGauge(descriptor: Self.name("marvind_heartbeat_last_success_timestamp", "seconds", "Time of the last answered heartbeat."), labels: [])
            .set(lastHeartbeat ?? 0.0)
        registry.makeGauge(descriptor: Self.name("marvind_clock_plausible", "", "1 when the wall clock can be trusted."), labels: [])
            .set(clockPlausible ? 1.0 : 0.0)
        for (filesystem, free) in disks {
            if let free {
                registry.makeGauge(descriptor: Self.name("marvind_disk_free", "bytes", "Free bytes by filesystem."), labels: [("filesystem", filesystem)])
                    .set(Double(free))
            }
        }
        return registry.emitToString()
    }
}

import ArgumentParser
import Foundation
import MarvinCore

/// `marvin-bench node`: marvind's idle memory with three known tasks, and how far from their
/// seconds it starts and stops runs (issue 3 item 11). The real binaries run side by side:
/// marvinctld with native mTLS and marvind on the `process` runtime, each in its own process.
struct NodeBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Benchmark marvind: idle RSS with 3 known tasks, start/stop timing error.",
        discussion: "Needs marvinctld and marvind built next to marvin-bench, and openssl and curl on PATH.")

    @Option(help: "Runs for the timing figures.") var runs = 20
    @Option(help: "Seconds between run starts.") var spacing: Int64 = 7
    @Option(help: "Seconds of idle RSS sampling.") var sampling = 10

    static let rssTarget = 25.0
    static let timingTarget = 1.0

    func validate() throws {
        guard runs >= 1, spacing >= 5, sampling >= 1 else { throw ValidationError("--runs and --sampling must be positive, --spacing at least 5") }
    }

    func run() async throws {
        let bed = try NodeBenchBed()
        defer { bed.close() }
        print("marvin-bench node: marvinctld (native mTLS) and marvind (process runtime) as separate processes")
        print("machine: \(Machine.cores) CPUs (nproc), \(Machine.cpuModel); build configuration: \(Machine.buildConfiguration)")
        var table = FiguresTable()

        // Idle memory while holding three deployed future tasks.
        let future = Int64(Date().timeIntervalSince1970) + 3600
        var experiments: [Int64] = []
        for index in 0..<3 {
            experiments.append(try bed.submit(start: future + Int64(index) * 600, stop: future + Int64(index) * 600 + 300).experiment)
        }
        try await bed.waitForNode(states: ["deployed"], count: 3, seconds: 60)
        var samples: [(rss: Double, pss: Double, anonymous: Double)] = []
        for _ in 0..<sampling {
            samples.append(bed.daemonMemory())
            try await Task.sleep(nanoseconds: 1_000_000_000)
        }
        let peak = samples.map(\.rss).max() ?? 0
        print("idle RSS with 3 deployed tasks over \(sampling) s: min \(mib(samples.map(\.rss).min() ?? 0)), max \(mib(peak)); "
            + "PSS max \(mib(samples.map(\.pss).max() ?? 0)); anonymous max \(mib(samples.map(\.anonymous).max() ?? 0)) "
            + "(the rest of the RSS is code pages of the binary and the Swift runtime libraries)")
        let mappings = bed.daemonResidentByMapping()
        print("resident by mapping: " + mappings.prefix(10).map { "\($0.mapping) \(mib($0.rss))" }.joined(separator: ", ")
            + ", \(mappings.count - min(mappings.count, 10)) more \(mib(mappings.dropFirst(10).reduce(0) { $0 + $1.rss }))")
        table.add("marvind idle RSS, 3 known tasks", mib(peak), target: "≤ \(Int(Self.rssTarget)) MiB", met: peak <= Self.rssTarget)
        for experiment in experiments { try bed.delete(experiment) }
        try await bed.waitForNode(states: ["done"], count: 3, seconds: 60)

        // Start and stop precision over back-to-back short runs.
        let first = Int64(Date().timeIntervalSince1970) + 25
        var tasks: [(schedid: String, start: Int64, stop: Int64)] = []
        for index in 0..<runs {
            let start = first + Int64(index) * spacing
            let submitted = try bed.submit(start: start, stop: start + 3)
            tasks.append((submitted.schedid, start, start + 3))
        }
        print("\(runs) runs of 3 s, one every \(spacing) s, from \(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(first))))")
        try await bed.waitForNode(states: ["done"], count: runs + 3, seconds: Double(runs) * Double(spacing) + 90)
        var startErrors: [Double] = []
        var stopErrors: [Double] = []
        for task in tasks {
            if let started = bed.result(task.schedid, "started-at") { startErrors.append(abs(started - Double(task.start))) }
            if let stopped = bed.result(task.schedid, "term-at") { stopErrors.append(abs(stopped - Double(task.stop))) }
        }
        let worstStart = startErrors.max() ?? .infinity
        let worstStop = stopErrors.max() ?? .infinity
        print("start error: \(startErrors.count) runs, median \(seconds(median(startErrors))), max \(seconds(worstStart))")
        print("stop error (SIGTERM seen by the run): \(stopErrors.count) runs, median \(seconds(median(stopErrors))), max \(seconds(worstStop))")
        table.add("start error, max of \(runs)", seconds(worstStart), target: "≤ 1 s", met: startErrors.count == runs && worstStart <= Self.timingTarget)
        table.add("stop error, max of \(runs)", seconds(worstStop), target: "≤ 1 s", met: stopErrors.count == runs && worstStop <= Self.timingTarget)
        print("")
        print(table.render())
    }

    func mib(_ value: Double) -> String { String(format: "%.1f MiB", value) }
    func seconds(_ value: Double) -> String { value.isFinite ? String(format: "%.3f s", value) : "-" }
    func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? .infinity : sorted[sorted.count / 2]
    }
}

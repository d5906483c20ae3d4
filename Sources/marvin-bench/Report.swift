import Foundation

/// Facts that make figures comparable between machines.
enum Machine {
    static var buildConfiguration: String {
        #if DEBUG
            return "debug"
        #else
            return "release"
        #endif
    }

    /// What `nproc` prints (CPUs this process may use); the processor count if it cannot run.
    static var cores: String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nproc")
        let pipe = Pipe()
        process.standardOutput = pipe
        if (try? process.run()) != nil {
            process.waitUntilExit()
            let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            if process.terminationStatus == 0 { return text.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        return String(ProcessInfo.processInfo.activeProcessorCount)
    }

    static var cpuModel: String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let line = info.split(separator: "\n").first { $0.hasPrefix("model name") }
        return line.flatMap { $0.split(separator: ":", maxSplits: 1).last }.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
    }
}

/// Kernel CPU accounting (`/proc/stat`), to tell a slow machine from a contended one: `steal` is
/// time the hypervisor gave this VM's CPUs to others.
struct CPUTimes {
    var busy: Int64
    var idle: Int64
    var steal: Int64

    /// Now; nil where `/proc/stat` does not exist.
    static func now() -> CPUTimes? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") })
        else { return nil }
        // user nice system idle iowait irq softirq steal
        let fields = line.split(separator: " ").dropFirst().compactMap { Int64($0) }
        guard fields.count >= 8 else { return nil }
        return CPUTimes(busy: fields[0] + fields[1] + fields[2] + fields[5] + fields[6], idle: fields[3] + fields[4], steal: fields[7])
    }

    /// "87% busy, 9% idle, 4% steal" for the time since `start`.
    func shares(since start: CPUTimes?) -> String {
        guard let start else { return "-" }
        let (busy, idle, steal) = (self.busy - start.busy, self.idle - start.idle, self.steal - start.steal)
        let total = Double(max(1, busy + idle + steal))
        return String(format: "%.0f%% busy, %.0f%% idle, %.0f%% steal", 100 * Double(busy) / total, 100 * Double(idle) / total, 100 * Double(steal) / total)
    }
}

/// The figures table: what was measured, the issue's target, and whether it was reached.
/// It only prints; a benchmark never fails a build.
struct FiguresTable {
    private var rows: [(figure: String, measured: String, target: String, verdict: String)] = []

    /// `met` is nil for figures without a target.
    mutating func add(_ figure: String, _ measured: String, target: String = "", met: Bool? = nil) {
        rows.append((figure, measured, target, met.map { $0 ? "met" : "MISSED" } ?? ""))
    }

    func render() -> String {
        let header = (figure: "figure", measured: "measured", target: "target", verdict: "")
        let all = [header] + rows
        let widths = (all.map(\.figure.count).max() ?? 0, all.map(\.measured.count).max() ?? 0, all.map(\.target.count).max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        let lines = all.map { row in
            let line = [pad(row.figure, widths.0), pad(row.measured, widths.1), pad(row.target, widths.2), row.verdict].joined(separator: "  ")
            return String(line.reversed().drop(while: { $0 == " " }).reversed())
        }
        let rule = String(repeating: "-", count: widths.0 + widths.1 + widths.2 + 12)
        return ([lines[0], rule] + lines.dropFirst()).joined(separator: "\n")
    }
}

/// Milliseconds with one decimal, or "-" without samples.
func milliseconds(_ value: Double?) -> String {
    value.map { String(format: "%.1f ms", $0) } ?? "-"
}

/// A status histogram such as `200×312, 409×2`.
func statusSummary(_ statuses: [Int: Int]) -> String {
    statuses.sorted { $0.key < $1.key }.map { "\($0.key == 0 ? "transport error" : String($0.key))×\($0.value)" }.joined(separator: ", ")
}

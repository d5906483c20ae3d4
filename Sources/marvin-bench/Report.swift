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
            [pad(row.figure, widths.0), pad(row.measured, widths.1), pad(row.target, widths.2), row.verdict]
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
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

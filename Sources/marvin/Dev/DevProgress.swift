import Foundation
import MarvinCLI
import MarvinCore

/// Follows the sample experiment's task to its final status: every status change on its own
/// line, and on a terminal one line that keeps the time, the status and the metadata the node
/// has replayed up to date.
struct DevProgress {
    let ctld: CtldConnection
    let experiment: Int64
    let node: DevNode
    let started = ContinuousClock.now

    init(ctld: CtldConnection, experiment: Int64, node: DevNode) {
        self.ctld = ctld
        self.experiment = experiment
        self.node = node
    }

    /// The task id and its final status.
    func follow() async throws -> (task: String, status: String) {
        var last = ""
        while true {
            let shown = try await ctld.call(.GET, "/experiments/\(experiment)/schedules")
            guard let (task, entry) = shown["schedules"]?.objectValue?.first else { throw Failure.testbed("experiment \(experiment) has no task") }
            let status = entry["status"]?.stringValue ?? "?"
            if status != last {
                line("task \(task) on node \(entry["nodeid"].map { JSONWriter.write($0, pretty: false) } ?? "?"): \(status)")
                last = status
            }
            if TaskStatus(status).isFinal { return (task, status) }
            let messages = node.status?["metadata"]?["messages"]?.integerValue ?? 0
            DevOutput.transient("  \(elapsed)  \(status) · \(messages) metadata messages replayed")
            if node.exited { throw Failure.testbed("marvind ended unexpectedly; see \(node.log)") }
            try await Task.sleep(nanoseconds: 1_000_000_000)
        }
    }

    private var elapsed: String {
        let seconds = Int((ContinuousClock.now - started).inSeconds)
        return String(format: "%02d:%02d", seconds / 60, seconds % 60)
    }

    private func line(_ text: String) {
        DevOutput.line("  \(elapsed)  \(text)")
    }
}

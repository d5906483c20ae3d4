import Foundation

/// Crash and reboot recovery (node-runtime §5.8): before any runner starts, each task whose
/// record says a run exists is checked against the runtime. A live run is adopted silently; a
/// run that ended by itself is interpreted normally; a run killed by a node or engine restart
/// is restarted, failed (`restart=0`) or stopped (`node was down at stop time`).
extension NodeSupervisor {
    public func recover() async {
        let now = NodeServices.now()
        for record in (try? services.tasks.active()) ?? [] {
            switch record.state {
            case .running:
                await recoverRun(record, now: now)
            case .preparing:
                // The created, never started run goes; preparing starts over (§5.8).
                if let runID = record.runID, let script = record.script {
                    await services.runtime.remove(runID, task: RunTask(schedid: record.schedid, expID: record.expID, script: script, stop: record.stop))
                    try? services.tasks.set(record.schedid, [.runID: nil])
                }
            default:
                break
            }
        }
        try? services.facts.set("boot_id", NodeServices.bootID())
    }

    private func recoverRun(_ record: TaskStore.Record, now: Double) async {
        let state: RunState = if let runID = record.runID { await services.runtime.state(runID) } else { .gone }
        // The backup stop unit ended the run while marvind could not (§8.5): stopped by the timer.
        if state != .running, FileManager.default.fileExists(atPath: services.config.directories.emergencyMarker(record.schedid)) {
            logger.warning("task \(record.schedid): the backup stop unit ended the run while marvind was down")
            if case .exited(let code, let finishedAt) = state {
                try? services.tasks.set(record.schedid, [.exitCode: code.map { Int($0) }, .exitedAt: finishedAt ?? now])
            }
            transition(record.schedid, .stop(.timer), expecting: .running)
            return
        }
        switch state {
        case .running:
            logger.info("task \(record.schedid): run adopted")
        case .exited(let code, let finishedAt):
            let at = finishedAt ?? now
            try? services.tasks.set(record.schedid, [.exitCode: code.map { Int($0) }, .exitedAt: at])
            transition(record.schedid, .stop(at < Double(record.stop) ? .exited : .timer), expecting: .running)
        case .gone, .created:
            runLost(record, while: "marvind was down")
        }
    }

    /// A run killed by a node or engine restart: started again while its stop is ahead and
    /// `restart` allows it, else stopped or failed (§5.8).
    func runLost(_ record: TaskStore.Record, while why: String) {
        let stopPassed = Double(record.stop) <= NodeServices.now()
        let restart = (try? services.options(record).get())?.restart ?? true
        if !stopPassed && restart { try? services.tasks.set(record.schedid, [.restartPending: true]) }
        logger.warning("task \(record.schedid): run lost while \(why) (stop \(stopPassed ? "passed" : "ahead"), restart \(restart))")
        transition(record.schedid, .runLost(stopPassed: stopPassed, restart: restart), expecting: .running)
    }

    /// Starts the runners of tasks whose next step stops or cleans up; overdue stops never
    /// wait for anything (§4.1 step 4). The others start after the recovery heartbeat.
    public func startStoppingRunners() {
        startRunners(where: [.running, .stopping, .cleaning, .syncing])
    }
}

import Foundation
import Logging
import MarvinCore

/// `marvind emergency-stop <schedid>` (node-runtime §8.5), run by the backup stop unit. It asks
/// the daemon first; only when the daemon does not answer within 5 s, and the task's stop time
/// plus `timing.backup_stop_delay` has passed, does it kill the task's run itself and leave the
/// marker `<work_directory>/emergency/<schedid>` for recovery (stop reason `timer`). It touches
/// nothing else, and always exits 0: the lines it returns say what it did.
public enum EmergencyStop {
    public static let answerTimeout = 5.0

    public static func run(schedid: String, config: NodeConfig) async -> [String] {
        // The id names a unit, a URL path and a file: only ids a ctld could have sent.
        guard HeartbeatTask.isAcceptableID(schedid) else { return ["\(schedid.debugDescription) is not a task id; nothing done"] }
        if let answer = ControlClient.post("/tasks/\(schedid)/emergency-stop", socket: config.observability.controlSocket, timeout: answerTimeout) {
            return ["marvind answered (\(answer.status)): \(answer.body.trimmingCharacters(in: .whitespacesAndNewlines))"]
        }
        let logger = Logger(label: "marvind-emergency-stop") { _ in JournalLogHandler(level: .info, file: nil) }
        let runtime = await RuntimeChoice.make(config: config, logger: logger)
        let lines = await stopAlone(schedid: schedid, config: config, runtime: runtime)
        await runtime.shutdown()
        return ["marvind did not answer on \(config.observability.controlSocket) within \(Int(answerTimeout)) s"] + lines
    }

    static func stopAlone(schedid: String, config: NodeConfig, runtime: any TaskRuntime) async -> [String] {
        var lines: [String] = []
        let record = (try? NodeStateStore(path: config.directories.stateDatabase, readOnly: true)).flatMap { try? TaskStore(store: $0).record(schedid) }
        let runs = await runtime.liveRuns(of: schedid, recorded: record?.runID)
        guard !runs.isEmpty else { return ["task \(schedid): no run of it is going; nothing to do"] }
        // The state database knows the current stop time; a container label only the one it was created with.
        guard let stop = record?.stop ?? runs.compactMap(\.stop).max() else {
            return ["task \(schedid): its stop time is unknown (state database and run labels); nothing done"]
        }
        let due = stop + config.timing.backupStopDelay
        let now = Int64(NodeServices.now())
        guard now >= due else { return ["task \(schedid): the backup stop is due at \(due), not yet; nothing done"] }
        for run in runs {
            await runtime.stop(run.runID, grace: 0)
            lines.append("task \(schedid): killed run \(run.runID)")
        }
        let marker = config.directories.emergencyMarker(schedid)
        do {
            try FileManager.default.createDirectory(atPath: (marker as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try AtomicFile.write(Data("\(now)\n".utf8), to: marker, mode: 0o600)
        } catch {
            lines.append("cannot write the marker \(marker): \(error)")
        }
        return lines
    }
}

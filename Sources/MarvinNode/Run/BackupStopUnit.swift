import Foundation
import Logging

/// The third bound on a run (node-runtime §8.5): the transient systemd timer
/// `marvind-stop-<schedid>.timer` at `stop + timing.backup_stop_delay`, whose service runs
/// `marvind emergency-stop <schedid>`. It ends the run should marvind hang or crash-loop past
/// the stop. Machines without systemd as the service manager (development) have none.
public struct BackupStopUnit: Sendable {
    let delay: Int64
    let executable: String
    let configPath: String
    let logger: Logger

    public init(delay: Int64, executable: String, configPath: String, logger: Logger) {
        self.delay = delay
        self.executable = executable
        self.configPath = configPath
        self.logger = logger
    }

    /// systemd's own test for being the service manager (`sd_booted`).
    public static var available: Bool { FileManager.default.fileExists(atPath: "/run/systemd/system") }

    public static func unit(_ schedid: String) -> String { "marvind-stop-\(schedid)" }

    /// Creates the unit for this stop time, replacing an earlier one.
    public func arm(_ schedid: String, stop: Int64) async {
        guard Self.available else { return }
        await disarm(schedid)
        let unit = Self.unit(schedid)
        let calendar = Self.calendar(stop + delay)
        let created = await ChildProcess.run("systemd-run", [
            "--quiet", "--collect", "--unit=\(unit)", "--description=marvind backup stop of task \(schedid)",
            "--on-calendar=\(calendar)", "--timer-property=AccuracySec=1s",
            "--", executable, "emergency-stop", "--config", configPath, schedid,
        ], timeout: 30)
        if created.code == 0 {
            logger.info("task \(schedid): backup stop \(unit).timer at \(calendar)")
        } else {
            logger.warning("task \(schedid): backup stop unit not created (systemd-run exit \(created.code)): \(created.output.joined(separator: " "))")
        }
    }

    /// Removes the timer and its service; nothing happens when there is none.
    public func disarm(_ schedid: String) async {
        guard Self.available else { return }
        let unit = Self.unit(schedid)
        _ = await ChildProcess.run("systemctl", ["stop", "\(unit).timer", "\(unit).service"], timeout: 30)
        _ = await ChildProcess.run("systemctl", ["reset-failed", "\(unit).timer", "\(unit).service"], timeout: 30)
    }

    /// An `OnCalendar=` instant in UTC, to the second.
    static func calendar(_ unix: Int64) -> String {
        var time = time_t(unix)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) UTC"
    }
}

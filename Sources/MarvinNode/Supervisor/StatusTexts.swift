/// The exact status texts a node reports (node-runtime §5.4), and the legacy deploy and start
/// codes that select them (§5.7). Clients match on these strings: keep them character for
/// character.
public enum StatusTexts {
    public static let deployed = "deployed"
    public static let started = "started"
    public static let restarted = "restarted"
    public static let downloadingInBackground = "delayed; container downloading in background"
    public static let busy = "delayed; currently running another experiment"
    public static let deploymentTooLate = "failed; deployment time exceeded stop time"
    public static let deployedTooLate = "failed; deployment time exceeded stop time, skipped start hook"
    public static let busyUntilStop = "failed; node busy with another experiment until stop time"
    public static let maintenanceOnTime = "failed; node is in maintenance mode."
    public static let stateLost = "failed; task state lost on node"
    public static let resultsUnmountable = "failed; results filesystem could not be mounted after restart"

    /// A deploy code (§5.7): nil for 0 (`deployed`); delayed codes are retried.
    public static func deploy(code: Int) -> (text: String, retry: Bool) {
        switch code {
        case 100: return ("delayed; container does not exist, or i/o timeout", true)
        case 101: return ("delayed; insufficient disk space", true)
        case 102: return ("failed; storage quota exceeded during deployment", false)
        case 103: return ("delayed; cannot deploy while node is in maintenance mode", true)
        case 104: return (downloadingInBackground, true)
        case 105: return (busy, true)
        case 124: return ("failed; container downloading timeout", false)
        default: return ("failed; Unknown Error \(code)", false)
        }
    }

    /// A start code (§5.7); code 13 names a late start.
    public static func startFailure(code: Int) -> String {
        switch code {
        case 10: return "failed; container exited immediately."
        case 11: return "failed; network namespace does not exist."
        case 12: return "failed; container image not found."
        case 13: return "failed; started into maintenance mode."
        case 125: return "failed; docker run command failed."
        case 127: return "failed; docker run exit code 127: entry point not found?"
        default: return "failed; start hook exit code \(code)."
        }
    }

    /// The final status of a run that ended (§9.3); nil after an abort (the ctld holds it).
    public static func final(reason: StopReason, exitCode: Int?, vm: Bool = false, guestPoweredOff: Bool = false) -> String? {
        switch reason {
        case .exited:
            if vm { return guestPoweredOff ? "finished" : "failed; vm exited with code \(exitCode ?? -1)" }
            return exitCode == 0 ? "finished" : "failed; container exited with code \(exitCode ?? -1)"
        case .timer: return "stopped"
        case .traffic(let interface, let netns): return "failed; traffic quota exceeded on interface \(interface) (\(netns))"
        case .storage: return "failed; storage quota exceeded"
        case .nodeDown: return "stopped; node was down at stop time"
        case .noRestart: return "failed; node restarted during the experiment (restart=0)"
        case .aborted: return nil
        }
    }

    /// Option validation (§6.2): the option's name, never its value.
    public static func invalidOption(_ name: String) -> String { "failed; invalid deployment option \(name)" }
}

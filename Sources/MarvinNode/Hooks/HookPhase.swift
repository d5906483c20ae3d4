/// The moments hooks run at (node-runtime §11.2).
public enum HookPhase: String, Sendable, CaseIterable {
    case boot, network, deploy
    case preStart = "pre-start"
    case idle
    case postStart = "post-start"
    case postStop = "post-stop"
    case maintenance

    /// Task phases get the task's id as their only argument and the task variables.
    public var isTaskPhase: Bool { ![.boot, .network, .maintenance].contains(self) }

    /// In these phases the first failing hook ends the phase and decides the outcome; in the
    /// others every hook runs and failures are only logged.
    public var stopsAtFirstFailure: Bool { [.deploy, .preStart, .idle].contains(self) }

    /// Default timeout per invocation (§11.5); `idle` depends on `timing.idle_period`.
    func defaultTimeout(idlePeriod: Int64) -> Int64 {
        switch self {
        case .boot: return 120
        case .network: return 60
        case .deploy: return 300
        case .preStart: return 120
        case .idle: return idlePeriod + 15
        case .postStart: return 30
        case .postStop: return 60
        case .maintenance: return 1800
        }
    }

    /// The legacy single-hook key that runs after this phase's directory hooks (§11.6).
    var legacyKey: String? {
        switch self {
        case .deploy: return "deploy"
        case .preStart: return "start"
        case .postStop: return "stop"
        default: return nil
        }
    }
}

/// A task's local state (node-runtime §5.1).
public enum TaskState: String, Sendable, CaseIterable {
    case received, deploying, delayed, deployed, preparing, running, stopping, cleaning, syncing, done

    /// States in which a task occupies the node: at most one task at a time (§5.10).
    public var occupiesNode: Bool { [.preparing, .running, .stopping, .cleaning].contains(self) }

    /// States before cleanup, where an abort or cancel still changes what happens (§5.6).
    public var isBeforeCleaning: Bool { [.received, .deploying, .delayed, .deployed, .preparing, .running].contains(self) }
}

/// Why a run ends (§9.1); stored before any signal is sent.
public enum StopReason: Sendable, Equatable {
    case timer
    case exited
    case aborted
    /// The traffic quota was exceeded on this interface (ICCID or MAC) and netns name.
    case traffic(interface: String, netns: String)
    case storage
    case nodeDown
    case noRestart
}

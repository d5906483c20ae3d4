/// The wall-clock instants of a task's timers (node-runtime §5.5), derived from its `start`
/// and `stop`; stored instants are re-armed after a restart.
public struct TaskTimers: Sendable, Equatable {
    public var deployDeadline: Int64
    public var preStart: Int64
    public var idle: Int64
    public var start: Int64
    public var stop: Int64
    public var backupStop: Int64

    public init(start: Int64, stop: Int64, timing: NodeConfig.Timing) {
        deployDeadline = stop - timing.lateStartMinRuntime
        preStart = start - timing.prestartLead
        idle = start - timing.idlePeriod - 2
        self.start = start
        self.stop = stop
        backupStop = stop + timing.backupStopDelay
    }

    /// Can a run still begin at `now`: `stop > now + late_start_min_runtime`?
    public func allowsStart(at now: Int64) -> Bool { now < deployDeadline }
}

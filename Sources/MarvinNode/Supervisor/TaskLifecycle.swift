/// The transitions of a task's life (node-runtime §5.3): from a state and an event to the next
/// state and the status text to queue. Pure; the task runner applies the result and performs
/// the side effects.
public enum TaskLifecycle {
    public enum Event: Sendable, Equatable {
        /// The definition is complete; `invalid` carries the invalid-option text (§6.2).
        case definitionReady(invalid: String?)
        /// A deploy attempt ended with a code of §5.7 (0 = ok).
        case deployFinished(code: Int)
        /// The pull (or the wait for the pull slot) has lasted `deploy.background_report_after`.
        case downloadingInBackground
        /// A delayed deploy's retry time has come.
        case retryDeploy
        case deployDeadline
        /// The pre-start or start timer, with the maintenance flag as it is now.
        case preStartTimer(maintenance: Bool, late: Bool)
        /// Another task occupies the node when this one should prepare.
        case nodeOccupied
        case runStarted(restart: Bool)
        case startFailed(code: Int)
        /// A run to be restarted after a reboot or engine restart finds its results
        /// filesystem beyond repair (§5.8).
        case resultsUnmountable
        /// The run must end for this reason (timer, own exit, quota, …).
        case stop(StopReason)
        case abort
        /// The run is gone; its exit code when known.
        case runGone(exitCode: Int?)
        /// Recovery found a `running` task's run gone, killed by a node or engine restart (§5.8).
        case runLost(stopPassed: Bool, restart: Bool)
        case cleaned
        case synced
    }

    public struct Step: Sendable, Equatable {
        public var state: TaskState
        /// The status to queue, if any.
        public var status: String?
        /// Set when the run must stop, or cleanup starts, for this reason.
        public var reason: StopReason?

        public init(_ state: TaskState, status: String? = nil, reason: StopReason? = nil) {
            self.state = state
            self.status = status
            self.reason = reason
        }
    }

    /// The next step, or nil when the event does not apply in this state. `reason` is the stop
    /// reason stored with the task (for `runGone`).
    public static func next(
        from state: TaskState, on event: Event, now: Int64, timers: TaskTimers, timing: NodeConfig.Timing, reason: StopReason? = nil
    ) -> Step? {
        switch (state, event) {
        case (.received, .definitionReady(let invalid)):
            return invalid.map { Step(.cleaning, status: $0) } ?? Step(.deploying)
        case (.deploying, .deployFinished(0)), (.delayed, .deployFinished(0)):
            if !timers.allowsStart(at: now) { return Step(.cleaning, status: StatusTexts.deployedTooLate) }
            // A deploy that ends after the pre-start instant goes straight on to prepare.
            return Step(now >= timers.preStart ? .preparing : .deployed, status: StatusTexts.deployed)
        case (.deploying, .deployFinished(let code)), (.delayed, .deployFinished(let code)):
            let outcome = StatusTexts.deploy(code: code)
            return Step(outcome.retry ? .delayed : .cleaning, status: outcome.text)
        case (.delayed, .retryDeploy):
            return Step(.deploying)
        case (.deploying, .downloadingInBackground):
            return Step(.deploying, status: StatusTexts.downloadingInBackground)
        case (.deploying, .deployDeadline), (.delayed, .deployDeadline):
            return Step(.cleaning, status: StatusTexts.deploymentTooLate)
        case (.deployed, .preStartTimer(let maintenance, let late)), (.preparing, .preStartTimer(let maintenance, let late)):
            if maintenance { return Step(.cleaning, status: late ? StatusTexts.startFailure(code: 13) : StatusTexts.maintenanceOnTime) }
            return Step(.preparing)
        case (.deployed, .nodeOccupied), (.preparing, .nodeOccupied):
            if !timers.allowsStart(at: now) { return Step(.cleaning, status: StatusTexts.busyUntilStop) }
            return Step(state, status: StatusTexts.busy)
        case (.preparing, .runStarted(let restart)):
            return Step(.running, status: restart ? StatusTexts.restarted : StatusTexts.started)
        case (.preparing, .startFailed(let code)):
            return Step(.cleaning, status: StatusTexts.startFailure(code: code))
        case (.preparing, .resultsUnmountable):
            return Step(.cleaning, status: StatusTexts.resultsUnmountable)
        case (.running, .stop(let reason)):
            return Step(.stopping, reason: reason)
        case (let current, .abort) where current.isBeforeCleaning:
            return Step(current == .running ? .stopping : .cleaning, reason: .aborted)
        case (.running, .runLost(let stopPassed, let restart)):
            if stopPassed { return Step(.stopping, reason: .nodeDown) }
            return restart ? Step(.preparing) : Step(.stopping, reason: .noRestart)
        case (.stopping, .runGone(let exitCode)):
            return Step(.cleaning, status: StatusTexts.final(reason: reason ?? .timer, exitCode: exitCode))
        case (.cleaning, .cleaned):
            return Step(.syncing)
        case (.syncing, .synced):
            return Step(.done)
        default:
            return nil
        }
    }
}

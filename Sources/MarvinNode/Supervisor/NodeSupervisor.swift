import Foundation
import GRDB
import Logging
import MarvinCore

/// The one owner of task state on the node (node-runtime §1.4): every transition is decided
/// here, committed to the state database, and only then acted on by the task's runner. It
/// also holds what the runners share: the node (one experiment at a time, §5.10), the pull
/// slot (one pull at a time, §6.3) and the idle period (§7.4).
public actor NodeSupervisor {
    let services: NodeServices
    private var runners: [String: TaskRunner] = [:]
    private var runnerTasks: [String: Task<Void, Never>] = [:]
    /// The task occupying the node, and the task whose pull runs.
    private var node: String?
    private var pull: String?
    public var occupant: String? { node }
    public private(set) var idle = false
    /// No runner starts before the wall clock can be trusted (§5.9).
    public private(set) var clockVerified = false
    private var reportHandler: (@Sendable (_ final: Bool) -> Void)?
    private var changeHandler: (@Sendable () -> Void)?
    private var moveHandler: (@Sendable (_ schedid: String, _ from: TaskState, _ to: TaskState) -> Void)?

    var logger: Logger { services.logger }

    public init(services: NodeServices) {
        self.services = services
    }

    /// Called when a report was queued (the outbox courier delivers it) and on every change.
    public func observe(reports: @escaping @Sendable (_ final: Bool) -> Void, changes: @escaping @Sendable () -> Void) {
        reportHandler = reports
        changeHandler = changes
    }

    /// `moves` hears every change of a task's state (the daemon's node events).
    func observe(moves: @escaping @Sendable (_ schedid: String, _ from: TaskState, _ to: TaskState) -> Void) {
        moveHandler = moves
    }

    // MARK: - Runners

    /// Starts a runner for every task not `done` that has none (in the given states only).
    public func startRunners(where states: Set<TaskState> = Set(TaskState.allCases)) {
        for record in (try? services.tasks.active()) ?? [] where runners[record.schedid] == nil && states.contains(record.state) {
            startRunner(record)
        }
    }

    private func startRunner(_ record: TaskStore.Record) {
        guard clockVerified else { return }
        let runner = TaskRunner(schedid: record.schedid, services: services, supervisor: self, redaction: Redaction(options: record.privateOptions))
        runners[record.schedid] = runner
        runnerTasks[record.schedid] = Task { await runner.run() }
    }

    func runnerEnded(_ schedid: String) {
        runners[schedid] = nil
        runnerTasks[schedid] = nil
        changeHandler?()
    }

    /// Ends every runner (daemon shutdown); runs keep going and are adopted at the next start.
    public func shutdown() async {
        for runner in runners.values { runner.interrupt() }
        for task in runnerTasks.values { task.cancel() }
        for task in runnerTasks.values { await task.value }
        runners = [:]
        runnerTasks = [:]
    }

    public var runnerCount: Int { runners.count }

    /// The wall clock may now be acted on.
    public func clockIsVerified() {
        clockVerified = true
    }

    // MARK: - Transitions

    /// Applies an event to a task in `expecting` state; false when it does not apply.
    @discardableResult
    public func transition(_ schedid: String, _ event: TaskLifecycle.Event, expecting: TaskState) -> Bool {
        guard let record = try? services.tasks.record(schedid), record.state == expecting else { return false }
        let now = NodeServices.now()
        let timers = TaskTimers(start: record.start, stop: record.stop, timing: services.config.timing)
        guard let step = TaskLifecycle.next(from: record.state, on: event, now: Int64(now), timers: timers, timing: services.config.timing, reason: record.stopReason) else {
            return false
        }
        let applied: TaskStore.Applied?
        do {
            applied = try services.tasks.apply(step, to: schedid, now: Int64(now), at: now, expecting: expecting, event: Self.name(event))
        } catch {
            services.metrics.stateWriteError()
            // Logged once per failing spell: the runners try again every second.
            if services.stateWrites.failed() {
                logger.error("task \(schedid): state database write failing: \(error)")
                changeHandler?()
            }
            return false
        }
        if services.stateWrites.succeeded() {
            logger.notice("state database writes succeed again")
            changeHandler?()
        }
        guard let applied else { return false }
        if step.state != record.state {
            logger.info("task \(schedid): \(record.state.rawValue) -> \(step.state.rawValue) (\(Self.name(event)))")
            moveHandler?(schedid, record.state, step.state)
        }
        // A status that repeats the last one is not queued again (a retried deploy reports
        // `delayed; …` once, scenario 22).
        if let status = step.status, applied.statusQueued {
            logger.info("task \(schedid): status queued: \(status)")
            reportHandler?(TaskStatus(status).isFinal)
        }
        runners[schedid]?.wakeup.signal()
        changeHandler?()
        return true
    }

    static func name(_ event: TaskLifecycle.Event) -> String {
        String(describing: event).split(separator: "(").first.map(String.init) ?? ""
    }

    func reportQueued(final: Bool) {
        reportHandler?(final)
    }

    // MARK: - Shared resources

    /// Takes the node for `schedid` (§5.10); true when it is this task's.
    func occupy(_ schedid: String) -> Bool { take(&node, for: schedid) }

    /// Frees the node after a task's cleanup; waiting tasks try again at once.
    func release(_ schedid: String) { free(&node, from: schedid) }

    /// The one pull slot (§6.3).
    func acquirePull(_ schedid: String) -> Bool { take(&pull, for: schedid) }
    func releasePull(_ schedid: String) { free(&pull, from: schedid) }

    private func take(_ holder: inout String?, for schedid: String) -> Bool {
        if holder == nil || holder == schedid {
            holder = schedid
            return true
        }
        return false
    }

    private func free(_ holder: inout String?, from schedid: String) {
        guard holder == schedid else { return }
        holder = nil
        for runner in runners.values { runner.wakeup.signal() }
    }

    /// During the idle phase marvind itself sends nothing (§7.4).
    func setIdle(_ value: Bool) {
        idle = value
        changeHandler?()
    }

    func recordStartDeviation(_ seconds: Double) { services.metrics.startDeviation(seconds) }
    func recordStopDeviation(_ seconds: Double) { services.metrics.stopDeviation(seconds) }

    // MARK: - Heartbeat answers (§4.3)

    /// Applies the tasks of a successful heartbeat; returns the ids of known tasks that the
    /// answer should have shown but did not (to be verified, §4.3 "Vanished tasks").
    public func heartbeatAnswered(_ tasks: [HeartbeatTask], limit: Int) -> [String] {
        let now = NodeServices.now()
        for task in tasks {
            if let record = try? services.tasks.record(task.id) {
                update(record, from: task)
            } else {
                learn(task, now: now)
            }
        }
        // A known task not yet running that the answer should have listed.
        let listed = Set(tasks.map(\.id))
        let latest = tasks.map(\.start).max() ?? .min
        return ((try? services.tasks.active()) ?? []).filter { record in
            !listed.contains(record.schedid) && [.received, .deploying, .delayed, .deployed].contains(record.state)
                && (tasks.count < limit || record.start <= latest)
        }.map(\.schedid)
    }

    private func learn(_ task: HeartbeatTask, now: Double) {
        guard let code = task.status.code, !code.isFinal else { return }
        do {
            try services.tasks.learn(task, now: Int64(now))
            if code == .started || code == .restarted {
                // The ctld says it runs, the node does not know it (§4.3).
                try services.tasks.apply(.init(.cleaning, status: StatusTexts.stateLost), to: task.id, now: Int64(now), at: now, event: "state lost")
                reportHandler?(true)
            } else if task.stop <= Int64(now) {
                try services.tasks.apply(.init(.cleaning, status: StatusTexts.deploymentTooLate), to: task.id, now: Int64(now), at: now, event: "too late")
                reportHandler?(true)
            }
            logger.info("task \(task.id): learned (experiment \(task.expID), \(task.start)–\(task.stop))")
        } catch {
            logger.error("task \(task.id): cannot record: \(error)")
            return
        }
        if let record = try? services.tasks.record(task.id) { startRunner(record) }
        changeHandler?()
    }

    private func update(_ record: TaskStore.Record, from task: HeartbeatTask) {
        let locallyFinal = record.finalStatus != nil || !record.state.isBeforeCleaning
        if locallyFinal { return }
        if task.status.isFinal {
            abort(record.schedid, because: task.status.text)
            return
        }
        var start = record.start
        var stop = record.stop
        // New times apply while the step they govern is still ahead.
        if task.start != record.start, [.received, .deploying, .delayed, .deployed].contains(record.state) { start = task.start }
        if task.stop != record.stop, record.state != .stopping { stop = task.stop }
        if start != record.start || stop != record.stop {
            do {
                try services.tasks.set(record.schedid, [.start: start, .stop: stop])
                logger.info("task \(record.schedid): times changed to \(start)–\(stop)")
                runners[record.schedid]?.wakeup.signal()
                changeHandler?()
            } catch {
                logger.error("task \(record.schedid): cannot record new times: \(error)")
            }
        }
    }

    /// Abort and cancel from the ctld (§5.6): nothing is reported; the run stops or the task
    /// goes straight to cleanup.
    public func abort(_ schedid: String, because status: String) {
        guard let record = try? services.tasks.record(schedid) else { return }
        logger.info("task \(schedid): \(status) on the ctld")
        if transition(schedid, .abort, expecting: record.state) {
            runners[schedid]?.interrupt()
        }
    }

    /// The backup stop unit asks (§8.5): a run still going at or after its stop time stops now,
    /// as its stop timer would have stopped it. The answer says what happened.
    public func emergencyStop(_ schedid: String) -> String {
        guard let record = try? services.tasks.record(schedid) else { return "task \(schedid) is not known" }
        guard record.state == .running else { return "task \(schedid) is \(record.state.rawValue); nothing to stop" }
        guard Int64(NodeServices.now()) >= record.stop else { return "task \(schedid) stops at \(record.stop); not yet" }
        logger.warning("task \(schedid): the backup stop unit found the run going after its stop time; stopping it")
        transition(schedid, .stop(.timer), expecting: .running)
        return "task \(schedid): stopping"
    }

    /// Records a definition fetched from the ctld for a task whose options had no `script`.
    public func definitionFetched(_ schedid: String, script: String) {
        do {
            try services.tasks.set(schedid, [.script: script])
            runners[schedid]?.wakeup.signal()
        } catch {
            logger.error("task \(schedid): cannot record its script: \(error)")
        }
    }

    /// Tasks waiting for their definition (§4.3).
    public var tasksWithoutScript: [(schedid: String, expID: Int64)] {
        ((try? services.tasks.active()) ?? []).filter { $0.state == .received && $0.script == nil }.map { ($0.schedid, $0.expID) }
    }
}

import Foundation
import GRDB
import Logging
import MarvinCore

/// One task's life on the node (node-runtime §5): a loop that reads the task's durable state
/// and performs the step that state calls for — deploy, wait, prepare and start, watch the
/// run, stop, clean up, report — until the task is `done`. Every state change goes through
/// the supervisor, which commits it before the runner acts on it, so a runner restarted after
/// kill -9 picks up exactly where the record says.
public final class TaskRunner: @unchecked Sendable {
    public let schedid: String
    let services: NodeServices
    unowned let supervisor: NodeSupervisor
    let wakeup = Wakeup()
    let log: PhaseLog
    private let lock = NSLock()
    private var operation: Task<Void, Never>?
    private var follower: Task<Void, Never>?
    private var exitWatch: Task<Void, Never>?
    private var observedExit: (exit: RunExit, at: Double)?
    private var containerLog: ContainerLog?
    private var lastStorageCheck: Double = 0
    /// The stop time the backup stop unit was made for by this runner (§8.5), and the making:
    /// systemd may take seconds, and the run's own stop timer must not wait for it.
    var backupStopArmed: Int64?
    var backupStopMaking: Task<Void, Never>?
    /// `delayed; currently running another experiment` was reported for the current wait.
    var waitingForNode = false
    /// When the run was stopped at its stop time without the state database recording it.
    var unsavedStopAt: Double?

    var config: NodeConfig { services.config }
    var logger: Logger { services.logger }

    init(schedid: String, services: NodeServices, supervisor: NodeSupervisor, redaction: Redaction) {
        self.schedid = schedid
        self.services = services
        self.supervisor = supervisor
        let results = services.results.path(schedid)
        log = PhaseLog(directory: services.results.isReady(schedid) ? results : services.earlyLogDirectory(schedid), redaction: redaction)
    }

    /// Wakes the runner and cancels the operation in progress (abort, cancel, shutdown).
    func interrupt() {
        let current = lock.withLock { operation }
        current?.cancel()
        wakeup.signal()
    }

    func run() async {
        while !Task.isCancelled {
            // An unsaved transition is tried again a second later, not in a tight loop.
            if services.stateWrites.failing { await wakeup.wait(until: nil, longest: 1) }
            guard let record = try? services.tasks.record(schedid) else {
                // The state database cannot be read: keep timers honest and try again.
                await wakeup.wait(until: nil, longest: 5)
                continue
            }
            let timers = TaskTimers(start: record.start, stop: record.stop, timing: config.timing)
            switch record.state {
            case .received: await receive(record)
            case .deploying, .delayed: await deploy(record, timers: timers)
            case .deployed: await awaitPreStart(record, timers: timers)
            case .preparing: await prepareAndStart(record, timers: timers)
            case .running: await watch(record, timers: timers)
            case .stopping: await stop(record)
            case .cleaning: await clean(record)
            case .syncing: await finish(record)
            case .done:
                await supervisor.runnerEnded(schedid)
                return
            }
        }
    }

    // MARK: - Helpers

    var now: Double { NodeServices.now() }

    /// Commits an event through the supervisor; false when it no longer applies.
    @discardableResult
    func transition(_ event: TaskLifecycle.Event, from state: TaskState) async -> Bool {
        await supervisor.transition(schedid, event, expecting: state)
    }

    /// Runs `body` as the current interruptible operation and waits for it, or for the task's
    /// state to leave `state`, or for `deadline`. Returns what the body produced, or nil.
    /// `deadlineApplies` may keep an operation going past its deadline (a deploy past its pull).
    func interruptible<T: Sendable>(while state: TaskState, deadline: Double? = nil, deadlineApplies: () -> Bool = { true },
                                    _ body: @escaping @Sendable () async -> T) async -> T? {
        let box = ResultBox<T>()
        let task = Task {
            box.set(await body())
            wakeup.signal()
        }
        lock.withLock { operation = task }
        defer { lock.withLock { operation = nil } }
        while true {
            if let value = box.value { return value }
            if (try? services.tasks.record(schedid))?.state != state || Task.isCancelled {
                task.cancel()
                return nil
            }
            if let deadline, now >= deadline, deadlineApplies() {
                task.cancel()
                return nil
            }
            await wakeup.wait(until: deadline.map { now < $0 ? $0 : now + 1 }, longest: 1)
        }
    }

    func hookContext(_ record: TaskStore.Record, phase: PhaseLog.Phase, extra: [String: String] = [:]) -> HookRunner.Context {
        let valid = try? services.options(record).get()
        var environment = [
            "MARVIN_SCHEDID": schedid,
            "MARVIN_EXPID": String(record.expID),
            "MARVIN_START": String(record.start),
            "MARVIN_STOP": String(record.stop),
            "MARVIN_CONFIG": services.configFile(schedid),
            "MARVIN_RESULTS_DIR": services.results.path(schedid),
            "MARVIN_TASK_DIR": services.taskDirectory(schedid),
            "MARVIN_CONTAINER": "monroe-\(schedid.lowercased())",
            "MARVIN_RUNTIME": services.runtime.kind,
            "MARVIN_IMAGE_ID": record.imageID ?? "",
            "MARVIN_OPTION_VM": valid?.vm == true ? "1" : "0",
            "MARVIN_OPTION_NEAT": valid?.neat == true ? "1" : "0",
            "MARVIN_OPTION_SSH": valid?.ssh == true ? "1" : "0",
            "MARVIN_OPTION_EDUROAM": valid?.eduroam == true ? "1" : "0",
            "MARVIN_TASK_RUNNING": "0",
        ]
        environment.merge(extra) { _, new in new }
        let input: JSONValue = [
            "phase": .string(""), "nodeid": .string(config.nodeID), "schedid": .string(schedid), "expid": .int(record.expID),
            "start": .int(record.start), "stop": .int(record.stop), "restart": .bool(valid?.restart ?? true),
            "options": .object(record.privateOptions), "interfaces": .array([]),
        ]
        let log = self.log
        return HookRunner.Context(environment: environment, input: input, redaction: Redaction(options: record.privateOptions), schedid: schedid) { line in
            log.write(phase, line)
        }
    }

    func runHooks(_ phase: HookPhase, _ record: TaskStore.Record, log logPhase: PhaseLog.Phase, extra: [String: String] = [:]) async -> HookRunner.Outcome {
        var context = hookContext(record, phase: logPhase, extra: extra)
        if case .object(var input) = context.input {
            input["phase"] = .string(phase.rawValue)
            context.input = .object(input)
        }
        if [.preStart, .idle, .postStart].contains(phase) { context.environment["MARVIN_TASK_RUNNING"] = "1" }
        return await services.hooks.run(phase, context: context)
    }

    func set(_ values: [TaskStore.Field: (any DatabaseValueConvertible)?]) {
        do {
            try services.tasks.set(schedid, values)
        } catch {
            logger.error("task \(schedid): cannot record step data: \(error)")
        }
    }

    // MARK: - Following a run

    /// Starts the exit watch and the log follower of a run, once per runner (§8.1, §8.3).
    func startFollowing(_ runID: String, record: TaskStore.Record) {
        lock.lock()
        defer { lock.unlock() }
        if exitWatch == nil {
            exitWatch = Task { [self] in
                let exit = await services.runtime.waitForExit(runID)
                guard !Task.isCancelled else { return }
                let at = now
                lock.withLock { observedExit = (exit, at) }
                wakeup.signal()
            }
        }
        if follower == nil, services.results.isReady(schedid) {
            let tasks = services.tasks
            let schedid = self.schedid
            let log = ContainerLog(path: "\(services.results.path(schedid))/container.log", position: record.logPosition) { position in
                try? tasks.set(schedid, [.logPosition: position])
            }
            containerLog = log
            follower = Task { [services] in await services.runtime.followOutput(runID, into: log) }
        }
    }

    func exitObserved() -> (exit: RunExit, at: Double)? {
        lock.lock()
        defer { lock.unlock() }
        return observedExit
    }

    /// Waits (briefly) for the follower to copy the last lines of a run that has ended.
    func stopFollowing() async {
        let (current, watch) = lock.withLock { (follower, exitWatch) }
        if let current {
            let deadline = Task {
                try? await Task.sleep(nanoseconds: 5_000_000_000)
                current.cancel()
            }
            await current.value
            deadline.cancel()
        }
        watch?.cancel()
        lock.withLock {
            follower = nil
            exitWatch = nil
            observedExit = nil
        }
    }

    var followerDropped: Int {
        lock.lock()
        defer { lock.unlock() }
        return containerLog?.linesDropped ?? 0
    }

    /// The directory-mode storage check runs every 10 s (§8.4).
    func shouldCheckStorage() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard now - lastStorageCheck >= 10 else { return false }
        lastStorageCheck = now
        return true
    }

    // MARK: - received

    func receive(_ record: TaskStore.Record) async {
        guard let script = record.script else {
            // The definition is fetched after the next successful heartbeat (§4.3).
            await wakeup.wait(until: nil, longest: 5)
            return
        }
        let invalid: String?
        if script.contains("|") {
            invalid = StatusTexts.invalidOption("script")
        } else {
            switch services.options(record, script: script) {
            case .success: invalid = nil
            case .failure(let refusal): invalid = refusal.statusText
            }
        }
        if let invalid {
            log.write(.deploy, invalid)
            logger.warning("task \(schedid): \(invalid)")
        } else {
            for key in DeploymentOptions.ineffective where record.privateOptions[key] != nil {
                log.write(.deploy, "option \(key) has no effect on this node")
            }
        }
        await transition(.definitionReady(invalid: invalid), from: .received)
    }
}

/// A value handed from an operation to the runner that waits for it.
final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T?

    func set(_ value: T) {
        lock.lock()
        stored = value
        lock.unlock()
    }

    var value: T? {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}

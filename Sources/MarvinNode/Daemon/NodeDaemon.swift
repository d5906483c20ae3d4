import Foundation
import Logging
import MarvinCore

/// `marvind run` (node-runtime §4.1): configuration, instance lock, state, recovery, the
/// recovery heartbeat, readiness, then the heartbeat loop until SIGTERM. Runs of containers
/// and processes outlive the daemon and are adopted by the next one.
public final class NodeDaemon: @unchecked Sendable {
    /// §1.5 exit codes.
    public enum Exit: Int32, Error {
        case clean = 0
        case fatal = 1
        case invalidConfiguration = 78
    }

    let config: NodeConfig
    let configPath: String
    let services: NodeServices
    let supervisor: NodeSupervisor
    let client: ControllerClient
    let courier: OutboxCourier
    let notifier = SystemdNotifier()
    let events: NodeEvents
    let lock: InstanceLock
    var logger: Logger { services.logger }
    private let viewLock = NSLock()
    private var clockRecovery: Task<Void, Never>?
    private var lastStatusLine = ""
    private var view = NodeStatusView.Daemon()
    /// Rejected heartbeat entries already logged: the ctld repeats them in every answer, the
    /// journal says it once (scenario 44).
    private var loggedRejections: Set<String> = []

    /// Reads everything the daemon needs; prints the problem and returns the exit code when
    /// it cannot run.
    public static func start(configPath: String) -> Result<NodeDaemon, Exit> {
        func fail(_ message: String, _ exit: Exit) -> Result<NodeDaemon, Exit> {
            FileHandle.standardError.write(Data("\(message)\n".utf8))
            return .failure(exit)
        }
        let file: NodeConfigFile
        do {
            file = try NodeConfigFile(path: configPath)
        } catch {
            return fail("\(configPath): cannot read the configuration file", .invalidConfiguration)
        }
        let reading = file.read()
        for problem in reading.problems { FileHandle.standardError.write(Data("\(problem.rendered(file: configPath))\n".utf8)) }
        guard reading.isValid else { return fail("invalid configuration; marvind does not start", .invalidConfiguration) }
        let config = reading.config
        let lock: InstanceLock
        do {
            lock = try InstanceLock(runtimeDirectory: config.directories.runtime)
        } catch {
            return fail("\(error)", .fatal)
        }
        var logger = Logger(label: "marvind") { _ in JournalLogHandler(level: JournalLogHandler.level(config.log.level), file: config.log.file) }
        logger.logLevel = JournalLogHandler.level(config.log.level)
        let store: NodeStateStore
        let client: ControllerClient
        do {
            store = try NodeStateStore(path: config.directories.stateDatabase)
            client = try ControllerClient(config: config)
        } catch {
            return fail("\(error)", .fatal)
        }
        let runtime = RuntimeChoice.blocking(config: config, logger: logger)
        let services = NodeServices(config: config, configPath: configPath, store: store, runtime: runtime, logger: logger)
        return .success(NodeDaemon(config: config, configPath: configPath, services: services, client: client, lock: lock))
    }

    init(config: NodeConfig, configPath: String, services: NodeServices, client: ControllerClient, lock: InstanceLock) {
        self.config = config
        self.configPath = configPath
        self.services = services
        self.client = client
        self.lock = lock
        supervisor = NodeSupervisor(services: services)
        events = NodeEvents(sysevent: config.metadata.sysevent, logger: services.logger)
        courier = OutboxCourier(outbox: services.outbox, client: client, logger: services.logger, metrics: services.metrics)
    }

    /// Runs until SIGTERM or SIGINT; the exit code.
    public func run() async -> Int32 {
        logger.info("marvind \(MarvinNodeVersion.version) starting for node \(config.nodeID) with the \(services.runtime.kind) runtime")
        let signals = SignalWatch([SIGTERM, SIGINT, SIGHUP])
        let courier = self.courier
        let supervisor = self.supervisor
        await courier.suspend { await supervisor.idle }
        await supervisor.observe(
            reports: { final in Task { await courier.queued(final: final) } },
            changes: { [weak self] in self?.publish() })
        await supervisor.observe(moves: { [events] schedid, from, to in
            if let event = NodeEvents.event(from: from, to: to) { events.emit(event, id: schedid) }
        })
        // Recovery and every start or stop decision wait for a wall clock that can be trusted;
        // heartbeats and readiness do not (§4.1 step 3, §5.9).
        let recovery = Task {
            await verifyClock()
            await supervisor.recover()
            await supervisor.startStoppingRunners()
        }
        _ = await services.hooks.run(.boot, context: services.nodeHookContext(.boot))

        clockRecovery = recovery
        let observability = await startObservability()
        let control = await startControlSocket()
        let loop = Task { await heartbeatLoop() }
        let liveness = Task { await livenessLoop() }
        let network = Task { await networkLoop() }
        let metadata = Task { await metadataLoop() }
        let signal = await signals.next { [logger] in logger.info("SIGHUP: the log file is reopened at every write") }
        logger.info("signal \(signal): shutting down; runs keep going and are adopted at the next start")
        notifier.stopping()
        loop.cancel()
        liveness.cancel()
        network.cancel()
        metadata.cancel()
        // Its last status write comes before the final one below.
        await metadata.value
        await supervisor.shutdown()
        _ = await loop.value
        await observability?.close()
        await control?.close()
        try? await client.shutdown()
        await services.runtime.shutdown()
        publish(running: false)
        return Exit.clean.rawValue
    }

    // MARK: - Heartbeats

    func heartbeatLoop() async {
        let schedule = HeartbeatSchedule(period: config.heartbeat.period, jitter: config.heartbeat.jitter, backoffMax: config.heartbeat.backoffMax)
        var generator = SystemRandomNumberGenerator()
        // The recovery heartbeat (§4.1 step 6): aborts and cancels learned while the node was
        // down are known before anything starts; it delays start decisions by at most 10 s.
        try? await Task.sleep(nanoseconds: UInt64(Double.random(in: 0...min(5, Double(config.heartbeat.period))) * 1e9))
        // Intervals run from one send to the next (§4.6), whatever the work after each answer took.
        var sent = ContinuousClock.now
        let recovery = Task { await heartbeat(timeout: 10) }
        await Self.wait(for: recovery, atMost: 10)
        // Ready once recovery is done; a clock still being verified does not hold readiness
        // (it may take `timing.clock_wait`, longer than systemd waits for a start).
        if let clockRecovery { await Self.wait(for: clockRecovery, atMost: 5) }
        notifier.ready(status: statusLine())
        await clockRecovery?.value
        events.emit("Scheduling.Started")
        await supervisor.startRunners()
        await identityCheck()
        var outcome = await recovery.value
        while !Task.isCancelled {
            let failures = viewRead { $0.consecutiveFailures }
            var delay = schedule.delay(consecutiveFailures: failures, retryAfter: outcome.retryAfter, using: &generator)
            if failures == 0 { delay = max(1, delay) }
            let due = sent + .seconds(delay)
            let remaining = max(.zero, due - .now)
            viewUpdate { $0.nextHeartbeat = NodeServices.now() + remaining.inSeconds }
            publish()
            do {
                try await Task.sleep(until: due, clock: .continuous)
            } catch {
                return
            }
            // The idle period sends nothing (§7.4).
            while await supervisor.idle, !Task.isCancelled { try? await Task.sleep(nanoseconds: 200_000_000) }
            sent = .now
            outcome = await heartbeat(timeout: nil)
        }
    }

    struct Attempt: Sendable {
        var ok: Bool
        var retryAfter: Int64?
    }

    /// One heartbeat and what follows it: tasks, vanished tasks, definitions, the outbox.
    func heartbeat(timeout: Int64?) async -> Attempt {
        let known = ((try? services.tasks.active()) ?? []).map(\.schedid)
        let request = HeartbeatRequest(limit: config.heartbeat.prefetch, maintenance: services.maintenanceFlag, knownTasks: known, interfaces: [])
        let outcome = await client.heartbeat(request, prefetch: Int(config.heartbeat.prefetch), timeout: timeout.map { .seconds($0) })
        switch outcome {
        case .answered(let tasks, let rejected, _):
            services.metrics.heartbeat(ok: true)
            let failures = viewRead { $0.consecutiveFailures }
            if failures > 0 { logger.info("heartbeat: ctld reachable again after \(failures) failures") }
            viewUpdate {
                $0.reachable = true
                $0.consecutiveFailures = 0
                $0.lastSuccess = NodeServices.now()
                $0.certificateRejected = false
            }
            for problem in rejected where viewLock.withLock({ loggedRejections.insert(problem).inserted }) {
                logger.warning("heartbeat: \(problem)")
            }
            let vanished = await supervisor.heartbeatAnswered(tasks, limit: Int(config.heartbeat.prefetch))
            for schedid in vanished where await client.checkSchedule(schedid) == .gone {
                await supervisor.abort(schedid, because: "gone")
            }
            for (schedid, expID) in await supervisor.tasksWithoutScript {
                if let script = await client.script(experiment: expID, schedule: schedid) { await supervisor.definitionFetched(schedid, script: script) }
            }
            await courier.setOnline(true)
            await courier.flush()
            publish()
            return Attempt(ok: true, retryAfter: nil)
        case .failed(let kind, let retryAfter):
            services.metrics.heartbeat(ok: false)
            let failures = viewRead { $0.consecutiveFailures } + 1
            viewUpdate {
                $0.reachable = false
                $0.consecutiveFailures = failures
                if kind == .certificateRejected { $0.certificateRejected = true }
            }
            await courier.setOnline(false)
            if failures == 1 || failures % 10 == 0 {
                let text: String = switch kind {
                case .unparsable: "unparsable response"
                case .certificateRejected: "node certificate rejected by ctld"
                case .unavailable: "ctld unavailable"
                case .serverUnverified: "the ctld certificate could not be verified against ssl.ca"
                case .protocolError(let status): "HTTP \(status)"
                }
                logger.warning("heartbeat failed (\(failures) in a row): \(text)")
            }
            publish()
            return Attempt(ok: false, retryAfter: retryAfter)
        }
    }

    /// §4.1 step 8: diagnostic only, marvind never exits over it.
    func identityCheck() async {
        switch await client.identity() {
        case .identified(let name): logger.info("ctld knows this node as \(name)")
        case .rejected:
            logger.error("node certificate rejected by ctld")
            viewUpdate { $0.certificateRejected = true }
        case .unreachable: logger.info("ctld not reachable for the identity check")
        }
    }

    /// Phase `network` every `network.refresh_period` seconds (§11.2), never during the idle period.
    func networkLoop() async {
        while !Task.isCancelled {
            try? await Task.sleep(nanoseconds: UInt64(config.network.refreshPeriod) * 1_000_000_000)
            if Task.isCancelled { return }
            if await !supervisor.idle { _ = await services.hooks.run(.network, context: services.nodeHookContext(.network)) }
        }
    }

    // MARK: - Clock, liveness, status

    /// Waits until the clock is plausible, or `timing.clock_wait` has passed (§5.9).
    func verifyClock() async {
        let clock = ClockCheck(facts: services.facts)
        if !clock.isPlausible() {
            let last = clock.lastPlausible.map { PhaseLog.timestamp(Date(timeIntervalSince1970: $0)) } ?? "-"
            logger.warning("wall clock implausible (earlier than the last plausible time \(last)); waiting up to \(config.timing.clockWait) s")
            viewUpdate { $0.clockPlausible = false }
            publish()
            let deadline = NodeServices.monotonic() + Double(config.timing.clockWait)
            while !clock.isPlausible() && NodeServices.monotonic() < deadline && !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 1_000_000_000)
            }
            if clock.isPlausible() {
                logger.info("wall clock plausible again")
                viewUpdate { $0.clockPlausible = true }
            } else {
                logger.warning("wall clock not verified; going on")
            }
        }
        await supervisor.clockIsVerified()
        publish()
    }

    /// The state owner answers every second; the systemd watchdog is fed only while it does (§14.3).
    func livenessLoop() async {
        var lastWatchdog = 0.0
        // Every 20 s under WatchdogSec=60; a third of a shorter watchdog.
        let interval = min(20, (notifier.watchdogInterval ?? 60) / 3)
        var lastClockRecord = 0.0
        let clock = ClockCheck(facts: services.facts)
        while !Task.isCancelled {
            // A hung state owner stops this loop, and with it the watchdog.
            _ = await supervisor.runnerCount
            let now = NodeServices.monotonic()
            if now - lastClockRecord >= 60, await supervisor.clockVerified, clock.isPlausible() {
                lastClockRecord = now
                clock.record()
            }
            if now - lastWatchdog >= interval {
                lastWatchdog = now
                notifier.watchdog()
            }
            publish()
            try? await Task.sleep(nanoseconds: 1_000_000_000)
        }
    }

    /// `observability.listen`: `/status` and `/metrics` (§15.3); a busy port is logged, not fatal.
    func startObservability() async -> LocalHTTPServer? {
        guard !config.observability.listen.isEmpty else { return nil }
        do {
            let server = try await LocalHTTPServer(listen: config.observability.listen) { [weak self] method, path in
                guard let self else { return (.serviceUnavailable, "text/plain", "shutting down\n") }
                guard method == .GET else { return (.methodNotAllowed, "text/plain", "method not allowed\n") }
                switch path {
                case "/status": return (.ok, "application/json", JSONWriter.write(self.statusJSON()) + "\n")
                case "/metrics":
                    let view = self.viewRead { $0 }
                    let text = self.services.metrics.exposition(
                        tasks: self.services.tasks, outbox: self.services.outbox, lastHeartbeat: view.lastSuccess, clockPlausible: view.clockPlausible,
                        disks: [("results", ResultsStorage.freeBytes(self.config.directories.status))])
                    return (.ok, "text/plain; version=0.0.4", text)
                default: return (.notFound, "text/plain", "not found\n")
                }
            }
            logger.info("observability endpoint on \(config.observability.listen)")
            return server
        } catch {
            logger.error("observability endpoint \(config.observability.listen) not available: \(error)")
            return nil
        }
    }

    /// `observability.control_socket`: `POST /tasks/<schedid>/emergency-stop` from the backup
    /// stop unit (§8.5). Without it the backup stop still works, after its 5 s wait.
    func startControlSocket() async -> LocalHTTPServer? {
        let path = config.observability.controlSocket
        do {
            let server = try await LocalHTTPServer(unixSocket: path) { [weak self] method, path in
                guard let self else { return (.serviceUnavailable, "text/plain", "shutting down\n") }
                let parts = path.split(separator: "/")
                guard parts.count == 3, parts[0] == "tasks", parts[2] == "emergency-stop" else { return (.notFound, "text/plain", "not found\n") }
                guard method == .POST else { return (.methodNotAllowed, "text/plain", "method not allowed\n") }
                return (.ok, "text/plain", await self.supervisor.emergencyStop(String(parts[1])) + "\n")
            }
            logger.info("control socket on \(path)")
            return server
        } catch {
            logger.error("control socket \(path) not available: \(error)")
            return nil
        }
    }

    func viewUpdate(_ change: (inout NodeStatusView.Daemon) -> Void) {
        viewLock.lock()
        change(&view)
        viewLock.unlock()
    }

    func viewRead<T>(_ read: (NodeStatusView.Daemon) -> T) -> T {
        viewLock.lock()
        defer { viewLock.unlock() }
        return read(view)
    }

    /// The status line for systemd.
    func statusLine() -> String {
        let (reachable, clockPlausible) = viewRead { ($0.reachable, $0.clockPlausible) }
        return (services.stateWrites.failing ? "state database write failing; " : "") + describe(reachable: reachable)
            + (clockPlausible ? "" : "; wall clock not verified")
    }

    private func describe(reachable: Bool) -> String {
        let active = (try? services.tasks.active()) ?? []
        let ctld = reachable ? "ctld reachable" : "ctld unreachable"
        if let running = active.first(where: { $0.state == .running }) {
            return "running \(running.schedid) until \(PhaseLog.timestamp(Date(timeIntervalSince1970: Double(running.stop)))); \(ctld)"
        }
        if let next = active.first(where: { [.deployed, .deploying, .delayed, .received].contains($0.state) }) {
            return "idle; next task \(next.schedid) at \(PhaseLog.timestamp(Date(timeIntervalSince1970: Double(next.start)))); \(ctld)"
        }
        return "idle; \(ctld)"
    }

    /// The view of `marvind status` as the running daemon sees it.
    func statusJSON(running: Bool = true) -> JSONValue {
        var daemon = viewRead { $0 }
        daemon.busy = active(in: [.preparing, .running, .stopping, .cleaning])
        daemon.stateWriteFailing = services.stateWrites.failing
        return NodeStatusView.build(config: config, configPath: configPath, tasks: services.tasks, outbox: services.outbox,
                                    maintenance: services.maintenanceFlag, development: services.developmentFlag, daemon: running ? daemon : nil)
    }

    /// Writes `<runtime>/status.json` and the systemd status line.
    func publish(running: Bool = true) {
        let json = statusJSON(running: running)
        try? AtomicFile.write(Data((JSONWriter.write(json) + "\n").utf8), to: "\(config.directories.runtime)/status.json", mode: 0o600)
        // systemd hears of the status line only when it changes.
        let line = statusLine()
        if running && viewLock.withLock({ () -> Bool in
            defer { lastStatusLine = line }
            return lastStatusLine != line
        }) {
            notifier.status(line)
        }
    }

    private func active(in states: Set<TaskState>) -> String? {
        ((try? services.tasks.active()) ?? []).first { states.contains($0.state) }?.schedid
    }

    /// Returns when `task` has finished or after `seconds`, whichever comes first; the task
    /// goes on either way.
    static func wait<Success: Sendable>(for task: Task<Success, Never>, atMost seconds: Double) async {
        let finished = ResultBox<Bool>()
        Task {
            _ = await task.value
            finished.set(true)
        }
        let deadline = NodeServices.monotonic() + seconds
        while finished.value == nil && NodeServices.monotonic() < deadline {
            try? await Task.sleep(nanoseconds: 100_000_000)
        }
    }
}

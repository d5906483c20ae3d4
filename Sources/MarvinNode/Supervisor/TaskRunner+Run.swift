import Foundation
import MarvinCore

/// Prepare and start (§7.1), watch the run (§8), stop (§9), clean up (§9.6) and finish.
extension TaskRunner {
    /// Still in `state`? A runner whose task was aborted meanwhile returns to its loop.
    func still(_ state: TaskState) -> Bool {
        (try? services.tasks.record(schedid))?.state == state
    }

    /// Waits until `instant` unless the task leaves `state`; true when the instant came.
    func wait(until instant: Double, in state: TaskState) async -> Bool {
        while now < instant {
            guard still(state), !Task.isCancelled else { return false }
            await wakeup.wait(until: instant)
        }
        return still(state)
    }

    func startFailed(_ code: Int, _ message: String) async {
        log.write(.start, "start failed (code \(code)): \(message)")
        logger.warning("task \(schedid): start failed, code \(code): \(message)")
        await transition(.startFailed(code: code), from: .preparing)
    }

    // MARK: - preparing

    func prepareAndStart(_ record: TaskStore.Record, timers: TaskTimers) async {
        // No run starts while a transition cannot be saved (scenario 128).
        if services.stateWrites.failing { return }
        // One experiment at a time (§5.10): a task that waited for the node and can no longer
        // run long enough fails without taking it.
        if waitingForNode && !timers.allowsStart(at: Int64(now)) {
            await transition(.nodeOccupied, from: .preparing)
            return
        }
        guard await supervisor.occupy(schedid) else {
            // Reported once; then only the deadline above can change anything.
            if !waitingForNode {
                waitingForNode = true
                await transition(.nodeOccupied, from: .preparing)
            }
            await wakeup.wait(until: nil, longest: 1)
            return
        }
        waitingForNode = false
        let restart = record.restartPending
        let late = restart || now >= Double(timers.preStart) + 2
        if services.maintenanceFlag {
            await transition(.preStartTimer(maintenance: true, late: late), from: .preparing)
            return
        }
        guard let imageID = record.imageID, let script = record.script,
              case .success(let options) = services.options(record, script: script) else {
            await startFailed(12, "the task has no deployed image")
            return
        }
        let task = RunTask(schedid: schedid, expID: record.expID, script: script, stop: record.stop, imageID: imageID)
        guard await services.runtime.hasImage(imageID, for: task) else {
            await startFailed(12, "image \(imageID) is gone")
            return
        }
        if let problem = networkProblem() {
            await startFailed(11, problem)
            return
        }
        if !services.results.isReady(schedid) {
            // After a reboot the results filesystem is mounted again before anything writes (§9.7).
            guard await services.results.remount(schedid) else {
                guard record.restartPending else {
                    await startFailed(12, "results filesystem missing")
                    return
                }
                // The disk stays for the operator (`marvind results list`); the run is not restarted.
                log.write(.start, "the results filesystem \(services.results.diskPath(schedid)) cannot be repaired or mounted")
                logger.error("task \(schedid): results filesystem could not be mounted after restart; its disk is kept")
                await transition(.resultsUnmountable, from: .preparing)
                return
            }
        }
        var spec: RunSpec
        do {
            spec = try writeRunFiles(record, task: task, imageID: imageID, ssh: options.ssh)
        } catch {
            await startFailed(125, "cannot write the per-run files: \(error)")
            return
        }
        log.write(.start, "checks passed: image \(imageID) present, network \(config.network.required ? "ready" : "not required")")
        guard var runID = await createRun(spec) else { return }
        let counter = record.startCounter + 1
        let guid = MonroeConfigFile.guid(imageID: imageID, schedid: schedid, nodeID: config.nodeID, startCounter: counter)
        let owner = await services.runtime.runUser(runID, log: log)
        do {
            try MonroeConfigFile.write(
                .init(options: record.privateOptions, script: script, start: record.start, stop: record.stop, nodeID: config.nodeID, guid: guid, interfaces: []),
                to: services.configFile(schedid), owner: owner)
        } catch {
            await startFailed(125, "cannot write \(services.configFile(schedid))")
            return
        }
        set([.guid: guid])
        log.write(.start, "run \(counter) created (\(services.runtime.kind)); guid \(guid)")
        let runEnvironment = ["MARVIN_GUID": guid, "MARVIN_START_COUNTER": String(counter), "MARVIN_RESTART": restart ? "1" : "0"]

        // The network context is refreshed right before the pre-start hooks (§11.2).
        _ = await services.hooks.run(.network, context: services.nodeHookContext(.network))
        let preStart = await interruptible(while: .preparing) { [self] in
            await runHooks(.preStart, record, log: .start, extra: runEnvironment)
        }
        guard let preStart else { return }
        if preStart.code != 0 {
            await startFailed(Int(preStart.code), "pre-start hook exited with code \(preStart.code)")
            return
        }
        // The container exists before the hooks run (§7.1), and a container's devices are fixed
        // when it is created: hooks that ask for devices (§11.4) get it created again with them.
        if !preStart.devices.isEmpty {
            spec.devices = preStart.devices
            log.write(.start, "devices from pre-start hooks: \(preStart.devices.joined(separator: " ")); the run is created again with them")
            guard let again = await createRun(spec) else { return }
            runID = again
        }
        if !restart && config.timing.idlePeriod > 0 {
            guard await wait(until: Double(timers.idle), in: .preparing) else { return }
            await supervisor.setIdle(true)
            let idle = await interruptible(while: .preparing) { [self] in
                await runHooks(.idle, record, log: .start, extra: runEnvironment.merging(["MARVIN_IDLE_SECONDS": String(config.timing.idlePeriod)]) { $1 })
            }
            await supervisor.setIdle(false)
            guard let idle else { return }
            if idle.code != 0 {
                await startFailed(Int(idle.code), "idle hook exited with code \(idle.code)")
                return
            }
        }
        guard await wait(until: Double(record.start), in: .preparing) else { return }
        if let problem = networkProblem() {
            await startFailed(11, problem)
            return
        }
        let startedID: String
        do {
            startedID = try await services.runtime.start(runID, spec: spec)
        } catch {
            await startFailed(error.code, error.message)
            return
        }
        let startedAt = now
        set([.runID: startedID, .startCounter: counter, .startedAt: startedAt, .startedMonotonic: NodeServices.monotonic(),
             .startedBoot: NodeServices.bootID(), .restartPending: false, .exitCode: nil, .exitedAt: nil, .stopSignalAt: nil])
        let deviation = Int(((startedAt - Double(record.start)) * 1000).rounded())
        log.write(.start, "started at \(PhaseLog.timestamp(Date(timeIntervalSince1970: startedAt))), \(deviation) ms from the scheduled start")
        logger.info("task \(schedid): run \(counter) started, deviation \(deviation) ms")
        await supervisor.recordStartDeviation(startedAt - Double(record.start))
        await transition(.runStarted(restart: restart), from: .preparing)
        Task { [self] in _ = await runHooks(.postStart, record, log: .start, extra: runEnvironment) }
    }

    /// Creates the run (not started) and records its id; nil after reporting the failure.
    func createRun(_ spec: RunSpec) async -> String? {
        do {
            let runID = try await services.runtime.create(spec)
            set([.runID: runID])
            return runID
        } catch {
            await startFailed(error.code, error.message)
            return nil
        }
    }

    /// Start code 11 (§7.2): the experiment netns is missing while the node requires it.
    func networkProblem() -> String? {
        guard config.network.required else { return nil }
        let path = "/var/run/netns/\(config.network.namespace)"
        return FileManager.default.fileExists(atPath: path) ? nil : "\(path) does not exist"
    }

    /// The per-run files (§7.5): the task directory, a copy of resolv.conf and the node id file.
    func writeRunFiles(_ record: TaskStore.Record, task: RunTask, imageID: String, ssh: Bool) throws -> RunSpec {
        let taskDirectory = services.taskDirectory(schedid)
        try FileManager.default.createDirectory(atPath: taskDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var resolv: String?
        if let data = FileManager.default.contents(atPath: config.network.resolvConf) {
            resolv = "\(taskDirectory)/resolv.conf"
            try AtomicFile.write(data, to: resolv!, mode: 0o644)
        }
        try AtomicFile.write(Data("\(config.nodeID)\n".utf8), to: services.nodeIDFile, mode: 0o644)
        return RunSpec(
            task: task, imageID: imageID, startCounter: record.startCounter + 1, resultsDirectory: services.results.path(schedid),
            configFile: services.configFile(schedid), nodeIDFile: services.nodeIDFile, taskDirectory: taskDirectory, resolvConf: resolv,
            dnsFile: FileManager.default.fileExists(atPath: config.network.dnsFile) ? config.network.dnsFile : nil,
            tstatDirectory: FileManager.default.fileExists(atPath: config.tstatDirectory) ? config.tstatDirectory : nil,
            devices: [], ssh: ssh)
    }

    // MARK: - running

    func watch(_ record: TaskStore.Record, timers: TaskTimers) async {
        guard let runID = record.runID else {
            await transition(.stop(.timer), from: .running)
            return
        }
        startFollowing(runID, record: record)
        // Made at the start, again after an adoption, and anew when the stop time moved.
        if backupStopArmed != record.stop {
            backupStopArmed = record.stop
            let previous = backupStopMaking
            backupStopMaking = Task { [services, schedid] in
                await previous?.value
                await services.backupStop.arm(schedid, stop: record.stop)
            }
        }
        if let exit = exitObserved() {
            if exit.exit.lost && exit.at < Double(record.stop) {
                // As after a reboot: started again (`restarted`) while the stop is ahead and `restart` allows it.
                await stopFollowing()
                await supervisor.runLost(record, while: "the container engine restarted")
                return
            }
            // Before the stop instant the run ended by itself; at or after it, the stop had been decided (§9.3).
            set([.exitCode: exit.exit.code.map { Int($0) }, .exitedAt: exit.at])
            await transition(.stop(exit.at < Double(record.stop) ? .exited : .timer), from: .running)
            return
        }
        if now >= Double(record.stop) {
            if await !transition(.stop(.timer), from: .running), services.stateWrites.failing { await stopUnsaved(runID, record) }
            return
        }
        // The monotonic watchdog bounds the run whatever the wall clock says (§8.5).
        if let monotonicStart = record.startedMonotonic, let startedAt = record.startedAt, record.startedBoot == NodeServices.bootID(),
           NodeServices.monotonic() >= monotonicStart + (Double(record.stop) - startedAt) + Double(config.timing.stopGracePeriod) + 5 {
            logger.warning("task \(schedid): monotonic watchdog fired")
            await transition(.stop(.timer), from: .running)
            return
        }
        if config.results.mode == "directory", shouldCheckStorage(),
           case .success(let options) = services.options(record),
           services.results.usedBytes(schedid) > options.storage {
            log.write(.start, "results exceed the storage of \(options.storage) bytes; stopping")
            await transition(.stop(.storage), from: .running)
            return
        }
        await wakeup.wait(until: Double(record.stop))
    }

    /// The stop time has come but the state database cannot record `stopping`: the run is
    /// stopped anyway, once; the transition follows when writes succeed again (scenario 128).
    func stopUnsaved(_ runID: String, _ record: TaskStore.Record) async {
        guard unsavedStopAt == nil else { return }
        unsavedStopAt = now
        logger.warning("task \(schedid): stopping at the stop time although the state database cannot record it")
        await supervisor.recordStopDeviation(now - Double(record.stop))
        await services.runtime.stop(runID, grace: config.timing.stopGracePeriod)
    }

    // MARK: - stopping

    func stop(_ record: TaskStore.Record) async {
        let reason = record.stopReason ?? .timer
        var exitCode = record.exitCode.map(Int32.init)
        if let runID = record.runID {
            if record.stopSignalAt == nil, reason != .exited {
                let signalled = unsavedStopAt ?? now
                set([.stopSignalAt: signalled])
                if reason == .timer && unsavedStopAt == nil { await supervisor.recordStopDeviation(signalled - Double(record.stop)) }
                logger.info("task \(schedid): stopping (\(reason.name)), \(Int(((signalled - Double(record.stop)) * 1000).rounded())) ms from the stop time")
            }
            await services.runtime.stop(runID, grace: config.timing.stopGracePeriod)
            let code = await services.runtime.waitForExit(runID).code
            if exitCode == nil { exitCode = code }
            await stopFollowing()
        }
        let status = StatusTexts.final(reason: reason, exitCode: exitCode.map(Int.init))
        writeContainerStat(record, status: status, reason: reason, exitCode: exitCode)
        try? services.outbox.traffic(trafficReport(record, final: false), for: schedid, now: Int64(now))
        await transition(.runGone(exitCode: exitCode.map(Int.init)), from: .stopping)
    }

    func trafficReport(_ record: TaskStore.Record, final: Bool) -> JSONValue {
        var report: [String: JSONValue] = ["deployment": .int(record.deploymentBytes), "results": .int(record.resultsBytes), "interfaces": [:]]
        if final { report["final"] = true }
        return .object(report)
    }

    /// `<results>/container.stat` (§9.4).
    func writeContainerStat(_ record: TaskStore.Record, status: String?, reason: StopReason, exitCode: Int32?) {
        let stat: JSONValue = [
            "deployment": .int(record.deploymentBytes), "results": .int(record.resultsBytes), "interfaces": [:],
            "status": JSONValue(status), "stop_reason": .string(reason.name),
            "exit_code": exitCode.map { .int(Int64($0)) } ?? .null, "oom_killed": false,
            "results_full": .bool(services.results.isFull(schedid)), "log_lines_dropped": .int(Int64(followerDropped)),
            "started_at": record.startedAt.map { .double($0) } ?? .null, "ended_at": .double(record.exitedAt ?? now),
            "start_counter": .int(Int64(record.startCounter)), "guid": JSONValue(record.guid),
        ]
        guard services.results.isReady(schedid) else { return }
        try? AtomicFile.write(Data((JSONWriter.write(stat, pretty: false) + "\n").utf8), to: "\(services.results.path(schedid))/container.stat", mode: 0o644)
    }

    // MARK: - cleaning

    func clean(_ record: TaskStore.Record) async {
        ensureLogsDirectory()
        log.write(.cleanup, "cleanup started")
        _ = await runHooks(.postStop, record, log: .cleanup, extra: [
            "MARVIN_STATUS": record.finalStatus ?? "", "MARVIN_STOP_REASON": record.stopReason?.name ?? "",
            "MARVIN_EXIT_CODE": record.exitCode.map(String.init) ?? "", "MARVIN_GUID": record.guid ?? "",
            "MARVIN_START_COUNTER": String(record.startCounter), "MARVIN_RESTART": "0",
        ])
        writeKernelMessages(record)
        if let script = record.script {
            let task = RunTask(schedid: schedid, expID: record.expID, script: script, stop: record.stop, imageID: record.imageID)
            if let runID = record.runID { await services.runtime.remove(runID, task: task) }
            await services.imageCache.taskEnded(task, now: Int64(now))
        }
        try? FileManager.default.removeItem(atPath: services.configFile(schedid))
        try? FileManager.default.removeItem(atPath: services.taskDirectory(schedid))
        await backupStopMaking?.value
        await services.backupStop.disarm(schedid)
        try? FileManager.default.removeItem(atPath: config.directories.emergencyMarker(schedid))
        log.write(.cleanup, "cleanup complete")
        await supervisor.release(schedid)
        await transition(.cleaned, from: .cleaning)
    }

    /// §9.6 step 4: what the kernel logged during the run (a run of this boot only).
    func writeKernelMessages(_ record: TaskStore.Record) {
        guard let started = record.startedMonotonic, record.startedBoot == NodeServices.bootID() else { return }
        guard let messages = KernelMessages.since(monotonic: started) else {
            log.write(.cleanup, "kernel messages: /dev/kmsg cannot be read")
            return
        }
        log.write(.cleanup, "kernel messages since the run started: \(messages.count)")
        for message in messages { log.write(.cleanup, "kernel: \(message.text)", at: message.at) }
    }

    // MARK: - syncing

    /// Results sync is not part of this node yet: the results stay in the results directory
    /// (never deleted), the final traffic report is queued, and the task is `done` once the
    /// ctld has every report.
    func finish(_ record: TaskStore.Record) async {
        if record.substep != "final-report" {
            try? services.outbox.traffic(trafficReport(record, final: true), for: schedid, now: Int64(now))
            set([.substep: "final-report"])
            await supervisor.reportQueued(final: true)
        }
        if (try? services.tasks.hasPendingReports(schedid)) != false {
            await wakeup.wait(until: nil, longest: 5)
            return
        }
        await transition(.synced, from: .syncing)
    }
}

import Foundation
import MarvinCore

/// Deploy (node-runtime §6): pull, results filesystem, config file, deploy hooks; delayed
/// outcomes wait for their retry time; the deploy deadline cancels a pull or a wait for one.
extension TaskRunner {
    func deploy(_ record: TaskStore.Record, timers: TaskTimers) async {
        let deadline = Double(timers.deployDeadline)
        if now >= deadline {
            await transition(.deployDeadline, from: record.state)
            return
        }
        if record.state == .delayed {
            // Code 105 waits for the node, not for a clock (§6.8).
            let nodeFreed = record.substep == "wait_node" ? await supervisor.occupant == nil : false
            if let retry = record.retryAt, now < Double(retry), !nodeFreed {
                await wakeup.wait(until: min(Double(retry), deadline), longest: 1)
                return
            }
            // The retry time has come: deploying again (no status of its own).
            guard await transition(.retryDeploy, from: .delayed) else { return }
        }
        let started = now
        // The deadline cancels a pull (or the wait for one); later steps run to their end, and a
        // deploy that ends too late then skips the start (§5.3, §6.8).
        let outcome = await interruptible(while: .deploying, deadline: deadline, deadlineApplies: { [self] in
            (try? services.tasks.record(schedid))?.substep == "pull"
        }) { [self] in
            await deployOnce(record, started: started)
        }
        guard let outcome else {
            // Interrupted: by the deadline, or by an abort.
            if now >= deadline { await transition(.deployDeadline, from: .deploying) }
            return
        }
        switch outcome {
        case .success(let image):
            set([.imageID: image.imageID, .deploymentBytes: image.deploymentBytes, .substep: nil, .retryAt: nil])
            // The traffic report goes first: `deployed` may be the last status for a while.
            try? services.outbox.traffic(["deployment": .int(image.deploymentBytes), "results": 0, "interfaces": [:]], for: schedid, now: Int64(now))
            log.write(.deploy, "deployed")
            await transition(.deployFinished(code: 0), from: .deploying)
        case .failure(let failure):
            log.write(.deploy, "deploy failed: \(failure.message)")
            logger.warning("task \(schedid): deploy code \(failure.code): \(failure.message)")
            let retry = StatusTexts.deploy(code: failure.code).retry
            if retry {
                let attempts = record.deployAttempts + 1
                set([.retryAt: Int64(now) + retryDelay(code: failure.code, attempts: attempts), .deployAttempts: attempts,
                     .substep: failure.code == 105 ? "wait_node" : nil])
            }
            if !retry { ensureLogsDirectory() }
            await transition(.deployFinished(code: failure.code), from: .deploying)
        }
    }

    /// §6.8: code 100 doubles from `retry_initial` up to `retry_max`; 101 and 103 retry every
    /// `retry_initial`; 105 also when the occupying task has finished its cleanup.
    func retryDelay(code: Int, attempts: Int) -> Int64 {
        guard code == 100 else { return config.deploy.retryInitial }
        let factor = Int64(1) << Int64(min(max(attempts - 1, 0), 20))
        return min(config.deploy.retryInitial.multipliedReportingOverflow(by: factor).partialValue, config.deploy.retryMax)
    }

    /// One attempt, each sub-step recorded before it runs (§6.1).
    func deployOnce(_ record: TaskStore.Record, started: Double) async -> Result<PreparedImage, RuntimeFailure> {
        guard let script = record.script,
              case .success(let options) = services.options(record, script: script) else {
            return .failure(RuntimeFailure(code: 1, "options no longer valid"))
        }
        if services.maintenanceFlag { return .failure(RuntimeFailure(code: 103, "maintenance or development flag set")) }
        var task = RunTask(schedid: schedid, expID: record.expID, script: script, stop: record.stop, imageID: record.imageID)
        task.keepReference = ((try? services.tasks.active()) ?? []).contains { $0.schedid != schedid && $0.script == script }
        task.knownSize = services.imageSizes.size(of: script) ?? 0
        task.pulledLayers = (try? services.tasks.pulledLayers(schedid)) ?? [:]
        task.layerPulled = { [services, schedid] layer, bytes in try? services.tasks.layerPulled(schedid, layer: layer, bytes: bytes) }

        set([.substep: "pull"])
        // One pull at a time (§6.3); the wait for the slot counts towards the background report.
        let background = Task { [self] in
            try await Task.sleep(nanoseconds: UInt64(max(0, started + Double(config.deploy.backgroundReportAfter) - now) * 1e9))
            await transition(.downloadingInBackground, from: .deploying)
        }
        defer { background.cancel() }
        while await !supervisor.acquirePull(schedid) {
            if Task.isCancelled { return .failure(RuntimeFailure(code: 100, "cancelled")) }
            if await supervisor.occupant != nil && !config.deploy.duringExperiment {
                return .failure(RuntimeFailure(code: 105, "another experiment is preparing or running"))
            }
            await wakeup.wait(until: nil, longest: 1)
        }
        let image: PreparedImage
        let pullStarted = ContinuousClock.now
        do {
            defer { Task { await supervisor.releasePull(schedid) } }
            if await supervisor.occupant != nil && !config.deploy.duringExperiment {
                return .failure(RuntimeFailure(code: 105, "another experiment is preparing or running"))
            }
            image = try await pullMakingSpace(task).get()
        } catch {
            if services.runtime.kind == "docker" { services.metrics.pull(ok: false, bytes: 0, duration: ContinuousClock.now - pullStarted) }
            if let received = error.downloadedBytes { try? services.imageSizes.remember(script, size: received, now: Int64(now)) }
            return .failure(error)
        }
        if let size = image.size { try? services.imageSizes.remember(script, size: size, now: Int64(now)) }
        if services.runtime.kind == "docker" { services.metrics.pull(ok: true, bytes: image.deploymentBytes, duration: ContinuousClock.now - pullStarted) }
        background.cancel()
        if config.deploy.checkStorageQuota && image.deploymentBytes > options.storage {
            await services.imageCache.discard(task)
            return .failure(RuntimeFailure(code: 102, "\(image.deploymentBytes) bytes downloaded for a storage of \(options.storage)"))
        }

        set([.substep: "results_fs", .imageID: image.imageID])
        do {
            try await resultsMakingSpace(storage: options.storage, sparing: script)
            try log.move(to: services.results.path(schedid))
        } catch let failure as RuntimeFailure {
            return .failure(failure)
        } catch {
            return .failure(RuntimeFailure(code: 1, "cannot move the phase logs: \(error)"))
        }

        // The preliminary /monroe/config; the run keys are added at start (§7.6).
        do {
            try MonroeConfigFile.write(.init(options: record.privateOptions, script: script, start: record.start, stop: record.stop, nodeID: config.nodeID),
                                       to: services.configFile(schedid))
        } catch {
            return .failure(RuntimeFailure(code: 1, "cannot write \(services.configFile(schedid))"))
        }

        set([.substep: "deploy_hooks"])
        var withImage = record
        withImage.imageID = image.imageID
        let hooks = await runHooks(.deploy, withImage, log: .deploy)
        if hooks.code != 0 { return .failure(RuntimeFailure(code: Int(hooks.code), "deploy hook exited with code \(hooks.code)")) }
        return .success(image)
    }

    /// The pull; a disk check that fails first evicts cached images, least recently used
    /// first, and tries again (§6.4).
    func pullMakingSpace(_ task: RunTask) async -> Result<PreparedImage, RuntimeFailure> {
        while true {
            let outcome = await watchedPull(task)
            guard case .failure(let failure) = outcome, failure.code == 101, await services.imageCache.evictOldest(sparing: task.script) else {
                return outcome
            }
            log.write(.deploy, "\(failure.message); a cached image was removed to make space")
        }
    }

    /// The results filesystem, made as `pullMakingSpace` makes its pull.
    func resultsMakingSpace(storage: Int64, sparing reference: String) async throws(RuntimeFailure) {
        while true {
            do {
                return try await services.results.prepare(schedid, storage: storage, log: log)
            } catch {
                guard error.code == 101, await services.imageCache.evictOldest(sparing: reference) else { throw error }
            }
        }
    }

    /// The pull, watched from outside (the engine's answer streams for as long as the pull
    /// lasts, so no request deadline can bound it): closed after `deploy.pull_timeout` seconds
    /// (code 124), and cancelled when another task starts preparing (§6.3), because it is
    /// interfering traffic (code 105: it begins again after that task's cleanup).
    func watchedPull(_ task: RunTask) async -> Result<PreparedImage, RuntimeFailure> {
        let pull = Task { [services, log] () -> Result<PreparedImage, RuntimeFailure> in
            do throws(RuntimeFailure) {
                return .success(try await services.runtime.prepare(task, log: log))
            } catch {
                return .failure(error)
            }
        }
        let ended = ResultBox<RuntimeFailure>()
        let deadline = NodeServices.monotonic() + Double(config.deploy.pullTimeout)
        let watch = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 250_000_000)
                if NodeServices.monotonic() >= deadline {
                    ended.set(RuntimeFailure(code: 124, "pull exceeded \(config.deploy.pullTimeout) s"))
                } else if !config.deploy.duringExperiment, await supervisor.occupant != nil {
                    ended.set(RuntimeFailure(code: 105, "pull cancelled: another experiment is preparing"))
                }
                if ended.value != nil {
                    pull.cancel()
                    return
                }
            }
        }
        let result = await withTaskCancellationHandler { await pull.value } onCancel: { pull.cancel() }
        watch.cancel()
        if let failure = ended.value, case .failure = result {
            log.write(.deploy, failure.message)
            return .failure(failure)
        }
        return result
    }

    /// A task that ends before its results directory exists still delivers its phase logs.
    func ensureLogsDirectory() {
        if !services.results.isReady(schedid) {
            let directory = services.results.logsOnlyDirectory(schedid)
            try? log.move(to: directory)
        }
    }

    // MARK: - deployed

    func awaitPreStart(_ record: TaskStore.Record, timers: TaskTimers) async {
        let preStart = Double(timers.preStart)
        guard now >= preStart else {
            await wakeup.wait(until: preStart)
            return
        }
        let late = now >= preStart + 2
        await transition(.preStartTimer(maintenance: services.maintenanceFlag, late: late), from: .deployed)
    }
}

import Foundation
import Logging
import MarvinCore
import NIOCore
import Synchronization

/// Experiments as Docker containers through the Engine API (node-runtime §6.3–§6.5, §7.5, §8.3,
/// §9.2): one pull per call with its timeout and disk checks, the image addressed by id and
/// tagged `monroe-<schedid>`, containers named `monroe-<schedid>` and found by label and exact
/// name, output followed with timestamps into `container.log`.
public final class DockerRuntime: TaskRuntime, Sendable {
    public let kind = "docker"
    let engine: DockerEngine
    let config: NodeConfig
    let logger: Logger
    /// Containers marvind has asked to stop: their `kill` is its own.
    private let stopsSent = Mutex<Set<String>>([])

    public init(config: NodeConfig, logger: Logger) {
        engine = DockerEngine(socket: config.docker.socket)
        self.config = config
        self.logger = logger
    }

    /// Whether the engine answers (`runtime.container: auto`).
    public func isAvailable() async -> Bool {
        (try? await engine.call(.GET, "/_ping", timeout: .seconds(3)))?.status == 200
    }

    // MARK: - Deploy

    public func prepare(_ task: RunTask, log: PhaseLog) async throws(RuntimeFailure) -> PreparedImage {
        guard let reference = ImageReference(task.script) else { throw RuntimeFailure(code: 100, "not an image reference") }
        let root: String
        do {
            root = try await engine.call(.GET, "/info").json?["DockerRootDir"]?.stringValue ?? "/var/lib/docker"
        } catch {
            throw RuntimeFailure(code: 100, "\(error)")
        }
        if let free = ResultsStorage.freeBytes(root), free < config.deploy.minFreeBytes + task.knownSize {
            throw RuntimeFailure(code: 101, "\(free) bytes free in \(root), \(config.deploy.minFreeBytes) to keep and \(task.knownSize) for the image")
        }
        let credentials = RegistryCredentials.header(for: reference.registryName, file: config.docker.registryAuthFile)
        log.write(.deploy, "pulling \(reference)" + (credentials == nil ? "" : " with the credentials for \(reference.registryName) from the auth file"))
        let started = Date()
        var progress = PullProgress()
        progress.earlier = task.pulledLayers
        if let layerPulled = task.layerPulled { progress.completed = layerPulled }
        let tag = reference.digest ?? reference.tag ?? "latest"
        var lastDiskCheck = Date()
        do {
            try await engine.stream(.POST, "/images/create?fromImage=\(DockerEngine.query(reference.name))&tag=\(DockerEngine.query(tag))",
                                    headers: credentials.map { [("X-Registry-Auth", $0)] } ?? [],
                                    timeout: .seconds(config.deploy.pullTimeout)) { chunk in
                progress.read(chunk)
                // Space running out during the pull ends it (§6.4).
                if Date().timeIntervalSince(lastDiskCheck) >= 5 {
                    lastDiskCheck = Date()
                    if let free = ResultsStorage.freeBytes(root), free < config.deploy.minFreeBytes { throw PullProgress.DiskFull() }
                }
            }
        } catch {
            if error.timedOut { throw RuntimeFailure(code: 124, "pull exceeded \(config.deploy.pullTimeout) s") }
            if error.message.contains("DiskFull") {
                throw RuntimeFailure(code: 101, "disk space ran out during the pull", downloadedBytes: progress.receivedBytes)
            }
            progress.error = progress.error ?? error.message
        }
        if Task.isCancelled { throw RuntimeFailure(code: 100, "pull cancelled") }
        var bytes = progress.downloadedBytes
        if let problem = progress.error {
            // Offline fallback (§6.3): only when the registry could not be reached at all.
            guard config.deploy.offlineFallback, PullProgress.isConnectivity(problem), await imageID(of: reference.description) != nil else {
                throw RuntimeFailure(code: 100, "pull failed: \(problem)")
            }
            log.write(.deploy, "registry unreachable; using the local image \(reference)")
            bytes = 0
        }
        guard let inspected = try? await engine.call(.GET, "/images/\(DockerEngine.query(reference.description))/json").json,
              let id = inspected["Id"]?.stringValue else {
            throw RuntimeFailure(code: 100, "image \(reference) not found after the pull")
        }
        do {
            try await engine.call(.POST, "/images/\(id)/tag?repo=\(DockerEngine.query(task.runName))&tag=latest", accept: [201])
            if !task.keepReference && config.deploy.imageCacheBytes == 0 && reference.digest == nil {
                try await engine.call(.DELETE, "/images/\(DockerEngine.query(reference.description))?noprune=1", accept: [404, 409])
            }
        } catch {
            throw RuntimeFailure(code: 100, "tagging failed: \(error)")
        }
        log.write(.deploy, "image \(id) ready: \(bytes) bytes downloaded in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        return PreparedImage(imageID: id, deploymentBytes: bytes, size: inspected["Size"]?.integerValue)
    }

    func imageID(of reference: String) async -> String? {
        try? await engine.call(.GET, "/images/\(DockerEngine.query(reference))/json").json?["Id"]?.stringValue
    }

    public func hasImage(_ imageID: String, for task: RunTask) async -> Bool {
        await self.imageID(of: imageID) != nil
    }

    // MARK: - Runs

    /// Containers of this task: label filter, then an exact name comparison (never a substring, §6.5).
    func containers(of task: RunTask) async -> [String] {
        await listed(schedid: task.schedid, runName: task.runName, running: false).compactMap { $0["Id"]?.stringValue }
    }

    private func listed(schedid: String, runName: String, running: Bool) async -> [JSONValue] {
        let filters = JSONWriter.write(["label": .array([.string("org.monroe.schedid=\(schedid)")])], pretty: false)
        let listed = try? await engine.call(.GET, "/containers/json?all=\(running ? 0 : 1)&filters=\(DockerEngine.query(filters))").json
        return (listed?.arrayValue ?? []).filter { container in
            (container["Names"]?.arrayValue ?? []).contains { $0.stringValue == "/\(runName)" }
        }
    }

    /// Running containers of the task, with the stop time of their `org.monroe.stop` label.
    public func liveRuns(of schedid: String, recorded runID: String?) async -> [(runID: String, stop: Int64?)] {
        let runName = RunTask(schedid: schedid, expID: 0, script: "", stop: 0).runName
        return await listed(schedid: schedid, runName: runName, running: true).compactMap { container in
            container["Id"]?.stringValue.map { ($0, container["Labels"]?["org.monroe.stop"]?.stringValue.flatMap { Int64($0) }) }
        }
    }

    public func create(_ spec: RunSpec) async throws(RuntimeFailure) -> String {
        for leftover in await containers(of: spec.task) {
            do {
                try await engine.call(.DELETE, "/containers/\(leftover)?force=1&v=1", accept: [404])
            } catch {
                throw RuntimeFailure(code: 10, "a stale container \(spec.task.runName) could not be removed: \(error)")
            }
        }
        var binds = [
            "\(spec.resultsDirectory):/monroe/results:rw", "\(spec.resultsDirectory):/outdir:rw",
            "\(spec.configFile):/monroe/config:ro", "\(spec.nodeIDFile):/nodeid:ro",
        ]
        if let dns = spec.dnsFile { binds.append("\(dns):/dns:ro") }
        if let resolv = spec.resolvConf { binds.append("\(resolv):/etc/resolv.conf:rw") }
        if let tstat = spec.tstatDirectory { binds.append("\(tstat):/monroe/tstat:ro") }
        var host: [String: JSONValue] = [
            "Binds": .array(binds.map { .string($0) }),
            "CapAdd": .array(config.container.capabilitiesAdd.map { .string($0) }),
            "ShmSize": .int(config.container.shmSize),
            "RestartPolicy": ["Name": "no"],
            "LogConfig": ["Type": "json-file", "Config": ["max-size": .string(String(config.container.logMaxSize))]],
            "Devices": .array(spec.devices.map { ["PathOnHost": .string($0), "PathInContainer": .string($0), "CgroupPermissions": "rwm"] }),
        ]
        if let mode = await networkMode() { host["NetworkMode"] = .string(mode) }
        if config.container.memoryLimit > 0 { host["Memory"] = .int(config.container.memoryLimit) }
        if config.container.pidsLimit > 0 { host["PidsLimit"] = .int(config.container.pidsLimit) }
        var body: [String: JSONValue] = [
            "Image": .string(spec.imageID),
            "Labels": [
                "org.monroe.managed-by": "marvind", "org.monroe.schedid": .string(spec.task.schedid), "org.monroe.expid": .string(String(spec.task.expID)),
                "org.monroe.stop": .string(String(spec.task.stop)), "org.monroe.run": .string(String(spec.startCounter)),
            ],
            "HostConfig": .object(host),
        ]
        if spec.ssh {
            body["Entrypoint"] = .array(config.sshDebug.entrypoint.map { .string($0) })
            body["Cmd"] = .array(config.sshDebug.command.map { .string($0) })
        }
        do {
            let created = try await engine.call(.POST, "/containers/create?name=\(DockerEngine.query(spec.task.runName))", body: .object(body))
            guard let id = created.json?["Id"]?.stringValue else { throw RuntimeFailure(code: 125, "create answered without an id") }
            return id
        } catch let failure as RuntimeFailure {
            throw failure
        } catch let failure as DockerEngine.Failure {
            switch failure.status {
            case 404?: throw RuntimeFailure(code: 12, failure.message)
            case 409?: throw RuntimeFailure(code: 10, failure.message)
            default: throw RuntimeFailure(code: 125, failure.description)
            }
        } catch {
            throw RuntimeFailure(code: 125, "\(error)")
        }
    }

    /// `network.container_mode`; without the holder and with `network.required: false` the
    /// engine's default network.
    func networkMode() async -> String? {
        let mode = config.network.containerMode
        guard mode.hasPrefix("container:"), !config.network.required else { return mode }
        let holder = String(mode.dropFirst("container:".count))
        let running = (try? await engine.call(.GET, "/containers/\(DockerEngine.query(holder))/json").json)?["State"]?["Running"] == true
        return running ? mode : nil
    }

    public func runUser(_ runID: String, log: PhaseLog) async -> uid_t? {
        let user = (try? await engine.call(.GET, "/containers/\(runID)/json").json)?["Config"]?["User"]?.stringValue ?? ""
        let name = String(user.split(separator: ":").first ?? "")
        if name.isEmpty || name == "root" { return 0 }
        if let uid = uid_t(name) { return uid }
        // A user name: the image's /etc/passwd, read from the created container (§7.5).
        var archive = ByteBuffer()
        do {
            try await engine.stream(.GET, "/containers/\(runID)/archive?path=/etc/passwd", timeout: .seconds(30)) { chunk in
                var chunk = chunk
                archive.writeBuffer(&chunk)
            }
        } catch {}
        if let passwd = Self.firstFile(inTar: Array(archive.readableBytesView)) {
            for line in passwd.split(separator: "\n") {
                let fields = line.split(separator: ":", omittingEmptySubsequences: false)
                if fields.count > 2, fields[0] == Substring(name), let uid = uid_t(fields[2]) { return uid }
            }
        }
        log.write(.start, "warning: user \(name) of the image could not be resolved; the config file stays owned by root")
        return 0
    }

    /// The content of the first file of a tar archive (the archive endpoint sends one).
    static func firstFile(inTar bytes: [UInt8]) -> String? {
        guard bytes.count >= 512 else { return nil }
        let sizeField = String(decoding: bytes[124..<136].prefix { $0 != 0 && $0 != 32 }, as: UTF8.self)
        guard let size = Int(sizeField, radix: 8), bytes.count >= 512 + size else { return nil }
        return String(decoding: bytes[512..<(512 + size)], as: UTF8.self)
    }

    public func start(_ runID: String, spec: RunSpec) async throws(RuntimeFailure) -> String {
        do {
            try await engine.call(.POST, "/containers/\(runID)/start", accept: [304])
            return runID
        } catch {
            let message = error.message.lowercased()
            if error.status == nil { throw RuntimeFailure(code: 125, error.description) }
            if message.contains("executable file not found") || message.contains("no such file or directory") { throw RuntimeFailure(code: 127, error.message) }
            if message.contains("permission denied") { throw RuntimeFailure(code: 126, error.message) }
            if error.status == 404 { throw RuntimeFailure(code: 12, error.message) }
            throw RuntimeFailure(code: 125, error.message)
        }
    }

    public func state(_ runID: String) async -> RunState {
        let inspected: JSONValue?
        do {
            inspected = try await engine.call(.GET, "/containers/\(runID)/json").json
        } catch {
            return error.status == 404 ? .gone : .running
        }
        guard let state = inspected?["State"] else { return .gone }
        if state["Running"] == true { return .running }
        if state["Status"] == "created" { return .created }
        let finished = state["FinishedAt"]?.stringValue.flatMap { DockerTime($0) }?.interval
        // Ended before this boot or less than 60 s before the engine started: killed by the
        // reboot or by the engine's restart, not ended by itself (§5.8).
        if let finished, finished < Self.bootTime() + 60 { return .gone }
        if let finished, let engineStart = Self.engineStartTime(socket: config.docker.socket), finished > engineStart - 60, finished < engineStart + 5 {
            return .gone
        }
        return .exited(code: state["ExitCode"]?.integerValue.map { Int32(truncatingIfNeeded: $0) }, finishedAt: finished)
    }

    /// The wall-clock time the kernel booted (`btime` of /proc/stat).
    static func bootTime() -> Double {
        let stat = (try? String(contentsOfFile: "/proc/stat", encoding: .utf8)) ?? ""
        let line = stat.split(separator: "\n").first { $0.hasPrefix("btime ") }
        return line.flatMap { Double($0.dropFirst(6)) } ?? 0
    }

    /// When the engine answering on `socket` started: the start time of the process at the
    /// other end of the socket (field 22 of its /proc stat, in clock ticks after boot); nil
    /// when it cannot be told (another pid namespace, a socket-activation proxy).
    static func engineStartTime(socket: String) -> Double? {
        guard let fd = UnixSocket.connect(socket, timeout: 2) else { return nil }
        defer { close(fd) }
        guard let pid = UnixSocket.peerPID(fd), let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let name = stat.range(of: ") ", options: .backwards) else { return nil }
        // Fields after the command name start with field 3 (state).
        let fields = stat[name.upperBound...].split(separator: " ")
        guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
        return bootTime() + ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    public func waitForExit(_ runID: String) async -> RunExit {
        // Debian's engine runs without live restore: a stopping engine stops its containers and
        // answers the waits on them before it goes away. A run that ended while the engine did
        // not answer, or was stopped by someone other than marvind, was lost to an engine
        // restart, not ended by itself (§5.8, scenario 94).
        var engineLost = false
        while !Task.isCancelled {
            do {
                let answer = try await engine.call(.POST, "/containers/\(runID)/wait?condition=not-running", timeout: .hours(24 * 30))
                let stopSent = stopsSent.withLock { $0.contains(runID) }
                if !engineLost && !stopSent { engineLost = await wasKilled(runID) }
                if engineLost && !stopSent { await waitForEngineRestart() }
                return RunExit(code: answer.json?["StatusCode"]?.integerValue.map { Int32(truncatingIfNeeded: $0) }, lost: engineLost)
            } catch {
                if error.status == 404 { return RunExit(code: nil, lost: engineLost) }
                if error.status == nil { engineLost = true }
                // Engine restarting: look again shortly.
                try? await Task.sleep(nanoseconds: 1_000_000_000)
                switch await state(runID) {
                case .exited(let code, _): return RunExit(code: code, lost: engineLost)
                case .gone: return RunExit(code: nil, lost: engineLost)
                case .running, .created: continue
                }
            }
        }
        return RunExit(code: nil)
    }

    /// Whether the engine's event log has a `kill` of the container that marvind did not send,
    /// asked right after its exit while a stopping engine still answers (no answer: the engine
    /// is gone already).
    func wasKilled(_ runID: String) async -> Bool {
        let filters = JSONWriter.write(["container": [.string(runID)], "event": ["kill"]], pretty: false)
        // Events up to now (the kill came before the exit): `until` in the future would wait for it.
        let now = DockerTime.now
        var events = ""
        do {
            try await engine.stream(.GET, "/events?since=\(now.seconds - 30 * 86_400)&until=\(now.unix)&filters=\(DockerEngine.query(filters))",
                                    timeout: .seconds(10)) { chunk in events += String(buffer: chunk) }
        } catch {
            return true
        }
        return events.contains("\"kill\"")
    }

    /// A stopping engine goes away once its containers have stopped (each within its stop
    /// timeout); the run can start again only when the engine is back.
    func waitForEngineRestart() async {
        var deadline = Date().addingTimeInterval(20)
        while await isAvailable(), Date() < deadline, !Task.isCancelled {
            try? await Task.sleep(nanoseconds: 200_000_000)
        }
        deadline = Date().addingTimeInterval(120)
        while !(await isAvailable()), Date() < deadline, !Task.isCancelled {
            try? await Task.sleep(nanoseconds: 500_000_000)
        }
    }

    public func stop(_ runID: String, grace: Int64) async {
        stopsSent.withLock { _ = $0.insert(runID) }
        _ = try? await engine.call(.POST, "/containers/\(runID)/stop?t=\(grace)", timeout: .seconds(grace + 30), accept: [304, 404])
    }

    public func followOutput(_ runID: String, into log: ContainerLog) async {
        while !Task.isCancelled {
            // From the last line written: after a marvind restart or a dropped stream alike.
            let since = log.position.flatMap { DockerTime($0) }
            var demux = LogDemultiplexer()
            do {
                try await engine.stream(.GET, "/containers/\(runID)/logs?follow=1&stdout=1&stderr=1&timestamps=1&since=\(since?.unix ?? "0")",
                                        timeout: .hours(24 * 30)) { chunk in
                    // After a restart the engine repeats lines up to the stored position: skip them.
                    let lines = demux.read(chunk).filter { line in
                        guard let since, let time = DockerTime(line.timestamp) else { return true }
                        return time > since
                    }
                    if let last = lines.last { log.append(lines, position: last.timestamp) }
                }
                let rest = demux.finish()
                if let last = rest.last { log.append(rest, position: last.timestamp) }
                return
            } catch let failure as DockerEngine.Failure {
                if failure.status == 404 { return }
                try? await Task.sleep(nanoseconds: 1_000_000_000)
                if await state(runID) != .running { return }
            } catch {
                return
            }
        }
    }

    public func remove(_ runID: String, task: RunTask) async {
        stopsSent.withLock { _ = $0.remove(runID) }
        _ = try? await engine.call(.DELETE, "/containers/\(runID)?force=1&v=1", accept: [404])
        for leftover in await containers(of: task) {
            _ = try? await engine.call(.DELETE, "/containers/\(leftover)?force=1&v=1", accept: [404])
        }
    }

    public func shutdown() async {
        await engine.shutdown()
    }

    public func removeImage(for task: RunTask) async {
        _ = try? await engine.call(.DELETE, "/images/\(DockerEngine.query(task.runName + ":latest"))", accept: [404, 409])
    }

    public func cacheImage(for task: RunTask) async -> Bool {
        // Tagged again: an eviction may have taken the reference while the task still ran.
        guard let reference = ImageReference(task.script), reference.digest == nil, let imageID = task.imageID,
              (try? await engine.call(.POST, "/images/\(imageID)/tag?repo=\(DockerEngine.query(reference.name))&tag=\(DockerEngine.query(reference.tag ?? "latest"))",
                                      accept: [201])) != nil
        else { return false }
        await removeImage(for: task)
        return true
    }

    public func evictImage(_ reference: String) async {
        if reference.hasPrefix("sha256:") {
            // By id only when no tag names it any more: deleting by id would take a tag with it.
            guard let tags = try? await engine.call(.GET, "/images/\(reference)/json").json?["RepoTags"], tags.arrayValue?.isEmpty ?? true else { return }
            _ = try? await engine.call(.DELETE, "/images/\(reference)", accept: [404, 409])
            return
        }
        let name = ImageReference(reference)?.description ?? reference
        _ = try? await engine.call(.DELETE, "/images/\(DockerEngine.query(name))", accept: [404, 409])
    }
}

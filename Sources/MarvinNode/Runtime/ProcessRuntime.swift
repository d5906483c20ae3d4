import Crypto
import Foundation

/// The development runtime (node-runtime §7.12): the task's `script` names an executable in
/// `runtime.process_directory`, run as a child process in its own session with the results
/// directory as working directory. No isolation; it exists so the lifecycle, timing, outbox and
/// offline rules run on machines without a container engine.
///
/// The program runs under `/bin/sh` only to record its exit code in the task directory, so a
/// restarted marvind can still tell how an adopted run ended. Its output goes to a file there,
/// which the log follower copies into `container.log`.
public final class ProcessRuntime: TaskRuntime, @unchecked Sendable {
    public let kind = "process"
    let directory: String
    private let lock = NSLock()
    private var children: [pid_t: ChildProcess] = [:]

    public init(directory: String) {
        self.directory = directory
    }

    public func prepare(_ task: RunTask, log: PhaseLog) async throws(RuntimeFailure) -> PreparedImage {
        let path = "\(directory)/\(task.script)"
        guard DeploymentOptions.isProgramName(task.script), let data = FileManager.default.contents(atPath: path),
              FileManager.default.isExecutableFile(atPath: path) else {
            throw RuntimeFailure(code: 100, "no executable \(task.script) in \(directory)")
        }
        log.write(.deploy, "using program \(path)")
        return PreparedImage(imageID: Self.imageID(of: data), deploymentBytes: 0)
    }

    /// `sha256:` and the SHA-256 of the executable: the "image id" in the GUID.
    static func imageID(of data: Data) -> String {
        "sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    public func hasImage(_ imageID: String, for task: RunTask) async -> Bool {
        guard let data = FileManager.default.contents(atPath: "\(directory)/\(task.script)") else { return false }
        return Self.imageID(of: data) == imageID
    }

    public func create(_ spec: RunSpec) async throws(RuntimeFailure) -> String {
        // Nothing exists before the start; leftovers of an earlier run go first.
        try? FileManager.default.removeItem(atPath: Self.exitFile(spec.taskDirectory))
        return "created"
    }

    public func runUser(_ runID: String, log: PhaseLog) async -> uid_t? { nil }

    public func start(_ runID: String, spec: RunSpec) async throws(RuntimeFailure) -> String {
        let program = "\(directory)/\(spec.task.script)"
        let environment = [
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "HOME": spec.resultsDirectory,
            "MONROE_CONFIG": spec.configFile,
            "MONROE_RESULTS": spec.resultsDirectory,
            "MONROE_NODEID_FILE": spec.nodeIDFile,
        ]
        do {
            try FileManager.default.createDirectory(atPath: spec.taskDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let child = try ChildProcess(
                executable: "/bin/sh",
                arguments: ["-c", #""$0"; status=$?; echo "$status" > "$1"; exit "$status""#, program, Self.exitFile(spec.taskDirectory)],
                environment: environment, directory: spec.resultsDirectory, output: .file(Self.outputFile(spec.taskDirectory)))
            lock.withLock { children[child.pid] = child }
            return "pid:\(child.pid):\(spec.taskDirectory)"
        } catch {
            throw RuntimeFailure(code: 125, "\(error)")
        }
    }

    static func exitFile(_ taskDirectory: String) -> String { "\(taskDirectory)/exit-code" }
    static func outputFile(_ taskDirectory: String) -> String { "\(taskDirectory)/output" }

    /// `pid:<pid>:<task directory>`.
    static func parse(_ runID: String) -> (pid: pid_t, taskDirectory: String)? {
        let parts = runID.split(separator: ":", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == "pid", let pid = pid_t(parts[1]), pid > 1 else { return nil }
        return (pid, parts[2])
    }

    public func state(_ runID: String) async -> RunState {
        if runID == "created" { return .created }
        guard let (pid, taskDirectory) = Self.parse(runID) else { return .gone }
        if Self.groupIsAlive(pid) { return .running }
        if let text = try? String(contentsOfFile: Self.exitFile(taskDirectory), encoding: .utf8), let code = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            let finished = (try? FileManager.default.attributesOfItem(atPath: Self.exitFile(taskDirectory))[.modificationDate] as? Date)?.timeIntervalSince1970
            return .exited(code: code, finishedAt: finished)
        }
        let child = lock.withLock { children[pid] }
        if let code = child?.exitCode { return .exited(code: code, finishedAt: nil) }
        return .gone
    }

    public func waitForExit(_ runID: String) async -> RunExit {
        RunExit(code: await exitCode(runID))
    }

    private func exitCode(_ runID: String) async -> Int32? {
        guard let (pid, _) = Self.parse(runID) else { return nil }
        let child = lock.withLock { children[pid] }
        var code: Int32?
        if let child { code = await child.wait() }
        // The program may outlive the shell (a stop signals the group), and an adopted run is
        // not our child: wait until nothing of the group is left.
        while Self.groupIsAlive(pid) {
            if Task.isCancelled { return nil }
            try? await Task.sleep(nanoseconds: 100_000_000)
        }
        if case .exited(let recorded, _) = await state(runID), let recorded { return recorded }
        return code
    }

    public func stop(_ runID: String, grace: Int64) async {
        guard let (pid, _) = Self.parse(runID), Self.groupIsAlive(pid) else { return }
        kill(-pid, SIGTERM)
        let deadline = Date().addingTimeInterval(Double(grace))
        while Self.groupIsAlive(pid), Date() < deadline {
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        if Self.groupIsAlive(pid) { kill(-pid, SIGKILL) }
    }

    public func followOutput(_ runID: String, into log: ContainerLog) async {
        guard let (pid, taskDirectory) = Self.parse(runID) else { return }
        var offset = UInt64(log.position ?? "0") ?? 0
        var pending = Data()
        while true {
            let alive = Self.groupIsAlive(pid)
            if let handle = FileHandle(forReadingAtPath: Self.outputFile(taskDirectory)) {
                try? handle.seek(toOffset: offset)
                let data = handle.readDataToEndOfFile()
                try? handle.close()
                offset += UInt64(data.count)
                pending.append(data)
                var lines: [(timestamp: String, text: String)] = []
                while let newline = pending.firstIndex(of: 10) {
                    lines.append((ContainerLog.timestamp(), String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)))
                    pending = Data(pending[(newline + 1)...])
                }
                // A final partial line is written when the run has ended.
                if !alive, !pending.isEmpty {
                    lines.append((ContainerLog.timestamp(), String(decoding: pending, as: UTF8.self)))
                    pending = Data()
                }
                log.append(lines, position: String(offset - UInt64(pending.count)))
            }
            if !alive || Task.isCancelled { return }
            try? await Task.sleep(nanoseconds: 200_000_000)
        }
    }

    public func remove(_ runID: String, task: RunTask) async {
        if let (pid, taskDirectory) = Self.parse(runID) {
            if Self.groupIsAlive(pid) { kill(-pid, SIGKILL) }
            lock.withLock { children[pid] = nil }
            try? FileManager.default.removeItem(atPath: Self.outputFile(taskDirectory))
            try? FileManager.default.removeItem(atPath: Self.exitFile(taskDirectory))
        }
    }

    /// A process run is known only by the id in the state database.
    public func liveRuns(of schedid: String, recorded runID: String?) async -> [(runID: String, stop: Int64?)] {
        guard let runID, let (pid, _) = Self.parse(runID), Self.groupIsAlive(pid) else { return [] }
        return [(runID, nil)]
    }

    public func removeImage(for task: RunTask) async {}
    public func cacheImage(for task: RunTask) async -> Bool { false }
    public func evictImage(_ reference: String) async {}

    public func shutdown() async {}

    /// Whether any process of the group led by `pgid` is alive (zombies do not count).
    static func groupIsAlive(_ pgid: pid_t) -> Bool {
        guard kill(-pgid, 0) == 0 else { return false }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries where entry.first?.isNumber == true {
            guard let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // Fields after the command name: state, ppid, pgrp, …
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 2, fields[2] == Substring(String(pgid)), fields[0] != "Z" { return true }
        }
        return false
    }
}

import Foundation
import Logging
import MarvinCore

/// Runs the hooks of a phase (node-runtime §11): the union of `<root>/<phase>.d/` over the hook
/// roots, later roots replacing or masking earlier files, in byte order of their names; a
/// clean environment, the context as JSON on stdin, output prefixed, scrubbed and logged.
public struct HookRunner: Sendable {
    let config: NodeConfig
    let logger: Logger
    let metrics: NodeMetrics?

    public init(config: NodeConfig, logger: Logger, metrics: NodeMetrics? = nil) {
        self.config = config
        self.logger = logger
        self.metrics = metrics
    }

    /// What one phase needs beyond the node's configuration.
    public struct Context: Sendable {
        /// Variables of §11.3 beyond the node-wide ones (task ids, paths, run data).
        public var environment: [String: String]
        /// The stdin object (§11.4); for task phases it holds the options, hidden ones included.
        public var input: JSONValue
        public var redaction: Redaction
        /// Where output lines go besides the journal (a phase log).
        public var output: @Sendable (String) -> Void
        /// The task's id, the argument of task phases.
        public var schedid: String?

        public init(environment: [String: String], input: JSONValue, redaction: Redaction, schedid: String?, output: @escaping @Sendable (String) -> Void) {
            self.environment = environment
            self.input = input
            self.redaction = redaction
            self.schedid = schedid
            self.output = output
        }
    }

    public struct Outcome: Sendable, Equatable {
        /// 0, or the exit code of the hook that ended the phase (124 on timeout).
        public var code: Int32
        /// Devices requested through `MARVIN_HOOK_OUTPUT` (pre-start only).
        public var devices: [String]
        public var hooksRun: Int
    }

    /// The executable hooks of `phase`, in the order they run.
    public func hooks(for phase: HookPhase) -> [String] {
        var byName: [String: String] = [:]
        for root in config.hooks.directories {
            let directory = "\(root)/\(phase.rawValue).d"
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where Self.isValidName(name) {
                byName[name] = "\(directory)/\(name)"
            }
        }
        var paths: [String] = []
        for name in byName.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            let path = byName[name]!
            if Self.isMasked(path) { continue }
            if let problem = Self.unsafe(path) {
                logger.error("hook \(path) skipped: \(problem)")
                continue
            }
            paths.append(path)
        }
        if let key = phase.legacyKey, let legacy = config.hooks.legacy[key] {
            if let problem = Self.unsafe(legacy) { logger.error("hook \(legacy) skipped: \(problem)") } else { paths.append(legacy) }
        }
        return paths
    }

    /// Runs the phase. Cancelling the calling task terminates the running hook.
    public func run(_ phase: HookPhase, context: Context) async -> Outcome {
        var outcome = Outcome(code: 0, devices: [], hooksRun: 0)
        let timeout = config.hooks.timeouts[phase.rawValue] ?? phase.defaultTimeout(idlePeriod: config.timing.idlePeriod)
        for path in hooks(for: phase) {
            if Task.isCancelled { break }
            let name = (path as NSString).lastPathComponent
            let outputFile = "\(config.directories.runtime)/hooks/\(UUID().uuidString)"
            try? FileManager.default.createDirectory(atPath: "\(config.directories.runtime)/hooks", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            FileManager.default.createFile(atPath: outputFile, contents: nil, attributes: [.posixPermissions: 0o600])
            defer { try? FileManager.default.removeItem(atPath: outputFile) }
            var environment = baseEnvironment(phase: phase, name: name)
            environment.merge(context.environment) { _, task in task }
            environment["MARVIN_HOOK_OUTPUT"] = outputFile
            let started = Date()
            let code: Int32
            do {
                let redaction = context.redaction
                let logger = self.logger
                let sink = context.output
                let child = try ChildProcess(
                    executable: path, arguments: context.schedid.map { [$0] } ?? [], environment: environment, directory: "/",
                    input: .data(Data((JSONWriter.write(context.input, pretty: false) + "\n").utf8)),
                    output: .lines { line in
                        let text = "[\(name)] \(redaction.scrub(line))"
                        logger.info("\(text)")
                        sink(text)
                    })
                code = await withTaskCancellationHandler {
                    await child.wait(timeout: Double(timeout))
                } onCancel: {
                    child.signalGroup(SIGTERM)
                    Task {
                        try? await Task.sleep(nanoseconds: 5_000_000_000)
                        child.signalGroup(SIGKILL)
                    }
                }
            } catch {
                logger.error("hook \(path) could not start: \(error)")
                code = 126
            }
            outcome.hooksRun += 1
            let seconds = Date().timeIntervalSince(started)
            metrics?.hook(phase: phase.rawValue, exitCode: code, duration: .milliseconds(Int64(seconds * 1000)))
            logger.info("hook \(name) phase \(phase.rawValue) exit \(code) after \(String(format: "%.1f", seconds)) s")
            context.output("hook \(name) exited with code \(code)\(code == 124 ? " (timeout after \(timeout) s)" : "")")
            if phase == .preStart { outcome.devices += devices(in: outputFile, output: context.output) }
            if code != 0 && outcome.code == 0 { outcome.code = code }
            if code != 0 && phase.stopsAtFirstFailure { break }
        }
        return outcome
    }

    /// The node-wide variables every hook gets (§11.3); nothing is inherited from marvind.
    func baseEnvironment(phase: HookPhase, name: String) -> [String: String] {
        var environment = config.hooks.environment
        let port = config.localAPI.listen.split(separator: ":").last.map(String.init) ?? "80"
        let holder = config.network.containerMode.hasPrefix("container:") ? String(config.network.containerMode.dropFirst(10)) : ""
        environment.merge([
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "LANG": "C.UTF-8",
            "MARVIN_PHASE": phase.rawValue,
            "MARVIN_HOOK_NAME": name,
            "MARVIN_NODEID": config.nodeID,
            "MARVIN_NETNS": config.network.namespace,
            "MARVIN_NETNS_PATH": "/var/run/netns/\(config.network.namespace)",
            "MARVIN_NETNS_HOLDER": holder,
            "MARVIN_METADATA_INTERFACE": config.network.metadataInterface,
            "MARVIN_LOCAL_API_PORT": port,
            "MARVIN_MODEM_MANAGER_URL": config.modemManager.url,
            "MARVIN_MODEM_COUNT": "0",
            "MARVIN_RUNTIME_DIR": config.directories.runtime,
            "MARVIN_DEVELOPMENT": config.development ? "1" : "0",
        ]) { _, fixed in fixed }
        return environment
    }

    /// `{"devices": [...]}` from `MARVIN_HOOK_OUTPUT`: existing character devices under /dev.
    func devices(in file: String, output: (String) -> Void) -> [String] {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return [] }
        guard let json = try? JSONParser.parse(text), case .object(let object) = json else {
            output("warning: hook output is not a JSON object; ignored")
            return []
        }
        return (object["devices"]?.arrayValue ?? []).compactMap(\.stringValue).filter { path in
            var info = stat()
            let ok = path.hasPrefix("/dev/") && !path.contains("/../") && stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR
            if !ok { output("warning: requested device \(path) is not a character device under /dev; ignored") }
            return ok
        }
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCIIAlphanumeric else { return false }
        guard name.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric || $0 == "_" || $0 == "." || $0 == "-" }) else { return false }
        return ![".dpkg-old", ".dpkg-new", ".dpkg-dist", ".disabled"].contains { name.hasSuffix($0) }
    }

    /// An empty file or a link to /dev/null in a later root disables a hook.
    static func isMasked(_ path: String) -> Bool {
        if (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) == "/dev/null" { return true }
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && info.st_size == 0
    }

    /// Why a hook must not run: not a regular executable, wrong owner, writable by others.
    static func unsafe(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return "does not exist" }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return "not a regular file" }
        guard info.st_mode & 0o111 != 0 else { return "not executable" }
        guard info.st_uid == 0 || info.st_uid == geteuid() else { return "not owned by root" }
        guard info.st_mode & 0o022 == 0 else { return "writable by group or others" }
        return nil
    }
}

extension Unicode.Scalar {
    var isASCIIAlphanumeric: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self) }
}

import Foundation
import Logging
import MarvinCore

/// What every part of the supervisor works with: configuration, durable state, the runtime
/// and the helpers around a run. Built once by the daemon.
public struct NodeServices: Sendable {
    public let config: NodeConfig
    public let tasks: TaskStore
    public let outbox: Outbox
    public let facts: NodeFacts
    public let imageSizes: ImageSizes
    public let imageCache: ImageCache
    public let runtime: any TaskRuntime
    public let hooks: HookRunner
    public let results: ResultsStorage
    public let logger: Logger
    public let metrics: NodeMetrics
    public let backupStop: BackupStopUnit
    public let stateWrites = StateWrites()

    public init(config: NodeConfig, configPath: String, store: NodeStateStore, runtime: any TaskRuntime, logger: Logger) {
        self.config = config
        tasks = TaskStore(store: store)
        outbox = Outbox(store: store)
        facts = NodeFacts(store: store)
        imageSizes = ImageSizes(store: store)
        self.runtime = runtime
        imageCache = ImageCache(limit: config.deploy.imageCacheBytes, sizes: imageSizes, runtime: runtime, logger: logger)
        metrics = NodeMetrics()
        hooks = HookRunner(config: config, logger: logger, metrics: metrics)
        results = ResultsStorage(config: config)
        self.logger = logger
        backupStop = BackupStopUnit(delay: config.timing.backupStopDelay, executable: Self.executable,
                                    configPath: URL(fileURLWithPath: configPath).standardizedFileURL.path, logger: logger)
    }

    /// This marvind's own executable, for the units it creates.
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// `1` in the maintenance or the development flag file (§4.2, §14.1).
    public var maintenanceFlag: Bool { config.maintenance.maintenanceFlag }
    public var developmentFlag: Bool { config.maintenance.developmentFlag }

    /// A task's options checked for this node and its runtime (§6.2).
    public func options(_ record: TaskStore.Record, script: String? = nil) -> Result<DeploymentOptions, DeploymentOptions.Refusal> {
        DeploymentOptions.validate(record.privateOptions, script: script ?? record.script, config: config, processRuntime: runtime.kind == "process")
    }

    /// `<config_directory>/<schedid>.conf`.
    public func configFile(_ schedid: String) -> String { "\(config.directories.config)/\(schedid).conf" }
    /// `/run/marvind/tasks/<schedid>`.
    public func taskDirectory(_ schedid: String) -> String { "\(config.directories.runtime)/tasks/\(schedid)" }
    /// `/run/marvind/nodeid`.
    public var nodeIDFile: String { "\(config.directories.runtime)/nodeid" }
    /// `/var/lib/marvind/logs/<schedid>`.
    public func earlyLogDirectory(_ schedid: String) -> String { "\(config.directories.work)/logs/\(schedid)" }

    /// The context of a node phase (`boot`, `network`): the tasks on stdin, no options (§11.4).
    public func nodeHookContext(_ phase: HookPhase) -> HookRunner.Context {
        let active = (try? tasks.active()) ?? []
        let listed: [JSONValue] = active.map {
            ["schedid": .string($0.schedid), "state": .string($0.state.rawValue), "start": .int($0.start), "stop": .int($0.stop)]
        }
        let running = active.contains { [.preparing, .running, .stopping].contains($0.state) }
        let logger = self.logger
        return HookRunner.Context(environment: ["MARVIN_TASK_RUNNING": running ? "1" : "0"],
                                  input: ["phase": .string(phase.rawValue), "nodeid": .string(config.nodeID), "tasks": .array(listed)],
                                  redaction: Redaction(options: [:]), schedid: nil) { line in logger.debug("\(line)") }
    }

    public static func now() -> Double { Date().timeIntervalSince1970 }

    /// Seconds on the monotonic clock: it never jumps with the wall clock.
    public static func monotonic() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// The kernel's boot id: a run started in another boot did not survive.
    public static func bootID() -> String {
        (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }
}

import Foundation
import Logging

/// What every part of the supervisor works with: configuration, durable state, the runtime
/// and the helpers around a run. Built once by the daemon.
public struct NodeServices: Sendable {
    public let config: NodeConfig
    public let tasks: TaskStore
    public let outbox: Outbox
    public let facts: NodeFacts
    public let runtime: any TaskRuntime
    public let hooks: HookRunner
    public let results: ResultsStorage
    public let logger: Logger

    public init(config: NodeConfig, store: NodeStateStore, runtime: any TaskRuntime, logger: Logger) {
        self.config = config
        tasks = TaskStore(store: store)
        outbox = Outbox(store: store)
        facts = NodeFacts(store: store)
        self.runtime = runtime
        hooks = HookRunner(config: config, logger: logger)
        results = ResultsStorage(config: config)
        self.logger = logger
    }

    /// `1` in the maintenance or the development flag file (§4.2, §14.1).
    public var maintenanceFlag: Bool {
        [config.maintenance.flagFile, config.maintenance.developmentFlagFile].contains { path in
            (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) == "1"
        }
    }

    public var developmentFlag: Bool {
        (try? String(contentsOfFile: config.maintenance.developmentFlagFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) == "1"
    }

    /// `<config_directory>/<schedid>.conf`.
    public func configFile(_ schedid: String) -> String { "\(config.directories.config)/\(schedid).conf" }
    /// `/run/marvind/tasks/<schedid>`.
    public func taskDirectory(_ schedid: String) -> String { "\(config.directories.runtime)/tasks/\(schedid)" }
    /// `/run/marvind/nodeid`.
    public var nodeIDFile: String { "\(config.directories.runtime)/nodeid" }
    /// `/var/lib/marvind/logs/<schedid>`.
    public func earlyLogDirectory(_ schedid: String) -> String { "\(config.directories.work)/logs/\(schedid)" }

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

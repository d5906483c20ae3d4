import GRDB
import Foundation
import MarvinCore

/// What `marvind status` prints (node-runtime §15.2). The daemon writes its view to
/// `<runtime>/status.json` on every change; without a daemon the same structure is built from
/// the state database alone. No hidden value is ever part of it.
public struct NodeStatusView: Sendable {
    /// What only a running daemon knows.
    public struct Daemon: Sendable {
        public var reachable = false
        public var lastSuccess: Double?
        public var consecutiveFailures = 0
        public var nextHeartbeat: Double?
        public var certificateRejected = false
        public var busy: String?
        public var idle = false
        public var clockPlausible = true
        public var stateWriteFailing = false
        public var metadataReplaying = false
        public var metadataMessages = 0

        public init() {}
    }

    public static func build(config: NodeConfig, configPath: String, tasks: TaskStore, outbox: Outbox, maintenance: Bool, development: Bool, daemon: Daemon?) -> JSONValue {
        let pending = (try? outbox.pending()) ?? []
        let records = (try? tasks.all()) ?? []
        let taskViews: [JSONValue] = records.map { record in
            let timers = TaskTimers(start: record.start, stop: record.stop, timing: config.timing)
            let next = nextTimer(record.state, timers)
            return [
                "schedid": .string(record.schedid), "expid": .int(record.expID), "state": .string(record.state.rawValue),
                "start": .int(record.start), "stop": .int(record.stop),
                "last_status": JSONValue(record.finalStatus ?? outbox.lastStatus(record.schedid)),
                "outbox": .int(Int64(pending.filter { $0.schedid == record.schedid }.count)),
                "next_timer": JSONValue(next?.name), "next_timer_at": JSONValue(next?.at),
                "results_bytes": .int(ResultsStorage(config: config).usedBytes(record.schedid)),
            ]
        }
        func time(_ value: Double?) -> JSONValue { value.map { .string(PhaseLog.timestamp(Date(timeIntervalSince1970: $0))) } ?? .null }
        return [
            "daemon": .string(daemon == nil ? "not running" : "running"),
            "version": .string(MarvinNodeVersion.version),
            "nodeid": .string(config.nodeID),
            "config": .string(configPath),
            "clock": ["plausible": .bool(daemon?.clockPlausible ?? true), "synchronized": .bool(FileManager.default.fileExists(atPath: ClockCheck.synchronizedFile))],
            "ctld": [
                "url": .string(config.restServer), "reachable": .bool(daemon?.reachable ?? false), "last_success": time(daemon?.lastSuccess),
                "consecutive_failures": .int(Int64(daemon?.consecutiveFailures ?? 0)), "next_heartbeat": time(daemon?.nextHeartbeat),
                "certificate_rejected": .bool(daemon?.certificateRejected ?? false),
            ],
            "flags": ["maintenance": .bool(maintenance), "development": .bool(development), "reason": .null, "lease_until": .null],
            "state_database": ["path": .string(config.directories.stateDatabase), "write_failing": .bool(daemon?.stateWriteFailing ?? false)],
            "busy": JSONValue(daemon?.busy),
            "tasks": .array(taskViews),
            "outbox": .int(Int64(pending.count)),
            "sync": ["enabled": false, "running": false, "per_task": []],
            "disk": [
                "docker_root_free": .null,
                "results_free": JSONValue(ResultsStorage.freeBytes(config.directories.status)),
                "vm_free": .null,
            ],
            "local_api": ["listening": false, "address": .string(config.localAPI.listen)],
            "metadata": [
                "replaying": .bool(daemon?.metadataReplaying ?? false), "file": JSONValue(config.metadata.replayFile),
                "messages": .int(Int64(daemon?.metadataMessages ?? 0)),
            ],
        ]
    }

    static func nextTimer(_ state: TaskState, _ timers: TaskTimers) -> (name: String, at: Int64)? {
        switch state {
        case .received, .deploying, .delayed: return ("deploy deadline", timers.deployDeadline)
        case .deployed: return ("pre-start", timers.preStart)
        case .preparing: return ("start", timers.start)
        case .running: return ("stop", timers.stop)
        default: return nil
        }
    }
}

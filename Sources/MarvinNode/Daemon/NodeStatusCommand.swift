import Foundation
import MarvinCore

/// `marvind status` (node-runtime §15.2): the running daemon's view from
/// `<runtime>/status.json`, or the state database read alone when no daemon holds the lock.
public enum NodeStatusCommand {
    public static func view(config: NodeConfig, configPath: String) throws -> (json: JSONValue, running: Bool) {
        let statusFile = "\(config.directories.runtime)/status.json"
        if InstanceLock.isHeld(runtimeDirectory: config.directories.runtime),
           let text = try? String(contentsOfFile: statusFile, encoding: .utf8), let json = try? JSONParser.parse(text) {
            return (json, true)
        }
        let store = try NodeStateStore(path: config.directories.stateDatabase)
        let services = (tasks: TaskStore(store: store), outbox: Outbox(store: store))
        let json = NodeStatusView.build(config: config, configPath: configPath, tasks: services.tasks, outbox: services.outbox,
                                        maintenance: config.maintenance.maintenanceFlag, development: config.maintenance.developmentFlag, daemon: nil)
        return (json, false)
    }

    /// The human-readable form: a summary and one line per task.
    public static func text(_ json: JSONValue) -> String {
        var lines = [
            "marvind \(json["version"]?.stringValue ?? "") on node \(json["nodeid"]?.stringValue ?? ""): \(json["daemon"]?.stringValue ?? "")",
            "ctld \(json["ctld"]?["url"]?.stringValue ?? ""): \(json["ctld"]?["reachable"] == true ? "reachable" : "unreachable")"
                + (json["ctld"]?["certificate_rejected"] == true ? ", certificate rejected" : ""),
            "outbox: \(json["outbox"]?.integerValue ?? 0) report(s) pending",
        ]
        if json["state_database"]?["write_failing"] == true { lines.append("state database write failing") }
        let tasks = json["tasks"]?.arrayValue ?? []
        lines.append(tasks.isEmpty ? "no tasks" : "SCHEDID\tSTATE\tSTART\tSTOP\tLAST STATUS")
        for task in tasks {
            lines.append([task["schedid"]?.stringValue ?? "", task["state"]?.stringValue ?? "", String(task["start"]?.integerValue ?? 0),
                          String(task["stop"]?.integerValue ?? 0), task["last_status"]?.stringValue ?? "-"].joined(separator: "\t"))
        }
        return lines.joined(separator: "\n")
    }
}

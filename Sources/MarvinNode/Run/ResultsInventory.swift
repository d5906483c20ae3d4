import Foundation
import MarvinCore

/// `marvind results list` and `marvind results purge` (node-runtime §1.5, §9.7): the results
/// kept on this node — a directory, a loop disk, or both, per task — and their deletion by an
/// operator, the only deletion besides a completed sync. A task's results can be purged once
/// the task is `done` on the node, or when the node no longer knows the task.
public struct ResultsInventory {
    let storage: ResultsStorage
    let tasks: TaskStore?

    public struct Entry: Sendable {
        public let schedid: String
        /// The task's state on the node; nil when the state database does not know it.
        public let state: TaskState?
        public let directory: String?
        public let disk: String?
        public let mounted: Bool
        /// Bytes of the files in the directory when it is readable (mounted, or directory
        /// mode); else the size of the disk file.
        public let bytes: Int64

        var json: JSONValue {
            ["schedid": .string(schedid), "state": JSONValue(state?.rawValue), "directory": JSONValue(directory), "disk": JSONValue(disk),
             "mounted": .bool(mounted), "bytes": .int(bytes)]
        }
    }

    public struct Refusal: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// The state database is opened read-only; without one, no task is known.
    public init(config: NodeConfig) {
        storage = ResultsStorage(config: config)
        let database = config.directories.stateDatabase
        tasks = FileManager.default.fileExists(atPath: database) ? (try? NodeStateStore(path: database, readOnly: true)).map { TaskStore(store: $0) } : nil
    }

    /// Every task with results in `status_directory`, by schedid.
    public func list() -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: storage.statusDirectory)) ?? []
        let ids = Set(names.map { $0.hasSuffix(".disk") ? String($0.dropLast(5)) : $0 }.filter(HeartbeatTask.isAcceptableID))
        return ids.sorted().compactMap(entry)
    }

    func entry(_ schedid: String) -> Entry? {
        var isDirectory: ObjCBool = false
        let directory = FileManager.default.fileExists(atPath: storage.path(schedid), isDirectory: &isDirectory) && isDirectory.boolValue
        let disk = FileManager.default.fileExists(atPath: storage.diskPath(schedid))
        guard directory || disk else { return nil }
        let mounted = directory && ResultsStorage.isMountPoint(storage.path(schedid))
        let diskSize = disk ? ((try? FileManager.default.attributesOfItem(atPath: storage.diskPath(schedid)))?[.size] as? NSNumber)?.int64Value ?? 0 : 0
        return Entry(
            schedid: schedid, state: (try? tasks?.record(schedid))?.state, directory: directory ? storage.path(schedid) : nil,
            disk: disk ? storage.diskPath(schedid) : nil, mounted: mounted,
            bytes: mounted || !disk ? storage.usedBytes(schedid) : diskSize)
    }

    /// Deletes one task's results: unmounts its filesystem, removes the directory and the disk.
    public func purge(_ schedid: String) async throws(Refusal) {
        guard HeartbeatTask.isAcceptableID(schedid), let entry = entry(schedid) else {
            throw Refusal(description: "no results of task \(HeartbeatTask.escaped(schedid)) on this node")
        }
        if let state = entry.state, state != .done {
            throw Refusal(description: "task \(schedid) is \(state.rawValue) on this node; its results can be purged once it is done")
        }
        if entry.mounted {
            let unmount = await ChildProcess.run("umount", [storage.path(schedid)])
            guard unmount.code == 0 else { throw Refusal(description: "cannot unmount \(storage.path(schedid)): \(unmount.output.joined(separator: " "))") }
        }
        for path in [entry.directory, entry.disk].compactMap({ $0 }) {
            do {
                try FileManager.default.removeItem(atPath: path)
            } catch {
                throw Refusal(description: "cannot remove \(path): \(error.localizedDescription)")
            }
        }
    }

    /// The human-readable list.
    public static func text(_ entries: [Entry]) -> String {
        guard !entries.isEmpty else { return "no results on this node" }
        let rows = entries.map { entry in
            [entry.schedid, entry.state?.rawValue ?? "unknown", String(entry.bytes),
             entry.disk == nil ? "directory" : (entry.mounted ? "disk, mounted" : "disk, not mounted"), entry.directory ?? entry.disk ?? ""]
        }
        return (["SCHEDID\tSTATE\tBYTES\tSTORAGE\tPATH"] + rows.map { $0.joined(separator: "\t") }).joined(separator: "\n")
    }

    public static func json(_ entries: [Entry]) -> JSONValue { ["results": .array(entries.map(\.json))] }
}

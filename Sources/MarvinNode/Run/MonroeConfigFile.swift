import Foundation
import Glibc
import MarvinCore

/// `/monroe/config` (node-runtime §7.6): the private options except `_eduroam`, plus the keys
/// marvind injects, as one JSON object ending in a newline. Mode 0600, owned by the user the
/// experiment runs as, in a 0700 directory; written whole or not at all.
public enum MonroeConfigFile {
    public struct Content: Sendable {
        public var options: [String: JSONValue]
        public var script: String
        public var start: Int64
        public var stop: Int64
        public var nodeID: String
        /// Set from the first run on: `<image id>.<schedid>.<nodeid>.<start counter>`.
        public var guid: String?
        /// The netns interfaces at pre-start (`node_interfaces`).
        public var interfaces: [JSONValue]?

        public init(options: [String: JSONValue], script: String, start: Int64, stop: Int64, nodeID: String, guid: String? = nil, interfaces: [JSONValue]? = nil) {
            self.options = options
            self.script = script
            self.start = start
            self.stop = stop
            self.nodeID = nodeID
            self.guid = guid
            self.interfaces = interfaces
        }

        public var json: JSONValue {
            var object = options
            object["_eduroam"] = nil
            object["script"] = .string(script)
            object["start"] = .int(start)
            object["stop"] = .int(stop)
            object["nodeid"] = .string(nodeID)
            if let guid { object["guid"] = .string(guid) }
            if let interfaces { object["node_interfaces"] = .array(interfaces) }
            return .object(object)
        }
    }

    public static func guid(imageID: String, schedid: String, nodeID: String, startCounter: Int) -> String {
        "\(imageID).\(schedid).\(nodeID).\(startCounter)"
    }

    public static func write(_ content: Content, to path: String, owner: uid_t? = nil) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try AtomicFile.write(Data((JSONWriter.write(content.json, pretty: false) + "\n").utf8), to: path, mode: 0o600, owner: owner)
    }
}

/// Whole-file replacement: a temporary file beside the target, synced, then renamed over it.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String, mode: mode_t, owner: uid_t? = nil) throws {
        let temporary = "\(path).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        let written = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        fchmod(fd, mode)
        if let owner { _ = fchown(fd, owner, gid_t(bitPattern: -1)) }
        let synced = fsync(fd)
        close(fd)
        guard written == data.count, synced == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CocoaError(.fileWriteOutOfSpace, userInfo: [NSFilePathErrorKey: path])
        }
    }
}

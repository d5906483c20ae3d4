import Foundation
import MarvinCore

/// The form body of a heartbeat, `PUT <rest-server>/resources/<nodeid>` (node-runtime §4.2).
/// Exactly these fields, for wire compatibility with the ctld.
public struct HeartbeatRequest: Sendable, Equatable {
    /// The configured `prefetch`.
    public var limit: Int64
    public var maintenance: Bool
    /// Ids of every local task not `done`, in start order.
    public var knownTasks: [String]
    /// One object per modem interface and per other netns interface; `[]` when unknown.
    public var interfaces: [JSONValue]

    public init(limit: Int64, maintenance: Bool, knownTasks: [String], interfaces: [JSONValue]) {
        self.limit = limit
        self.maintenance = maintenance
        self.knownTasks = knownTasks
        self.interfaces = interfaces
    }

    /// `application/x-www-form-urlencoded`, with `;` and every reserved character percent-encoded.
    public var formBody: String {
        var fields = [("limit", String(limit)), ("maintenance", maintenance ? "1" : "0")]
        fields += knownTasks.map { ("known_tasks", $0) }
        fields.append(("interfaces", JSONWriter.write(.array(interfaces), pretty: false)))
        return fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
    }

    /// Percent-encodes everything but the unreserved characters of RFC 3986.
    public static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// A modem interface: ICCID, its netns name, and this month's rx+tx on each side.
    public static func modem(iccid: String, opname: String, host: Int64?, netns: Int64?) -> JSONValue {
        ["iccid": .string(iccid), "opname": .string(opname), "host": JSONValue(host), "netns": JSONValue(netns)]
    }

    /// A non-modem interface present in the netns (`eth0`, `wlan0`, …).
    public static func other(opname: String, mac: String) -> JSONValue {
        ["opname": .string(opname), "mac": .string(mac)]
    }
}

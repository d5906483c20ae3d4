import GRDB
import MarvinCore

/// Registering a node, shared by `POST /v1/resources` and `marvinctld admin add-node` (§3.2, §9.1).
enum NodeRegistration {
    static let missing = "Parameters missing (required: id, hostname | optional: tags, interfaces, status)."

    struct Request {
        var id: Int64
        var hostname: String
        var tags: [String: String]
        var interfaces: [InterfaceRecord.Spec]
        var status: NodeStatus
    }

    /// Inserts the node, its tags and interfaces in the caller's transaction.
    static func register(_ db: Database, _ request: Request, now: Int64) throws {
        let exists = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM nodes WHERE id = ?)", arguments: [request.id]) ?? false
        guard !exists else { throw APIError(409, "Node \(request.id) already exists.") }
        try db.execute(
            sql: "INSERT INTO nodes (id, hostname, status, heartbeat) VALUES (?, ?, ?, 0)",
            arguments: [request.id, request.hostname, request.status.rawValue])
        try NodeRecord.replaceTags(db, nodeID: request.id, request.tags)
        for spec in request.interfaces {
            try InterfaceRecord.insert(db, nodeID: request.id, spec: spec, now: now)
        }
    }

    static func status(_ text: String) throws -> NodeStatus {
        switch text {
        case "active": return .active
        case "disabled": return .disabled
        default: throw APIError(400, "Parameter status must be active or disabled.")
        }
    }
}

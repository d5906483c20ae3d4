import GRDB
import MarvinCore

enum NodeStatus: String, Sendable, CaseIterable {
    case active, disabled, maintenance, retired
}

/// A measurement node (§4.3) with its tags.
struct NodeRecord: Sendable {
    var id: Int64
    var hostname: String
    var status: NodeStatus
    var heartbeat: Int64
    var tags: [String: String]

    init(row: Row, tags: [String: String]) {
        id = row["id"]
        hostname = row["hostname"]
        status = NodeStatus(rawValue: row["status"]) ?? .disabled
        heartbeat = row["heartbeat"]
        self.tags = tags
    }

    /// The flat node object: fields, one key per tag, and the current interfaces.
    func json(interfaces: [InterfaceRecord]) -> JSONValue {
        NodeObject(id: id, hostname: hostname, status: status.rawValue, heartbeat: heartbeat, tags: tags, interfaces: interfaces.map(\.wire)).json
    }
}

extension NodeRecord {
    static func fetch(_ db: Database, id: Int64) throws -> NodeRecord? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM nodes WHERE id = ?", arguments: [id]) else { return nil }
        return NodeRecord(row: row, tags: try tags(db, nodeID: id))
    }

    /// Every node, tags included, ascending by id.
    static func fetchAll(_ db: Database) throws -> [NodeRecord] {
        var tagsByNode: [Int64: [String: String]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT node_id, name, value FROM node_tags") {
            tagsByNode[row["node_id"], default: [:]][row["name"]] = row["value"] as String
        }
        return try Row.fetchAll(db, sql: "SELECT * FROM nodes ORDER BY id").map {
            NodeRecord(row: $0, tags: tagsByNode[$0["id"]] ?? [:])
        }
    }

    static func tags(_ db: Database, nodeID: Int64) throws -> [String: String] {
        var tags: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT name, value FROM node_tags WHERE node_id = ?", arguments: [nodeID]) {
            tags[row["name"]] = row["value"] as String
        }
        return tags
    }

    static func replaceTags(_ db: Database, nodeID: Int64, _ tags: [String: String]) throws {
        try db.execute(sql: "DELETE FROM node_tags WHERE node_id = ?", arguments: [nodeID])
        for (name, value) in tags {
            try db.execute(sql: "INSERT INTO node_tags (node_id, name, value) VALUES (?, ?, ?)", arguments: [nodeID, name, value])
        }
    }

    /// The node object as `GET /v1/resources` shows it.
    static func objects(_ db: Database, nodes: [NodeRecord]) throws -> [JSONValue] {
        let interfaces = try InterfaceRecord.currentByNode(db)
        return nodes.map { $0.json(interfaces: interfaces[$0.id] ?? []) }
    }
}

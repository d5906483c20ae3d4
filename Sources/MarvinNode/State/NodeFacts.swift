import GRDB

/// Facts about the node kept across restarts (node-runtime §3.2): the last plausible wall
/// clock and the boot id of the last run.
public final class NodeFacts: Sendable {
    let store: NodeStateStore

    public init(store: NodeStateStore) {
        self.store = store
    }

    public func value(_ key: String) throws -> String? {
        try store.read { db in try String.fetchOne(db, sql: "SELECT value FROM node_facts WHERE key = ?", arguments: [key]) }
    }

    public func set(_ key: String, _ value: String) throws {
        try store.write { db in
            try db.execute(sql: "INSERT INTO node_facts (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           arguments: [key, value])
        }
    }
}

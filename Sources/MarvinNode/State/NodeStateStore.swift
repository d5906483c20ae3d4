import Foundation
import GRDB

/// marvind's durable state in one SQLite file (node-runtime §3.1): WAL, `synchronous=FULL`,
/// foreign keys on, numbered migrations at start; the directory is 0700 and the file 0600
/// because the state holds private options.
public final class NodeStateStore: Sendable {
    let queue: DatabaseQueue

    public struct OpenError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Opens (and migrates) the database; `readOnly` opens it as it is, changing nothing
    /// (the backup stop, §8.5, reads while the daemon may hold it).
    public init(path: String, readOnly: Bool = false) throws {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            var configuration = Configuration()
            configuration.foreignKeysEnabled = true
            configuration.busyMode = .timeout(5)
            configuration.readonly = readOnly
            if readOnly {
                queue = try DatabaseQueue(path: path, configuration: configuration)
            } else {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                configuration.prepareDatabase { db in
                    try db.execute(sql: "PRAGMA journal_mode = WAL")
                    try db.execute(sql: "PRAGMA synchronous = FULL")
                }
                queue = try DatabaseQueue(path: path, configuration: configuration)
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            }
        } catch {
            throw OpenError(description: "cannot open state database \(path): \(error)")
        }
        let migrator = Self.migrator
        let superseded = try queue.read { db in try migrator.hasBeenSuperseded(db) }
        if superseded {
            let applied = (try? queue.read { db in try migrator.appliedIdentifiers(db).count }) ?? 0
            throw OpenError(description: "state database schema \(applied) is newer than this marvind")
        }
        if readOnly {
            guard try queue.read({ db in try migrator.hasCompletedMigrations(db) }) else {
                throw OpenError(description: "state database \(path) has an older schema")
            }
        } else {
            try migrator.migrate(queue)
        }
    }

    /// Schema history; a released migration is never edited.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-outbox") { db in
            try db.execute(sql: """
                CREATE TABLE outbox (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    schedid TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('status', 'traffic')),
                    final INTEGER NOT NULL DEFAULT 0,
                    status_text TEXT,
                    payload TEXT NOT NULL,
                    created INTEGER NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT
                );
                CREATE INDEX outbox_by_task ON outbox(schedid, seq);
                CREATE TABLE outbox_task (
                    schedid TEXT PRIMARY KEY,
                    last_status TEXT,
                    final_queued INTEGER NOT NULL DEFAULT 0
                );
                """)
        }
        migrator.registerMigration("v2-tasks") { db in
            try db.execute(sql: """
                CREATE TABLE tasks (
                    schedid TEXT PRIMARY KEY,
                    expid INTEGER NOT NULL,
                    start INTEGER NOT NULL,
                    stop INTEGER NOT NULL,
                    private_options TEXT NOT NULL,
                    script TEXT,
                    state TEXT NOT NULL,
                    stop_reason TEXT,
                    final_status TEXT,
                    start_counter INTEGER NOT NULL DEFAULT 0,
                    created INTEGER NOT NULL,
                    updated INTEGER NOT NULL
                );
                CREATE INDEX tasks_by_start ON tasks(start);
                """)
        }
        migrator.registerMigration("v3-task-runs") { db in
            // What a run step needs to resume after kill -9 (§3.2, §5.8).
            try db.execute(sql: """
                ALTER TABLE tasks ADD COLUMN substep TEXT;
                ALTER TABLE tasks ADD COLUMN deploy_attempts INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE tasks ADD COLUMN retry_at INTEGER;
                ALTER TABLE tasks ADD COLUMN image_id TEXT;
                ALTER TABLE tasks ADD COLUMN deployment_bytes INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE tasks ADD COLUMN results_bytes INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE tasks ADD COLUMN run_id TEXT;
                ALTER TABLE tasks ADD COLUMN guid TEXT;
                ALTER TABLE tasks ADD COLUMN restart_pending INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE tasks ADD COLUMN started_at REAL;
                ALTER TABLE tasks ADD COLUMN started_monotonic REAL;
                ALTER TABLE tasks ADD COLUMN started_boot TEXT;
                ALTER TABLE tasks ADD COLUMN stop_signal_at REAL;
                ALTER TABLE tasks ADD COLUMN exit_code INTEGER;
                ALTER TABLE tasks ADD COLUMN exited_at REAL;
                ALTER TABLE tasks ADD COLUMN log_position TEXT;
                CREATE TABLE task_transitions (
                    schedid TEXT NOT NULL,
                    state TEXT NOT NULL,
                    event TEXT NOT NULL,
                    at REAL NOT NULL
                );
                CREATE INDEX task_transitions_by_task ON task_transitions(schedid, at);
                CREATE TABLE node_facts (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                );
                CREATE TABLE image_cache (
                    reference TEXT PRIMARY KEY,
                    image_id TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    last_use INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v4-pulled-layers") { db in
            // Layers a task's pulls downloaded, so a pull redone after kill -9 counts each once (§6.3).
            try db.execute(sql: """
                CREATE TABLE pulled_layers (
                    schedid TEXT NOT NULL REFERENCES tasks(schedid) ON DELETE CASCADE,
                    layer TEXT NOT NULL,
                    bytes INTEGER NOT NULL,
                    PRIMARY KEY (schedid, layer)
                );
                """)
        }
        return migrator
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.write(body)
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.read(body)
    }
}

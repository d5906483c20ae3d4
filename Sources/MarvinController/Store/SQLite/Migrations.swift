import GRDB

/// The versioned schema of the ctld database. Migrations run at start-up (server and CLI);
/// a migration, once released, is never edited — add a new one instead.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE users (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL,
                    ssl_id TEXT NOT NULL UNIQUE,
                    role TEXT NOT NULL,
                    project TEXT NOT NULL DEFAULT '',
                    time_current INTEGER NOT NULL, time_reset_value INTEGER NOT NULL,
                    time_reset_date INTEGER NOT NULL, time_last_reset INTEGER NOT NULL,
                    data_current INTEGER NOT NULL, data_reset_value INTEGER NOT NULL,
                    data_reset_date INTEGER NOT NULL, data_last_reset INTEGER NOT NULL,
                    storage_current INTEGER NOT NULL, storage_reset_value INTEGER NOT NULL,
                    storage_reset_date INTEGER NOT NULL, storage_last_reset INTEGER NOT NULL,
                    UNIQUE (name, project)
                );
                CREATE TABLE nodes (
                    id INTEGER PRIMARY KEY,
                    hostname TEXT NOT NULL,
                    status TEXT NOT NULL,
                    heartbeat INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE node_tags (
                    node_id INTEGER NOT NULL REFERENCES nodes(id),
                    name TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (node_id, name)
                );
                CREATE TABLE interfaces (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    node_id INTEGER NOT NULL REFERENCES nodes(id),
                    iccid TEXT NOT NULL,
                    imei TEXT NOT NULL,
                    mccmnc TEXT NOT NULL DEFAULT '',
                    operator TEXT NOT NULL DEFAULT '',
                    opname TEXT NOT NULL DEFAULT '',
                    status TEXT NOT NULL,
                    heartbeat INTEGER NOT NULL DEFAULT 0,
                    quota_current INTEGER NOT NULL DEFAULT 0,
                    quota_reset_value INTEGER NOT NULL DEFAULT 0,
                    quota_reset_date INTEGER NOT NULL DEFAULT 0,
                    quota_last_reset INTEGER NOT NULL DEFAULT 0
                );
                CREATE UNIQUE INDEX interfaces_cellular ON interfaces(node_id, iccid) WHERE iccid != '';
                CREATE UNIQUE INDEX interfaces_mac ON interfaces(node_id, imei) WHERE iccid = '';
                CREATE TABLE node_pairs (
                    head INTEGER PRIMARY KEY REFERENCES nodes(id),
                    tail INTEGER NOT NULL UNIQUE REFERENCES nodes(id)
                );
                CREATE TABLE experiments (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL,
                    ownerid INTEGER NOT NULL REFERENCES users(id),
                    type TEXT NOT NULL,
                    script TEXT NOT NULL,
                    start INTEGER NOT NULL,
                    stop INTEGER NOT NULL,
                    recurring_until INTEGER NOT NULL,
                    options TEXT NOT NULL,
                    status TEXT NOT NULL,
                    created INTEGER NOT NULL
                );
                CREATE TABLE schedules (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    nodeid INTEGER NOT NULL REFERENCES nodes(id),
                    expid INTEGER NOT NULL REFERENCES experiments(id),
                    start INTEGER NOT NULL,
                    stop INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    final INTEGER NOT NULL DEFAULT 0,
                    shared INTEGER NOT NULL,
                    deployment_options TEXT NOT NULL,
                    lpq_until INTEGER,
                    delivered INTEGER NOT NULL DEFAULT 0,
                    final_delivered INTEGER NOT NULL DEFAULT 0,
                    charge_time INTEGER NOT NULL DEFAULT 0,
                    charge_storage INTEGER NOT NULL DEFAULT 0,
                    charge_data INTEGER NOT NULL DEFAULT 0,
                    charged_at INTEGER NOT NULL DEFAULT 0,
                    data_refunded INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX schedules_node_stop ON schedules(nodeid, stop);
                CREATE INDEX schedules_expid ON schedules(expid);
                CREATE INDEX schedules_start ON schedules(start);
                CREATE INDEX schedules_blocking ON schedules(stop) WHERE final = 0 AND shared = 0 AND start >= 0;
                CREATE TABLE traffic_reports (
                    schedule_seq INTEGER NOT NULL REFERENCES schedules(seq) ON DELETE CASCADE,
                    meter TEXT NOT NULL,
                    bytes INTEGER NOT NULL,
                    PRIMARY KEY (schedule_seq, meter)
                );
                CREATE TABLE journal (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    timestamp INTEGER NOT NULL,
                    quota TEXT NOT NULL,
                    ownerid INTEGER,
                    nodeid INTEGER,
                    iccid TEXT,
                    new_value INTEGER NOT NULL,
                    reason TEXT NOT NULL
                );
                CREATE INDEX journal_owner ON journal(ownerid);
                CREATE INDEX journal_node ON journal(nodeid, iccid);
                CREATE TABLE ssh_keys (
                    schedule_seq INTEGER PRIMARY KEY REFERENCES schedules(seq) ON DELETE CASCADE,
                    public_key TEXT NOT NULL,
                    expires INTEGER NOT NULL
                );
                """)
        }
        // v2: the bookings every allocation and `find` reads, answered from the index alone.
        migrator.registerMigration("v2") { db in
            try db.execute(sql: """
                CREATE INDEX schedules_bookings ON schedules(stop, nodeid, start) WHERE final = 0 AND shared = 0 AND start >= 0
                """)
        }
        return migrator
    }
}

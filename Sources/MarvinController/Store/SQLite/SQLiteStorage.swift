import Foundation
import GRDB

/// The ctld's state in one SQLite file: WAL, foreign keys on, migrations at start, one
/// transaction per operation. Writes are serialised by GRDB's single writer (and `BEGIN
/// IMMEDIATE` against other processes), which keeps two allocations from booking the same node
/// (§4.1). The operations of `ControllerStorage` are in the `SQLiteStorage+…` files.
final class SQLiteStorage: Sendable {
    let pool: DatabasePool
    /// The principal lookup of every request (§2.5.4) has a read-only connection of its own and
    /// runs synchronously on the calling thread: through the async reader pool the two thread hops
    /// cost more than the lookup and held back heartbeat throughput by a third. It must not wait
    /// on `pool` synchronously instead: async readers give their connection back only after
    /// resuming on the cooperative pool, so blocked cooperative threads could deadlock. This
    /// connection is only ever held for one indexed row read, never across an `await`.
    private let principals: DatabaseQueue

    /// Test builds only: makes every write fail, to check the 500 and "Task creation failed." paths.
    nonisolated(unsafe) var failWrites = false

    struct OpenError: Error, CustomStringConvertible {
        let description: String
    }

    init(path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) || !isDirectory.boolValue {
            throw OpenError(description: "database directory \(directory) does not exist")
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Migrations.migrator.migrate(pool)
            var readOnly = configuration
            readOnly.readonly = true
            principals = try DatabaseQueue(path: path, configuration: readOnly)
        } catch {
            throw OpenError(description: "cannot open database \(path): \(error)")
        }
    }

    /// The user holding `fingerprint`, as last committed. One SELECT is atomic by itself, so it
    /// runs without a transaction around it.
    func principal(fingerprint: String) throws -> UserRecord? {
        try principals.inDatabase { db in try UserRecord.fetch(db, fingerprint: fingerprint) }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await pool.read(body)
    }

    /// One write transaction. `BEGIN IMMEDIATE` also serialises against other processes
    /// (the admin CLI) that share the file.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let fail = failWrites
        return try await pool.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                if fail { throw StoreFault() }
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    func writeSync<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }
}

/// The injected write failure of test builds.
struct StoreFault: Error {}

extension SQLiteStorage: ControllerStorage {}

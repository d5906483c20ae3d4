import GRDB

/// The image cache record (node-runtime §3.2, §6.4): per image reference, the last known size
/// on this node — the unpacked size after a pull, or the bytes a pull had downloaded when it
/// was cancelled for disk space. The disk check before the next pull of that reference asks
/// for this much free space on top of `deploy.min_free_bytes`. A non-empty `image_id` marks
/// an image the image cache keeps; `last_use` orders its evictions.
public final class ImageSizes: Sendable {
    let store: NodeStateStore

    public init(store: NodeStateStore) {
        self.store = store
    }

    public func size(of reference: String) -> Int64? {
        try? store.read { db in try Int64.fetchOne(db, sql: "SELECT size FROM image_cache WHERE reference = ?", arguments: [reference]) }
    }

    /// Images kept by the image cache, least recently used first.
    public func kept() -> [(reference: String, size: Int64)] {
        let rows = try? store.read { db in
            try Row.fetchAll(db, sql: "SELECT reference, size FROM image_cache WHERE image_id != '' ORDER BY last_use, reference")
        }
        return (rows ?? []).map { (reference: $0["reference"] as String, size: $0["size"] as Int64) }
    }

    /// The image cache keeps `imageID` under `reference`, used `now`; the image it kept there
    /// before, when that was another one (the reference moved to a newer image).
    public func keep(_ reference: String, imageID: String, now: Int64) throws -> String? {
        try store.write { db in
            let earlier = try String.fetchOne(db, sql: "SELECT image_id FROM image_cache WHERE reference = ?", arguments: [reference])
            try db.execute(
                sql: """
                    INSERT INTO image_cache (reference, image_id, size, last_use) VALUES (?, ?, 0, ?)
                    ON CONFLICT (reference) DO UPDATE SET image_id = excluded.image_id, last_use = excluded.last_use
                    """,
                arguments: [reference, imageID, now])
            return earlier.flatMap { $0.isEmpty || $0 == imageID ? nil : $0 }
        }
    }

    /// The image cache no longer keeps the reference; its size stays known.
    public func evicted(_ reference: String) throws {
        try store.write { db in try db.execute(sql: "UPDATE image_cache SET image_id = '' WHERE reference = ?", arguments: [reference]) }
    }

    /// The reference's size as a pull left it; whether the cache keeps it does not change.
    public func remember(_ reference: String, size: Int64, now: Int64) throws {
        try store.write { db in
            try db.execute(
                sql: """
                    INSERT INTO image_cache (reference, image_id, size, last_use) VALUES (?, '', ?, ?)
                    ON CONFLICT (reference) DO UPDATE SET size = excluded.size, last_use = excluded.last_use
                    """,
                arguments: [reference, size, now])
        }
    }
}

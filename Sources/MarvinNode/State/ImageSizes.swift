import GRDB

/// The image cache record (node-runtime §3.2, §6.4): per image reference, the last known size
/// on this node — the unpacked size after a pull, or the bytes a pull had downloaded when it
/// was cancelled for disk space. The disk check before the next pull of that reference asks
/// for this much free space on top of `deploy.min_free_bytes`.
public final class ImageSizes: Sendable {
    let store: NodeStateStore

    public init(store: NodeStateStore) {
        self.store = store
    }

    public func size(of reference: String) -> Int64? {
        try? store.read { db in try Int64.fetchOne(db, sql: "SELECT size FROM image_cache WHERE reference = ?", arguments: [reference]) }
    }

    /// `imageID` is empty while no pull of the reference has completed.
    public func remember(_ reference: String, size: Int64, imageID: String = "", now: Int64) throws {
        try store.write { db in
            try db.execute(
                sql: """
                    INSERT INTO image_cache (reference, image_id, size, last_use) VALUES (?, ?, ?, ?)
                    ON CONFLICT (reference) DO UPDATE SET
                        image_id = CASE WHEN excluded.image_id = '' THEN image_id ELSE excluded.image_id END,
                        size = excluded.size, last_use = excluded.last_use
                    """,
                arguments: [reference, imageID, size, now])
        }
    }
}

import Logging

/// `deploy.image_cache_bytes` (node-runtime §6.4, §6.5, table D7): the images of ended tasks
/// stay on the node under their reference, so a periodic experiment's next pull downloads only
/// what changed, over a metered link. The cache holds at most that many bytes (the unpacked
/// sizes of the `image_cache` table, so shared layers are counted more than once) and evicts
/// the least recently used image first: at cleanup when it is over its size, and before a
/// disk check is declared failed. 0 keeps nothing, as legacy nodes did.
public struct ImageCache: Sendable {
    let limit: Int64
    let sizes: ImageSizes
    let runtime: any TaskRuntime
    let logger: Logger

    var isEnabled: Bool { limit > 0 }

    /// Cleanup of a task (§9.6 step 6): its image is kept, or removed when the cache is off,
    /// the reference is pinned by digest, or the runtime keeps no images.
    func taskEnded(_ task: RunTask, now: Int64) async {
        guard isEnabled, let imageID = task.imageID, await runtime.cacheImage(for: task) else {
            await runtime.removeImage(for: task)
            return
        }
        do {
            if let replaced = try sizes.keep(task.script, imageID: imageID, now: now) {
                // The reference now names a newer image; the older one would be left untagged.
                await runtime.evictImage(replaced)
            }
        } catch {
            logger.error("image cache: cannot record \(task.script): \(error)")
        }
        var kept = sizes.kept()
        var total = kept.reduce(0) { $0 + $1.size }
        while total > limit, !kept.isEmpty {
            let oldest = kept.removeFirst()
            total -= oldest.size
            await evict(oldest.reference, because: "the cache holds more than \(limit) bytes")
        }
    }

    /// A pulled image the task must not keep (code 102): removed, also from the cache.
    func discard(_ task: RunTask) async {
        await runtime.removeImage(for: task)
        guard isEnabled else { return }
        await evict(task.script, because: "its task exceeded its storage quota")
    }

    /// Frees space for a disk check that failed: evicts the least recently used image other
    /// than `reference`; false when there is none left to evict.
    func evictOldest(sparing reference: String) async -> Bool {
        guard isEnabled, let oldest = sizes.kept().first(where: { $0.reference != reference }) else { return false }
        await evict(oldest.reference, because: "disk space is short")
        return true
    }

    private func evict(_ reference: String, because reason: String) async {
        await runtime.evictImage(reference)
        do {
            try sizes.evicted(reference)
        } catch {
            logger.error("image cache: cannot record the eviction of \(reference): \(error)")
        }
        logger.info("image cache: \(reference) removed, \(reason)")
    }
}

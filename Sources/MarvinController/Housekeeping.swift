import MarvinCore

/// Housekeeping (§5.16): monthly resets, queue expiry, post-run data refunds, expired ssh keys.
/// Runs at start-up, every `housekeeping.interval` and on `PUT /v1/backend/sync`; a failing
/// step is logged and the others still run.
extension Controller {
    func runHousekeeping(now: Int64) async {
        let storage = storage
        let quota = config.quota
        let steps: [(String, @Sendable () async throws -> Void)] = [
            ("monthly quota resets", { try await storage.applyDueResets(now: now) }),
            ("queue expiry", { try await storage.expireQueue(now: now) }),
            ("data refunds", { try await storage.refundUnusedData(now: now, settings: quota) }),
            ("ssh key expiry", { try await storage.deleteExpiredKeys(now: now) }),
        ]
        for (name, step) in steps {
            do {
                try await step()
            } catch {
                logger.error("housekeeping step failed", metadata: ["step": "\(name)", "error": "\(type(of: error))"])
            }
        }
        metrics.housekeepingRuns.increment()
    }
}

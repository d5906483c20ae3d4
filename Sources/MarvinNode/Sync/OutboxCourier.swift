import Logging

/// Delivers the outbox (node-runtime §4.4): after each successful heartbeat, and whenever a
/// report is queued while the ctld is reachable (a final status even when it is not, because
/// it frees the slot on the ctld). Entries of one task go strictly in order; a task whose
/// entry must be retried waits for the next flush. Nothing is sent during the idle period.
public actor OutboxCourier {
    let outbox: Outbox
    let client: ControllerClient
    let logger: Logger
    let metrics: NodeMetrics?
    public private(set) var online = false
    private var flushing = false
    private var again = false
    /// The idle period (§7.4): nothing leaves the node.
    private var isSuspended: @Sendable () async -> Bool = { false }

    public init(outbox: Outbox, client: ControllerClient, logger: Logger, metrics: NodeMetrics? = nil) {
        self.outbox = outbox
        self.client = client
        self.logger = logger
        self.metrics = metrics
    }

    public func setOnline(_ value: Bool) { online = value }
    public func suspend(while condition: @escaping @Sendable () async -> Bool) { isSuspended = condition }

    /// A report was queued.
    public func queued(final: Bool) async {
        if online || final { await flush() }
    }

    public func flush() async {
        guard await !isSuspended() else { return }
        if flushing {
            again = true
            return
        }
        flushing = true
        defer { flushing = false }
        repeat {
            again = false
            let entries: [Outbox.Entry]
            do {
                entries = try outbox.pending()
            } catch {
                logger.error("outbox: cannot read: \(error)")
                return
            }
            var waiting: Set<String> = []
            for entry in entries where !waiting.contains(entry.schedid) {
                if await isSuspended() { return }
                let outcome = await client.deliver(entry)
                do {
                    try outbox.settle(entry, outcome)
                } catch {
                    logger.error("outbox: cannot record a delivery: \(error)")
                    return
                }
                let result = switch outcome {
                case .delivered: "delivered"
                case .dropped: "dropped"
                case .retry: "retry"
                }
                metrics?.reportDelivered(kind: entry.kind, result: result)
                switch outcome {
                case .delivered:
                    logger.info("task \(entry.schedid): \(entry.kind) report delivered")
                case .dropped(let reason, let error):
                    if error { logger.error("task \(entry.schedid): \(entry.kind) report dropped: \(reason)") } else {
                        logger.warning("task \(entry.schedid): \(entry.kind) report dropped: \(reason)")
                    }
                case .retry(let reason):
                    logger.info("task \(entry.schedid): \(entry.kind) report kept for later: \(reason)")
                    waiting.insert(entry.schedid)
                    if reason == "ctld unreachable" {
                        online = false
                        return
                    }
                }
            }
        } while again
    }
}

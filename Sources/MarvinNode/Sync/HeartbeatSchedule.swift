/// When the next heartbeat goes out (node-runtime §4.6): `period ± jitter` after a success;
/// after `k` consecutive failures `min(period × 2^k, backoff_max) ± jitter`, or the server's
/// `Retry-After` when that is larger, always capped by `backoff_max`.
public struct HeartbeatSchedule: Sendable {
    public var period: Int64
    public var jitter: Int64
    public var backoffMax: Int64

    public init(period: Int64, jitter: Int64, backoffMax: Int64) {
        self.period = period
        self.jitter = jitter
        self.backoffMax = backoffMax
    }

    /// Seconds until the next attempt; `randomJitter` is drawn from `-jitter...jitter`.
    public func delay(consecutiveFailures k: Int, retryAfter: Int64? = nil, randomJitter: Int64) -> Int64 {
        var base = period
        if k > 0 {
            let factor: Int64 = k >= 62 ? .max : 1 << k
            let (scaled, overflow) = period.multipliedReportingOverflow(by: factor)
            base = min(overflow ? .max : scaled, backoffMax)
            if let retryAfter, retryAfter > base { base = min(retryAfter, backoffMax) }
        }
        return max(0, base + max(-jitter, min(jitter, randomJitter)))
    }

    public func delay<G: RandomNumberGenerator>(consecutiveFailures k: Int, retryAfter: Int64? = nil, using generator: inout G) -> Int64 {
        delay(consecutiveFailures: k, retryAfter: retryAfter, randomJitter: Int64.random(in: -jitter...jitter, using: &generator))
    }
}

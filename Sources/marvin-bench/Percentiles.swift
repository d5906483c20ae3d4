import MarvinCore

/// Latencies of one phase, summarised by nearest-rank percentiles (no interpolation, so every
/// printed figure is a latency that was actually measured).
struct LatencySample {
    private(set) var nanoseconds: [Int64] = []

    mutating func record(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        nanoseconds.append(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    mutating func merge(_ other: LatencySample) {
        nanoseconds += other.nanoseconds
    }

    var count: Int { nanoseconds.count }

    /// Nearest-rank percentile `p` (0...100) in milliseconds; nil without samples.
    func percentile(_ p: Double) -> Double? {
        guard !nanoseconds.isEmpty else { return nil }
        let sorted = nanoseconds.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return Double(sorted[min(max(rank, 1), sorted.count) - 1]) / 1_000_000
    }

    var maximum: Double? { nanoseconds.max().map { Double($0) / 1_000_000 } }
}

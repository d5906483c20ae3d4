import Foundation

/// The engine's RFC 3339 times with up to nine fraction digits (`docker logs -t`,
/// `State.FinishedAt`), compared exactly by whole seconds and nanoseconds.
struct DockerTime: Comparable, Sendable {
    var seconds: Int64
    var nanoseconds: Int64

    init?(_ text: some StringProtocol) {
        guard text.hasSuffix("Z"), text.count >= 20 else { return nil }
        let body = text.dropLast()
        let whole = body.prefix(19)
        var fraction = body.dropFirst(19)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: whole + "Z") else { return nil }
        seconds = Int64(date.timeIntervalSince1970)
        nanoseconds = 0
        if fraction.hasPrefix(".") {
            fraction = fraction.dropFirst()
            guard !fraction.isEmpty, fraction.count <= 9, fraction.allSatisfy(\.isNumber) else { return nil }
            nanoseconds = Int64(fraction + String(repeating: "0", count: 9 - fraction.count)) ?? 0
        }
    }

    /// `seconds.nanoseconds`, the form of the logs endpoint's `since`.
    var unix: String { String(format: "%lld.%09lld", seconds, nanoseconds) }
    var interval: Double { Double(seconds) + Double(nanoseconds) / 1e9 }

    static func < (a: DockerTime, b: DockerTime) -> Bool {
        (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds)
    }
}

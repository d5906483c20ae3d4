import Foundation

/// The engine's RFC 3339 times with up to nine fraction digits (`docker logs -t`,
/// `State.FinishedAt`), compared exactly by whole seconds and nanoseconds.
struct DockerTime: Comparable, Sendable {
    var seconds: Int64
    var nanoseconds: Int64

    init?(_ text: some StringProtocol) {
        // YYYY-MM-DDTHH:MM:SS[.fraction]Z, read by hand (no ICU).
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z"), bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":") else { return nil }
        func number(_ range: Range<Int>) -> Int32? {
            var value: Int32 = 0
            for byte in bytes[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int32(byte - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19) else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        seconds = Int64(timegm(&parts))
        nanoseconds = 0
        let fraction = bytes[19..<(bytes.count - 1)]
        if !fraction.isEmpty {
            let digits = fraction.dropFirst()
            guard fraction.first == UInt8(ascii: "."), (1...9).contains(digits.count), digits.allSatisfy({ (48...57).contains($0) }) else { return nil }
            nanoseconds = digits.reduce(Int64(0)) { $0 * 10 + Int64($1 - 48) } * Int64(pow(10.0, Double(9 - digits.count)))
        }
    }

    /// The current time.
    static var now: DockerTime {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return DockerTime(seconds: Int64(time.tv_sec), nanoseconds: Int64(time.tv_nsec))
    }

    init(seconds: Int64, nanoseconds: Int64) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// `seconds.nanoseconds`, the form of the logs and events endpoints' `since` and `until`.
    var unix: String { String(format: "%lld.%09lld", seconds, nanoseconds) }
    var interval: Double { Double(seconds) + Double(nanoseconds) / 1e9 }

    static func < (a: DockerTime, b: DockerTime) -> Bool {
        (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds)
    }
}

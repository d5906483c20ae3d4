import Foundation

/// A daily maintenance window in UTC, `HH:MM-HH:MM` (§5.5). A window whose end is not after
/// its start crosses midnight.
public struct MaintenanceWindow: Sendable, Equatable, CustomStringConvertible {
    /// Seconds after midnight UTC.
    public let start: Int64
    public let end: Int64

    public init?(parsing text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = Self.secondsOfDay(parts[0]), let end = Self.secondsOfDay(parts[1]) else {
            return nil
        }
        self.start = start
        self.end = end
    }

    private static func secondsOfDay(_ text: Substring) -> Int64? {
        let fields = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 2, fields.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let hours = Int64(fields[0]), let minutes = Int64(fields[1]), hours < 24, minutes < 60
        else { return nil }
        return hours * 3600 + minutes * 60
    }

    /// Length of one occurrence in seconds.
    public var length: Int64 { end > start ? end - start : end + 86400 - start }

    public var description: String {
        func hhmm(_ s: Int64) -> String { String(format: "%02d:%02d", s / 3600, (s % 3600) / 60) }
        return "\(hhmm(start))-\(hhmm(end))"
    }

    /// Occurrences `[a, b]` that overlap the open range `(from, to)`, in ascending order.
    public func occurrences(from: Int64, to: Int64) -> [ClosedRange<Int64>] {
        var result: [ClosedRange<Int64>] = []
        // An occurrence starting the day before `from` may still reach into the range.
        var day = floorDiv(from, 86400) - 1
        while true {
            let a = day * 86400 + start
            if a >= to { break }
            let b = a + length
            if b > from { result.append(a...b) }
            day += 1
        }
        return result
    }

    /// Does `[s, e]` touch an occurrence: `s < b` and `e > a`?
    public func touches(start s: Int64, stop e: Int64) -> Bool {
        !occurrences(from: s, to: e).isEmpty
    }
}

extension Array where Element == MaintenanceWindow {
    public func touch(start: Int64, stop: Int64) -> Bool {
        contains { $0.touches(start: start, stop: stop) }
    }

    /// Start and end instants of every occurrence strictly inside `(from, to)`.
    public func boundaries(from: Int64, to: Int64) -> [Int64] {
        flatMap { window in
            window.occurrences(from: from, to: to).flatMap { [$0.lowerBound, $0.upperBound] }
        }.filter { $0 > from && $0 < to }
    }
}

func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    a >= 0 ? a / b : -((-a + b - 1) / b)
}

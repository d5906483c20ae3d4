import Foundation

/// Times as the CLI reads and shows them: Unix seconds, an ISO 8601 UTC time
/// (`2026-12-02T10:00:00Z`), or `+<seconds>` from now; shown as `2026-12-02 10:00:00Z`.
public enum CLITime {
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public static func parse(_ text: String, now: Int64 = Int64(Date().timeIntervalSince1970)) throws(Invalid) -> Int64 {
        if text.hasPrefix("+"), let seconds = Int64(text.dropFirst()), seconds >= 0 { return now + seconds }
        if let unix = Int64(text) { return unix }
        if let date = ISO8601DateFormatter().date(from: text) { return Int64(date.timeIntervalSince1970) }
        throw Invalid(description: "\(text) is not a time: use Unix seconds, 2026-12-02T10:00:00Z or +600 (seconds from now)")
    }

    public static func show(_ unix: Int64?) -> String {
        guard let unix else { return "-" }
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date(timeIntervalSince1970: Double(unix))).replacingOccurrences(of: "T", with: " ")
    }
}

import Foundation

/// Calendar arithmetic the protocol needs, always in UTC.
public enum UTCCalendar {
    private static let calendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()

    /// The first day of the month after `time`, 00:00:00 UTC — the next quota reset.
    public static func firstOfNextMonth(after time: Int64) -> Int64 {
        let date = Date(timeIntervalSince1970: TimeInterval(time))
        let parts = calendar.dateComponents([.year, .month], from: date)
        var next = DateComponents()
        next.year = parts.year
        next.month = (parts.month ?? 1) + 1
        next.day = 1
        return Int64(calendar.date(from: next)!.timeIntervalSince1970)
    }

    /// `2026-03-02T12:08:20`: ISO-8601 without zone and fraction, as in sc1 messages.
    public static func isoText(_ time: Int64) -> String {
        let date = Date(timeIntervalSince1970: TimeInterval(time))
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d", p.year!, p.month!, p.day!, p.hour!, p.minute!, p.second!)
    }
}

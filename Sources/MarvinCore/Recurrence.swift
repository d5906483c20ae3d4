/// The `recurrence` option (§5.18): one interval, or a `simple` series every `period` seconds.
public enum Recurrence {
    public struct Rejected: Error, Equatable, Sendable {
        public let reason: String
    }

    public static func isNone(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .null?, .bool(false)?: return true
        case .int(0)?: return true
        case .double(let d)?: return d == 0
        case .string(let s)?: return s == "" || s == "0"
        default: return false
        }
    }

    /// Starts of the series for a first start `start`; throws the 409 reason of a broken rule.
    public static func starts(
        start: Int64, duration: Int64, recurrence: JSONValue?, period: Int64, until: Int64?,
        now: Int64, policy: SchedulingPolicy
    ) throws(Rejected) -> [Int64] {
        if isNone(recurrence) { return [start] }
        guard recurrence == .string("simple") else { throw Rejected(reason: "Unsupported recurrence scheme") }
        let end = min(until ?? 0, now + policy.horizon)
        if end < start { throw Rejected(reason: "End of recurrence set to before start time.") }
        if period < duration { throw Rejected(reason: "Recurrence period too small. Must be greater than task runtime.") }
        if period < policy.recurrenceMin {
            throw Rejected(reason: "Recurrence period too small. Must be greater than \(policy.recurrenceMin) seconds.")
        }
        if policy.recurrenceStep > 0, period % policy.recurrenceStep != 0 {
            throw Rejected(reason: "Recurrence must be a multiple of \(policy.recurrenceStep) seconds.")
        }
        var result: [Int64] = []
        var t = start
        while t < end {
            result.append(t)
            let (next, overflow) = t.addingReportingOverflow(period)
            if overflow { break }
            t = next
        }
        // `until` equal to the start leaves no interval at all.
        if result.isEmpty { throw Rejected(reason: "End of recurrence set to before start time.") }
        return result
    }
}

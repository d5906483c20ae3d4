/// Products of request numbers (node counts, durations, byte amounts) that a caller may make
/// arbitrarily large: they saturate at the largest value instead of trapping, so the quota
/// check that follows refuses them with its ordinary answer.
extension Int64 {
    public static func saturatingProduct(_ factors: Int64...) -> Int64 {
        var result: Int64 = 1
        for factor in factors {
            let (product, overflow) = result.multipliedReportingOverflow(by: factor)
            if overflow { return (result < 0) != (factor < 0) ? .min : .max }
            result = product
        }
        return result
    }
}

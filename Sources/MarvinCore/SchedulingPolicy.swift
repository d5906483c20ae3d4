/// The configurable policy numbers of the scheduler (§8 `policy`), with the legacy defaults.
public struct SchedulingPolicy: Sendable, Equatable {
    public var leadTime: Int64 = 60
    public var asapSlack: Int64 = 10
    public var minRuntime: Int64 = 60
    public var maxRuntime: Int64 = 90000
    public var horizon: Int64 = 3_456_000
    public var padding: Int64 = 120
    public var recurrenceMin: Int64 = 1200
    public var recurrenceStep: Int64 = 1200
    public var maintenanceWindows: [MaintenanceWindow] = ["09:30-10:00", "21:30-22:00"].compactMap(MaintenanceWindow.init(parsing:))
    public var maxStorage: Int64 = 1_048_576_000
    public var maxTraffic: Int64 = 3_145_728_000
    public var heartbeatMaxAge: Int64 = 172_800
    public var heartbeatMaxAgeImmediate: Int64 = 600
    public var immediateWindow: Int64 = 1200
    public var lpqDefaultWindow: Int64 = 86400
    public var findMaxResults: Int64 = 100
    public var internalFingerprints: [String] = []

    public init() {}
}

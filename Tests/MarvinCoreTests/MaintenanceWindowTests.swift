import Testing

@testable import MarvinCore

/// Maintenance windows (§5.5), including windows and intervals that cross midnight.
@Suite struct MaintenanceWindowTests {
    static let defaults = ["09:30-10:00", "21:30-22:00"].compactMap(MaintenanceWindow.init(parsing:))
    // 2026-03-02 21:30 and 22:00 UTC (fixture F)
    static let evening: Int64 = 1_772_487_000

    @Test func parsing() {
        #expect(MaintenanceWindow(parsing: "25:00-26:00") == nil)
        #expect(MaintenanceWindow(parsing: "9:30-10:00") == nil)
        #expect(MaintenanceWindow(parsing: "09:30") == nil)
        #expect(MaintenanceWindow(parsing: "23:30-00:30")?.length == 3600)
        #expect(MaintenanceWindow(parsing: "09:30-10:00")?.description == "09:30-10:00")
    }

    @Test func touchingIsStrict() {
        #expect(Self.defaults.touch(start: Self.evening - 300, stop: Self.evening + 300))
        #expect(!Self.defaults.touch(start: Self.evening - 600, stop: Self.evening))  // ends exactly at the start
        #expect(!Self.defaults.touch(start: Self.evening + 1800, stop: Self.evening + 2400))  // starts exactly at the end
    }

    @Test func intervalCrossingMidnightMeetsNextMorning() {
        // 23:00 → 10:06:40 next day touches the 09:30 window; ending at 09:30 does not.
        #expect(Self.defaults.touch(start: 1_772_492_400, stop: 1_772_532_400))
        #expect(!Self.defaults.touch(start: 1_772_492_400, stop: 1_772_530_200))
    }

    @Test func windowCrossingMidnight() {
        let windows = [MaintenanceWindow(parsing: "23:50-00:10")!]
        #expect(windows.touch(start: 1_772_495_700, stop: 1_772_496_300))  // 23:55
        #expect(!windows.touch(start: 1_772_496_600, stop: 1_772_497_200))  // 00:10
        #expect(!windows.touch(start: 1_772_494_800, stop: 1_772_495_400))  // 23:40–23:50
        #expect(windows.boundaries(from: 1_772_490_000, to: 1_772_500_000) == [1_772_495_400, 1_772_496_600])
    }
}

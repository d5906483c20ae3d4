import Foundation
import Testing

@testable import MarvinNode

/// Time stamps of the phase logs (`<RFC 3339 UTC>`, §6.1) and of `container.log` (nanoseconds,
/// like `docker logs -t`, §8.3), formatted without ICU.
@Suite struct LogFormatTests {
    @Test func phaseLogAndContainerLogTimestamps() {
        #expect(PhaseLog.timestamp(Date(timeIntervalSince1970: 1_796_119_200.5)) == "2026-12-01T10:00:00.500Z")
        #expect(PhaseLog.timestamp(Date(timeIntervalSince1970: 1_796_119_200.007)) == "2026-12-01T10:00:00.007Z")
        #expect(ContainerLog.timestamp(timespec(tv_sec: 1_796_119_200, tv_nsec: 42)) == "2026-12-01T10:00:00.000000042Z")
        #expect(DockerTime(ContainerLog.timestamp(timespec(tv_sec: 1_796_119_200, tv_nsec: 42)))?.unix == "1796119200.000000042")
        #expect(DockerTime("2026-12-01T10:00:00Z")?.seconds == 1_796_119_200)
        for bad in ["2026-12-01 10:00:00Z", "2026-12-01T10:00:00.Z", "2026-12-01T10:00:00.1234567890Z", "2026-12-01T10:00:00", "x"] {
            #expect(DockerTime(bad) == nil, "\(bad)")
        }
    }
}

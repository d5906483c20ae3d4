import Foundation
import Testing

/// Scenario 182: `/metrics` on its own listener, or switched off, with the real binary.
@Suite(.enabled(if: Integration.enabled("curl")))
struct MetricsListenerTests {
    @Test func scenario182_dedicatedPortAndDisabled() throws {
        let curl = try Curl()
        for enabled in [true, false] {
            let directory = try Integration.temporaryDirectory("ctld-metrics")
            defer { try? FileManager.default.removeItem(at: directory) }
            let metricsPort = Integration.freePort()
            let ctld = try CtldProcess(directory: directory, yaml: "metrics:\n  enabled: \(enabled)\n  port: \(metricsPort)")
            try ctld.start()
            defer { ctld.stop() }
            try curl.waitUntilAnswering("http://127.0.0.1:\(ctld.port)/version")
            let onAPI = try curl.request("http://127.0.0.1:\(ctld.port)/metrics")
            #expect(onAPI.status == 404)
            #expect(onAPI.json == ["message": "not found"])
            if enabled {
                try curl.waitUntilAnswering("http://127.0.0.1:\(metricsPort)/metrics")
                let dedicated = try curl.request("http://127.0.0.1:\(metricsPort)/metrics")
                #expect(dedicated.status == 200)
                #expect(dedicated.body.contains("marvinctld_http_requests_total"))
            } else {
                try curl.waitUntilAnswering("http://127.0.0.1:\(metricsPort)/metrics")
                let off = try curl.request("http://127.0.0.1:\(metricsPort)/metrics")
                #expect(off.status == 404)
                #expect(off.json == ["message": "not found"])
            }
        }
    }
}

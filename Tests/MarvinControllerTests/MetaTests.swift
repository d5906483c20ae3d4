import Foundation
import MarvinCore
import Testing

@testable import MarvinController

/// §11.14 Meta: the OpenAPI document and the metrics (the dedicated metrics listener of
/// scenario 182 is covered by the integration tests with the real binary).
@Suite struct MetaTests {
    @Test func scenario180_openAPIDocument() async throws {
        try await withFixture { _, client in
            let reply = try await client.call(.get, "/v1/openapi.json")
            #expect(reply.status == 200)
            let document = try #require(reply.json)
            #expect(document["openapi"]?.stringValue?.hasPrefix("3.1") == true)
            let paths = Set(document["paths"]?.objectValue?.keys.map { $0 } ?? [])
            let routes = [
                "/version", "/metrics", "/v1/openapi.json", "/v1/resources", "/v1/resources/{nodeid}", "/v1/resources/{nodeid}/schedules",
                "/v1/resources/{nodeid}/experiments", "/v1/resources/{nodeid}/all", "/v1/resources/{nodeid}/journals",
                "/v1/resources/{nodeid}/journals/{iccid}", "/v1/users", "/v1/users/{userid}", "/v1/users/{userid}/schedules",
                "/v1/users/{userid}/experiments", "/v1/users/{userid}/journals", "/v1/experiments", "/v1/experiments/{expid}",
                "/v1/experiments/{expid}/schedules", "/v1/experiments/{expid}/schedule", "/v1/experiments/{expid}/schedules/{schedid}",
                "/v1/experiments/{expid}/schedule/{schedid}", "/v1/experiments/{into}/{from}", "/v1/schedules", "/v1/schedules/find",
                "/v1/schedules/{schedid}", "/v1/backend/auth", "/v1/backend/activity", "/v1/backend/pubkeys", "/v1/backend/sync",
            ]
            for route in routes {
                #expect(paths.contains(route), "no path item for \(route)")
                // Every template the server routes by is a documented path.
                let concrete = route.replacingOccurrences(of: "{from}", with: "2").replacingOccurrences(of: "{into}", with: "1")
                    .replacingOccurrences(of: "{schedid}", with: "1").replacingOccurrences(of: "{expid}", with: "1")
                    .replacingOccurrences(of: "{nodeid}", with: "1").replacingOccurrences(of: "{userid}", with: "1")
                    .replacingOccurrences(of: "{iccid}", with: "x")
                #expect(RouteTable.match(path: concrete, metricsOnAPI: true)?.template == route, "\(concrete)")
            }
            #expect(document["info"]?["description"]?.stringValue?.contains("/v1/backend/") == true, "R28 is described in text")
        }
    }

    @Test func scenario181_metricsCarryNoSecrets() async throws {
        try await withFixture { _, client in
            let secret = try await client.alloc(["options": ["_secret": "s3cr3t", "foo": "bar"]])
            #expect(secret.status == 201)
            let refused = try await client.alloc(["options": ["_secret": "s3cr3t", "storage": -1]])
            #expect(refused.status == 400)
            #expect(!refused.text.contains("s3cr3t"))
            let auth = try await client.call(.get, "/v1/backend/auth", as: .alice)
            #expect(auth.status == 200)
            let metrics = try await client.call(.get, "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.headers[.contentType] == "text/plain; version=0.0.4")
            for series in ["marvinctld_http_requests_total", "marvinctld_heartbeats_total", "marvinctld_http_request_duration_seconds",
                           "marvinctld_allocations_total", "marvinctld_nodes", "marvinctld_tasks", "marvinctld_housekeeping_runs_total"] {
                #expect(metrics.text.contains(series), "\(series) missing")
            }
            #expect(metrics.text.contains(#"marvinctld_allocations_total{result="ok"} 1"#))
            #expect(metrics.text.contains(#"marvinctld_allocations_total{result="rejected"} 1"#))
            #expect(metrics.text.contains(#"marvinctld_nodes{status="active"} 4"#))
            #expect(metrics.text.contains(#"route="/v1/schedules/{schedid}""#) || metrics.text.contains(#"route="/v1/experiments""#))
            #expect(!metrics.text.contains("s3cr3t"))
            #expect(!metrics.text.contains(String(repeating: "b", count: 40)))
        }
    }
}

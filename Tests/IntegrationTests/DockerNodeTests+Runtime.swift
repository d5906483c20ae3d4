import Foundation
import Logging
import MarvinCore
import MarvinNode
import Testing

/// The Docker runtime on its own against the real engine and registry (node-runtime §6.3,
/// §6.5): pull with deployment bytes, tagging and untagging, and the failure codes. In the
/// serialized Docker suite, because a layer another test pulled would count 0 bytes here.
extension DockerNodeTests {
    @Test func pullTagsTheImageAndCountsDownloadedLayers() async throws {
        let docker = try DockerTestbed.require()
        try DockerTestbed.reset()
        var config = NodeConfig()
        config.docker.socket = docker.socket
        config.deploy.minFreeBytes = 1_000_000
        let runtime = DockerRuntime(config: config, logger: Logger(label: "test"))
        let directory = try Integration.temporaryDirectory("docker-runtime")
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = PhaseLog(directory: directory.path, redaction: Redaction(options: [:]))
        let schedid = "rt\(UUID().uuidString.prefix(6).lowercased())"
        let task = RunTask(schedid: schedid, expID: 1, script: "\(docker.registry)/marvin/experiment:1", stop: 0)
        do {
            let image = try await runtime.prepare(task, log: log)
            #expect(image.imageID.hasPrefix("sha256:"))
            #expect(image.deploymentBytes > 100_000, "\(image.deploymentBytes) bytes: the compressed size of the one layer")
            #expect(await runtime.hasImage(image.imageID, for: task))
            #expect(try DockerTestbed.api("/images/monroe-\(schedid):latest/json").status == 200)
            await runtime.removeImage(for: task)
            #expect(try DockerTestbed.api("/images/monroe-\(schedid):latest/json").status == 404)

            let missing = RunTask(schedid: schedid, expID: 1, script: "\(docker.registry)/marvin/experiment:nope", stop: 0)
            await #expect(throws: RuntimeFailure.self) { _ = try await runtime.prepare(missing, log: log) }
            do {
                _ = try await runtime.prepare(missing, log: log)
            } catch {
                #expect(error.code == 100, "manifest unknown is code 100: \(error)")
            }
        } catch {
            Issue.record("\(error)")
        }
        await runtime.shutdown()
    }
}

import Foundation
import MarvinCore
import MarvinNode
import Testing

/// Pulls from a slow or stalling registry (node-runtime §6.3, §6.8): the real registry behind
/// `scripts/slow-proxy.py`, with timings shortened from the spec's minutes to seconds.
extension DockerNodeTests {
    /// When the first pull of a task began, from its `deploy.log`.
    static func pullsStarted(_ bed: NodeTestbed, _ schedid: String) -> [Double] {
        bed.deployLog(schedid).split(separator: "\n").filter { $0.contains(" pulling ") }
            .compactMap { time(String($0.prefix { $0 != " " })) }
    }

    /// `docker.registry_auth_file`: a registry that asks for a password refuses the pull
    /// (code 100) until the file holds its credentials, read at the next attempt; the password
    /// appears in no log.
    @Test func registryCredentialsFromTheAuthFile() async throws {
        let registry = try #require(DockerTestbed.authRegistry, "scripts/docker-testbed.sh starts the password registry")
        let authFile = FileManager.default.temporaryDirectory.appendingPathComponent("marvin-registry-auth-\(UUID().uuidString).json").path
        defer { unlink(authFile) }
        let bed = try Self.testbed("docker-auth", overrides: ["docker": ["registry_auth_file": .string(authFile)]])
        defer { bed.close() }
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(90)
        let schedid = try #require(try bed.submit(script: "\(registry)/marvin/experiment:1", start: start, stop: start + 10).tasks.first)
        #expect(try await bed.waitForStatus(schedid, ["delayed", "deployed", "failed"], seconds: 30) == "delayed; container does not exist, or i/o timeout", "\(bed.daemonLog)")
        let auths: JSONValue = ["auths": .object([registry: ["auth": .string(Data("tester:s3cret-pw".utf8).base64EncodedString())]])]
        try JSONWriter.write(auths).write(toFile: authFile, atomically: true, encoding: .utf8)
        #expect(try await bed.waitForStatus(schedid, ["deployed", "failed"], seconds: 30) == "deployed", "\(bed.daemonLog)")
        #expect(bed.result(schedid, "deploy.log")?.contains("with the credentials for \(registry) from the auth file") == true)
        for text in [bed.daemonLog, bed.result(schedid, "deploy.log") ?? "", (try? String(contentsOfFile: bed.path("marvind.log"), encoding: .utf8)) ?? ""] {
            #expect(!text.contains("s3cret-pw") && !text.contains(Data("tester:s3cret-pw".utf8).base64EncodedString()))
        }
    }

    /// Deployment bytes across a restart (§6.3): marvind is killed while a slow pull of a
    /// two-layer image has finished one layer; the pull redone after the restart may find that
    /// layer present, and the deployment bytes still count both layers, once each.
    @Test func deploymentBytesCountEveryLayerOnceAcrossARestart() async throws {
        let docker = try DockerTestbed.require()
        let bed = try Self.testbed("docker-layers")
        defer { bed.close() }
        let registry = try await SlowRegistry(directory: bed.directory, rate: 200_000)
        defer { registry.stop() }
        let manifest = try bed.curl.request("http://\(docker.registry)/v2/marvin/experiment-layers/manifests/1",
                                            headers: ["Accept": "application/vnd.docker.distribution.manifest.v2+json"]).json
        let layers = (manifest?["layers"]?.arrayValue ?? []).compactMap { $0["size"]?.integerValue }
        try #require(layers.count == 2, "\(String(describing: manifest))")
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(90)
        let schedid = try #require(try bed.submit(script: "\(registry.address)/marvin/experiment-layers:1", start: start, stop: start + 10).tasks.first)
        let store = try NodeStateStore(path: bed.path("state/marvind.db"), readOnly: true)
        #expect(await Self.waitUntil(30) { ((try? TaskStore(store: store).pulledLayers(schedid)) ?? [:]).count == 1 }, "\(bed.daemonLog)")
        bed.killDaemon()
        try bed.startDaemon()
        #expect(try await bed.waitForStatus(schedid, ["deployed", "failed"], seconds: 60) == "deployed", "\(bed.daemonLog)")
        let report = try bed.curl.request("\(bed.api)/schedules/\(schedid)", certificate: bed.alice, caFile: bed.pki.caCertificate).json?["report"]
        #expect(report?["deployment"]?.integerValue == layers.reduce(0, +), "both layers once: \(String(describing: report)), layers \(layers)")
    }

    /// §6.3 "Experiments have priority": a slow pull still going when another task starts
    /// preparing is cancelled (`delayed; currently running another experiment`) and begins again
    /// after that task's cleanup.
    @Test func pullGivesWayToAnExperiment() async throws {
        let bed = try Self.testbed("docker-give-way")
        defer { bed.close() }
        // 3 MB at 60 kB/s: the pull takes 50 s, so it is still going at the other task's pre-start.
        let registry = try await SlowRegistry(directory: bed.directory, rate: 60_000)
        defer { registry.stop() }
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(35)
        let running = try #require(try bed.submit(script: Self.image, start: start, stop: start + 6, options: ["mode": "long"]).tasks.first)
        #expect(try await bed.waitForStatus(running, ["deployed"], seconds: 20) == "deployed", "\(bed.daemonLog)")
        let pulling = try #require(try bed.submit(script: "\(registry.address)/marvin/experiment-big:1", start: start + 120, stop: start + 130).tasks.first)
        #expect(try await bed.waitForStatus(running, ["started"], seconds: 40) == "started", "\(bed.daemonLog)")
        #expect(try await bed.waitForStatus(pulling, ["delayed", "deployed"], seconds: 10) == "delayed; currently running another experiment", "\(bed.daemonLog)")
        #expect(bed.daemonLog.contains("task \(pulling): deploy code 105: pull cancelled: another experiment is preparing"), "\(bed.daemonLog)")
        #expect(try await bed.waitForStatus(pulling, ["deployed", "failed"], seconds: 90) == "deployed", "\(bed.daemonLog)")
        let pulls = Self.pullsStarted(bed, pulling)
        #expect(pulls.count == 2 && pulls[1] >= Double(start + 6), "pulled again after the run: \(pulls)")
    }

    /// Scenario 80: an abort while the image downloads closes the pull's connection at once;
    /// no image of the task is left, and its `deploy.log` is kept for the sync.
    @Test func scenario080_abortDuringThePull() async throws {
        let bed = try Self.testbed("docker-abort-pull")
        defer { bed.close() }
        // 3 MB at 100 kB/s: the pull would take 30 s.
        let registry = try await SlowRegistry(directory: bed.directory, rate: 100_000)
        defer { registry.stop() }
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(120)
        let reference = "\(registry.address)/marvin/experiment-big:1"
        let submitted = try bed.submit(script: reference, start: start, stop: start + 10)
        let schedid = try #require(submitted.tasks.first)
        #expect(await Self.waitUntil(20) { !Self.pullsStarted(bed, schedid).isEmpty }, "\(bed.daemonLog)")
        try await Task.sleep(nanoseconds: 5_000_000_000)
        let aborted = Date().timeIntervalSince1970
        #expect(try bed.deleteExperiment(submitted.experiment) == 200)
        #expect(await Self.waitUntil(15) { !registry.downloads(over: 100_000).isEmpty }, "the pull's connection is closed")
        let download = registry.downloads(over: 100_000).first
        // The node learns of the abort at its next heartbeat (every 10 s here).
        #expect((download?.last ?? .infinity) < aborted + 12 && (download?.bytes ?? .max) < 3_000_000, "\(String(describing: download))")
        try await Task.sleep(nanoseconds: 3_000_000_000)
        for image in ["monroe-\(schedid):latest", reference] {
            #expect(try DockerTestbed.api("/images/\(image.replacingOccurrences(of: "/", with: "%2F"))/json").status == 404, "\(image) is not on the node")
        }
        #expect(bed.deployLog(schedid).contains("pulling \(reference)"), "deploy.log is kept")
    }

    /// Scenario 27 (a pull of about 12 s, `background_report_after: 5`): after 5 s the task
    /// reports `delayed; container downloading in background` once, then `deployed`; the
    /// registry served one download.
    @Test func scenario027_slowPullReportsBackgroundDownload() async throws {
        let bed = try Self.testbed("docker-slow", overrides: ["deploy": ["background_report_after": 5]])
        defer { bed.close() }
        let registry = try await SlowRegistry(directory: bed.directory, rate: 250_000)
        defer { registry.stop() }
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(90)
        let schedid = try #require(try bed.submit(script: "\(registry.address)/marvin/experiment-big:1", start: start, stop: start + 10).tasks.first)
        #expect(try await bed.waitForStatus(schedid, ["delayed", "deployed", "failed"], seconds: 30) == "delayed; container downloading in background", "\(bed.daemonLog)")
        let reported = Date().timeIntervalSince1970
        #expect(try await bed.waitForStatus(schedid, ["deployed", "failed"], seconds: 40) == "deployed", "\(bed.daemonLog)")
        let pulled = try #require(Self.pullsStarted(bed, schedid).first)
        #expect(abs(reported - pulled - 5) <= 2, "reported \(reported - pulled) s after the pull began")
        #expect(registry.downloads(over: 1_000_000).count == 1, "one download: \(registry.downloads(over: 1_000_000))")
        #expect(bed.daemonLog.components(separatedBy: "status queued: delayed; container downloading in background").count == 2, "reported once")
    }

    /// Scenario 28: two tasks with different images behind the slow registry. Their downloads
    /// never overlap, and the second reports `delayed; container downloading in background`
    /// while it waits for the pull slot.
    @Test func scenario028_onePullAtATime() async throws {
        let bed = try Self.testbed("docker-one-pull", overrides: ["deploy": ["background_report_after": 5]])
        defer { bed.close() }
        let registry = try await SlowRegistry(directory: bed.directory, rate: 300_000)
        defer { registry.stop() }
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(90)
        let first = try #require(try bed.submit(script: "\(registry.address)/marvin/experiment-big:1", start: start, stop: start + 10).tasks.first)
        let second = try #require(try bed.submit(script: "\(registry.address)/marvin/experiment-big:2", start: start + 20, stop: start + 30).tasks.first)
        for schedid in [first, second] {
            #expect(try await bed.waitForStatus(schedid, ["deployed", "failed"], seconds: 60) == "deployed", "\(bed.daemonLog)")
        }
        let downloads = registry.downloads(over: 1_000_000).sorted { $0.first < $1.first }
        #expect(downloads.count == 2, "\(downloads)")
        if downloads.count == 2 { #expect(downloads[0].last <= downloads[1].first, "the downloads overlap: \(downloads)") }
        #expect(bed.daemonLog.contains("task \(second): status queued: delayed; container downloading in background"), "\(bed.daemonLog)")
    }

    /// Scenario 30 (`pull_timeout: 6`): the registry stalls mid-layer; at 6 ± 1 s the pull is
    /// closed and the task fails.
    @Test func scenario030_pullTimeout() async throws {
        let bed = try Self.testbed("docker-pull-timeout", overrides: ["deploy": ["pull_timeout": 6]])
        defer { bed.close() }
        let registry = try await SlowRegistry(directory: bed.directory, rate: 1_000_000, stallAfter: 1_000_000)
        defer { registry.stop() }
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(90)
        let schedid = try #require(try bed.submit(script: "\(registry.address)/marvin/experiment-big:1", start: start, stop: start + 10).tasks.first)
        #expect(try await bed.waitForStatus(schedid, ["failed", "deployed"], seconds: 30) == "failed; container downloading timeout", "\(bed.daemonLog)")
        let failed = Date().timeIntervalSince1970
        let pulled = try #require(Self.pullsStarted(bed, schedid).first)
        #expect(abs(failed - pulled - 6) <= 1.5, "failed \(failed - pulled) s after the pull began")
    }

    /// Scenario 32 with short timings: the deploy deadline (`stop − late_start_min_runtime`)
    /// passes during a stalled pull; the pull is cancelled at the deadline and no container
    /// is ever created.
    @Test func scenario032_stopPassesDuringThePull() async throws {
        let bed = try Self.testbed("docker-stalled")
        defer { bed.close() }
        let registry = try await SlowRegistry(directory: bed.directory, rate: 1_000_000, stallAfter: 1_000_000)
        defer { registry.stop() }
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(15)
        let stop = start + 10
        let schedid = try #require(try bed.submit(script: "\(registry.address)/marvin/experiment-big:1", start: start, stop: stop).tasks.first)
        #expect(try await bed.waitForStatus(schedid, ["failed", "deployed"], seconds: 40) == "failed; deployment time exceeded stop time", "\(bed.daemonLog)")
        let failed = Date().timeIntervalSince1970
        #expect(abs(failed - Double(stop - 5)) <= 1.5, "failed \(failed - Double(stop)) s from the stop")
        #expect(!Self.pullsStarted(bed, schedid).isEmpty, "the pull had begun")
        let filters = "{\"label\":[\"org.monroe.schedid=\(schedid)\"]}".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        #expect(try DockerTestbed.api("/containers/json?all=1&filters=\(filters)").body.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }

    /// `deploy.image_cache_bytes` (§6.4, §6.5): the image of an ended task stays under its
    /// reference, so the next task with that reference downloads nothing; once the cache holds
    /// more than its size, the least recently used image goes. The two 3 MB images do not fit
    /// together in 4 MB.
    @Test func imageCacheKeepsTheLeastRecentlyUsedOut() async throws {
        let docker = try DockerTestbed.require()
        let bed = try Self.testbed("docker-image-cache", overrides: ["deploy": ["image_cache_bytes": 4_000_000]])
        defer { bed.close() }
        try await bed.startAndWaitForTheCtld()
        func image(_ tag: Int) -> String { "\(docker.registry)/marvin/experiment-big:\(tag)" }
        func present(_ name: String) -> Bool { (try? DockerTestbed.api("/images/\(name.replacingOccurrences(of: "/", with: "%2F"))/json").status) == 200 }
        /// Deploys a task of `tag` and cancels it before its start; its deployment bytes.
        func deployAndCancel(_ tag: Int) async throws -> Int64? {
            let start = NodeTestbed.inSeconds(300)
            let submitted = try bed.submit(script: image(tag), start: start, stop: start + 10)
            let schedid = try #require(submitted.tasks.first)
            #expect(try await bed.waitForStatus(schedid, ["deployed", "failed"], seconds: 60) == "deployed", "\(bed.daemonLog)")
            let bytes = try bed.curl.request("\(bed.api)/schedules/\(schedid)", certificate: bed.alice, caFile: bed.pki.caCertificate)
                .json?["report"]?["deployment"]?.integerValue
            #expect(try bed.deleteExperiment(submitted.experiment) == 200)
            #expect(await Self.waitUntil(30) { !present("monroe-\(schedid):latest") }, "cleanup removes the task's tag")
            return bytes
        }

        #expect(try await deployAndCancel(1) ?? 0 > 3_000_000)
        #expect(present(image(1)), "kept under its reference")
        #expect(try await deployAndCancel(1) == 0, "the cached image is used again: nothing downloaded")
        #expect(try await deployAndCancel(2) ?? 0 > 3_000_000)
        #expect(present(image(2)), "the most recently used image stays")
        #expect(!present(image(1)), "the least recently used image is evicted: \(bed.daemonLog)")
        #expect(bed.daemonLog.contains("image cache: \(image(1)) removed, the cache holds more than 4000000 bytes"))
    }
}

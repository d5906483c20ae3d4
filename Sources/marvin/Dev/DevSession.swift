import Foundation
import MarvinCLI
import MarvinCore
import MarvinMetadata
import MarvinNode

/// One run of the local testbed: brings up the ctld, the engine (or the process runtime) and
/// the node in order, submits the sample experiment and follows it; `stop()` ends whatever
/// was started, in reverse order.
final class DevSession: @unchecked Sendable {
    let directory: String
    let recordingPath: String
    let recording: MetadataRecording
    let useDocker: Bool
    /// Why experiments run as processes, for the user.
    let processReason: String
    let seconds: Int64
    let keep: Bool
    private var controller: DevController?
    private var engine: DevEngine?
    private var node: DevNode?
    private var programs: String?

    init(directory: String, recordingPath: String, recording: MetadataRecording, useDocker: Bool, processReason: String, seconds: Int64, keep: Bool) {
        self.directory = directory
        self.recordingPath = recordingPath
        self.recording = recording
        self.useDocker = useDocker
        self.processReason = processReason
        self.seconds = seconds
        self.keep = keep
    }

    /// Whether the sample experiment finished.
    func run() async throws -> Bool {
        let certificates = try await DevCertificates(directory: "\(directory)/certificates")
        let server = try await certificates.issue("ctld", commonName: "localhost", server: true)
        let nodeCertificate = try await certificates.issue("node", commonName: "dev-node-1")
        let experimenter = try await certificates.issue("experimenter", commonName: "experimenter")
        let identity = DevNode.Identity(recording: recording)
        let controller = try DevController.start(
            directory: "\(directory)/ctld", certificates: certificates, server: server,
            principals: [("Node \(identity.id)", try await certificates.fingerprint(nodeCertificate), "node"),
                         ("experimenter", try await certificates.fingerprint(experimenter), "user")],
            node: identity)
        self.controller = controller
        let ctld = try CtldConnection(CLIConfiguration.resolve(
            flags: .init(url: controller.api, certificate: experimenter.certificate, key: experimenter.key, ca: certificates.authority),
            environment: [:], file: nil))
        do {
            let finished = try await runSample(ctld: ctld, api: controller.api, certificates: certificates, node: nodeCertificate,
                                               experimenter: experimenter, identity: identity)
            await ctld.shutdown()
            return finished
        } catch {
            await ctld.shutdown()
            throw error
        }
    }

    /// The runtime and the node, then the sample experiment through them.
    private func runSample(ctld: CtldConnection, api: String, certificates: DevCertificates, node nodeCertificate: DevCertificates.Pair,
                           experimenter: DevCertificates.Pair, identity: DevNode.Identity) async throws -> Bool {
        try await waitUntilAnswering(ctld)
        step("ctld at \(api) (database and log in \(directory)/ctld)")

        let sample = try DevFiles.sibling("marvin-sample-experiment")
        let script: String
        let endpoint: String
        let runtime: DevNode.Runtime
        if useDocker {
            let engine = DevEngine(directory: "\(directory)/engine")
            self.engine = engine
            try await engine.start()
            step("container engine and registry \(engine.registry) (bridge \(DevEngine.bridge))")
            // Ctrl-C during a step ends it first (a command runs to its end); none follows.
            try Task.checkCancellation()
            script = try await engine.pushSampleImage(binary: sample)
            step("sample experiment image \(script)")
            endpoint = "tcp://\(DevEngine.gateway):5556"
            runtime = .docker(socket: engine.socket)
        } else {
            let programs = "\(directory)/programs"
            try FileManager.default.createDirectory(atPath: programs, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: sample, toPath: "\(programs)/marvin-sample-experiment")
            self.programs = programs
            script = "marvin-sample-experiment"
            endpoint = "tcp://127.0.0.1:\(try FreePort.loopback())"
            runtime = .process(programs: programs)
            step("process runtime: experiments run as plain processes (\(processReason))")
        }

        try Task.checkCancellation()
        let node = DevNode(directory: "\(directory)/node", metadataEndpoint: endpoint)
        self.node = node
        try node.start(marvind: try DevFiles.sibling("marvind"), identity: identity, ctld: api, certificates: certificates,
                       client: nodeCertificate, runtime: runtime, recording: recordingPath)
        try await node.waitForTheCtld(seconds: 60)
        step("node \(identity.id) (marvind, log \(node.log)) replays \(recording.messages.count) metadata messages on \(endpoint)")

        var request = ExperimentRequest(name: "marvin dev sample", script: script, timing: .asap(duration: seconds + 30))
        request.nodes = [identity.id]
        request.options = ["metadata_endpoint": .string(endpoint), "sample_seconds": .int(seconds)]
        let submitted = try await ctld.call(.POST, "/experiments", body: request.body)
        guard let experiment = submitted["experiment"]?.integerValue else { throw Failure.testbed("the ctld accepted no experiment: \(JSONWriter.write(submitted, pretty: false))") }
        step("experiment \(experiment) submitted; it starts in about 20 s and listens to the metadata for \(seconds) s")

        let (task, status) = try await DevProgress(ctld: ctld, experiment: experiment, node: node).follow()
        let results = "\(node.results)/\(task)"
        DevOutput.line("results of task \(task): \(results)")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: results)) ?? []
        for file in files.sorted() {
            let size = (try? FileManager.default.attributesOfItem(atPath: "\(results)/\(file)")[.size] as? Int) ?? 0
            DevOutput.line("  \(file) (\(size) bytes)")
        }
        let finished = status.hasPrefix("finished")
        if !finished { DevOutput.line("the experiment did not finish (\(status)); its container.log and the node's log \(node.log) say why") }
        if keep {
            DevOutput.line("""
                the testbed keeps running until Ctrl-C; to use it from another terminal:
                  export MARVIN_URL=\(api) MARVIN_CERT=\(experimenter.certificate) MARVIN_KEY=\(experimenter.key) MARVIN_CA=\(certificates.authority)
                  marvin list
                """)
            while true { try await Task.sleep(nanoseconds: 3_600_000_000_000) }
        }
        return finished
    }

    /// Ends what was started, the node first (so that nothing is reported half-way), then the
    /// runs it leaves (the engine stops its containers; process runs are ended here), then the ctld.
    func stop() async {
        await node?.stop()
        if let programs { await DevFiles.endProcesses(runningFrom: programs) }
        await engine?.stop()
        await controller?.stop()
    }

    private func waitUntilAnswering(_ ctld: CtldConnection) async throws {
        for attempt in 0..<50 {
            do {
                _ = try await ctld.call(.GET, "/experiments")
                return
            } catch {
                if attempt == 49 { throw Failure.testbed("the embedded ctld does not answer: \(error)") }
                try await Task.sleep(nanoseconds: 100_000_000)
            }
        }
    }

    private func step(_ text: String) {
        DevOutput.line("✓ \(text)")
    }
}

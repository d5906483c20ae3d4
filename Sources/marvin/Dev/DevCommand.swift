import ArgumentParser
import Foundation
import MarvinCLI
import MarvinCore
import MarvinMetadata
import MarvinNode

/// `marvin dev`: the whole testbed on this machine, and one experiment through it.
struct Dev: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a local testbed (ctld, one development node) and a sample experiment on it.",
        discussion: """
            Starts an embedded marvinctld and a development marvind that replays a recorded \
            metadata file on its ZeroMQ bus, submits a sample experiment that reads \
            /monroe/config, listens to the metadata and writes results, follows it to its final \
            status and prints where its results are. As root with Docker installed, the node \
            runs the experiment in a container from its own engine and registry; otherwise as a \
            process. Everything of a run is kept in a directory of its own under --state-dir. \
            Ctrl-C stops everything it started. Exit 0 when the experiment finished, 1 otherwise.
            """)

    enum RuntimeChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, docker, process
    }

    @Option(help: "Where each run keeps its state and results (default ~/.local/state/marvin/dev).") var stateDir: String?
    @Option(help: "docker, process, or auto (docker when root with Docker installed).") var runtime: RuntimeChoice = .auto
    @Option(help: "The metadata recording to replay (default the sample shipped with Marvin).") var recording: String?
    @Option(help: "How long the sample experiment listens to the metadata, in seconds.") var seconds: Int64 = 30
    @Flag(help: "Keep the testbed running after the experiment, until Ctrl-C.") var keep = false

    func validate() throws {
        guard (5...3600).contains(seconds) else { throw ValidationError("--seconds must be between 5 and 3600") }
    }

    func run() async throws {
        // marvind reads it later from another working directory.
        let recordingPath = try recording.map { $0.hasPrefix("/") ? $0 : FileManager.default.currentDirectoryPath + "/" + $0 } ?? DevFiles.sampleRecording()
        let recorded: MetadataRecording
        do {
            recorded = try MetadataRecording(text: String(contentsOfFile: recordingPath, encoding: .utf8))
        } catch let failure as MetadataRecording.Failure {
            throw Failure.usage("\(recordingPath), \(failure)")
        } catch {
            throw Failure.usage("cannot read the recording \(recordingPath)")
        }
        let useDocker: Bool
        switch runtime {
        case .auto: useDocker = DevEngine.available
        case .docker:
            guard DevEngine.available else { throw Failure.usage("--runtime docker needs root and dockerd, docker, docker-registry, ip and curl installed") }
            useDocker = true
        case .process: useDocker = false
        }
        let directory = try DevFiles.runDirectory(stateDir)
        DevOutput.line("marvin dev: this run's directory is \(directory)")
        let reason = runtime == .process ? "--runtime process" : getuid() != 0 ? "not root" : "missing: \(DevEngine.missingTools.joined(separator: ", "))"
        let session = DevSession(directory: directory, recordingPath: recordingPath, recording: recorded, useDocker: useDocker,
                                 processReason: reason, seconds: seconds, keep: keep)
        let work = Task { try await session.run() }
        DevInterrupt.watch {
            DevOutput.line("marvin dev: stopping what it started (up to a minute)…")
            work.cancel()
        }
        let outcome = await work.result
        await session.stop()
        if work.isCancelled {
            DevOutput.line("marvin dev: stopped; everything it started has ended. The run's files stay in \(directory)")
            throw ExitCode(130)
        }
        switch outcome {
        case .success(let finished): if !finished { throw ExitCode(1) }
        case .failure(let error): throw error
        }
    }
}

/// Ctrl-C, SIGTERM and a closed terminal (SIGHUP) while `marvin dev` runs: handled, so that it
/// can stop what it started (its children have sessions of their own and hear none of them).
enum DevInterrupt {
    static func watch(_ handler: @escaping @Sendable () -> Void) {
        // Output to a terminal or pipe that is gone must not end the program half-way.
        signal(SIGPIPE, SIG_IGN)
        let signals = SignalWatch([SIGINT, SIGTERM, SIGHUP])
        Task {
            _ = await signals.next(hangup: handler)
            handler()
        }
    }
}

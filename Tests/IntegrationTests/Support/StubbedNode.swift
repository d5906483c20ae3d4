import Foundation
import MarvinCore
import MarvinNode

/// A node test bed whose marvind talks to a `CtldStub` instead of the real marvinctld: the
/// [U] setup of node-runtime §17 for the scenarios that need the ctld to misbehave.
struct StubbedNode {
    let bed: NodeTestbed
    let stub: CtldStub

    /// Runs until stopped; notes when it started and when it got SIGTERM.
    static let experiment = """
        date +%s.%N > "$MONROE_RESULTS/started-at"
        trap 'date +%s.%N > "$MONROE_RESULTS/stopped-at"; exit 0' TERM
        sleep 1000 & wait
        """
    /// Finishes after a second.
    static let quick = """
        date +%s.%N > "$MONROE_RESULTS/started-at"
        sleep 1
        """

    /// Runs `body` with the stub listening and marvind configured for it (not yet started),
    /// with the programs `exp` and `quick`; stops everything afterwards, also on failure.
    static func with(_ name: String, config: JSONValue = [:], _ body: (StubbedNode) async throws -> Void) async throws {
        let bed = try NodeTestbed(name)
        let stub = try CtldStub(pki: bed.pki)
        do {
            try await stub.start()
            bed.restServer = stub.api
            try bed.writeConfig(config)
            try bed.program("exp", experiment)
            try bed.program("quick", quick)
            try await body(StubbedNode(bed: bed, stub: stub))
        } catch {
            bed.close()
            await stub.stop()
            throw error
        }
        bed.close()
        await stub.stop()
    }

    /// Answers heartbeats with `tasks` and starts marvind.
    func start(with tasks: [JSONValue]) throws {
        stub.update { $0.tasks = tasks }
        try bed.startDaemon()
    }

    /// The same, then waits until task `schedid` has reported `status` (a prefix).
    func start(with tasks: [JSONValue], until schedid: String, reports status: String, seconds: Double) async throws -> Bool {
        try start(with: tasks)
        return await stub.waitForReport(schedid, status, seconds: seconds)
    }

    /// A time noted by a program in its results directory (seconds since the epoch).
    func noted(_ schedid: String, _ file: String) -> Double? { bed.result(schedid, file).flatMap(Double.init) }

    /// Waits until the program has noted `file`.
    func waitForNote(_ schedid: String, _ file: String, seconds: Double) async -> Double? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let value = noted(schedid, file) { return value }
            try? await Task.sleep(nanoseconds: 200_000_000)
        }
        return nil
    }

    /// `marvind status --json`.
    func status() async throws -> JSONValue? {
        try JSONParser.parse(try await Program.run(bed.marvind, ["status", "--json", "--config", bed.configPath]).stdout)
    }

    /// The task's entry in `marvind status --json`.
    func taskStatus(_ schedid: String) async throws -> JSONValue? {
        try await status()?["tasks"]?.arrayValue?.first { $0["schedid"] == .string(schedid) }
    }
}

import Foundation
import MarvinCore
import MarvinNode
import Testing

/// `marvin dev` end to end (issue 4): the embedded ctld, a development marvind replaying the
/// sample recording, the sample experiment to `finished` with its results, and nothing left
/// running afterwards — with the Docker runtime (root, as in CI) and with the process runtime.
@Suite(.serialized)
struct DevTestbedTests {
    /// Processes whose command line or program lies under `directory`.
    static func processes(under directory: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard Int32(entry) != nil, Int32(entry) != getpid() else { return nil }
            let commandLine = (try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8))?.replacingOccurrences(of: "\0", with: " ") ?? ""
            let program = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/exe")) ?? ""
            // The engine's containerd shims name its namespace.
            let mine = commandLine.contains(directory) || program.hasPrefix(directory) || commandLine.contains("-namespace marvin-dev")
            return mine ? "\(entry): \(commandLine)" : nil
        }
    }

    static func runDirectory(in state: URL) throws -> String {
        let runs = try FileManager.default.contentsOfDirectory(atPath: state.path)
        try #require(runs.count == 1, "one run directory: \(runs)")
        return state.appendingPathComponent(runs[0]).path
    }

    /// What the sample experiment left in task 1's results.
    static func checkResults(_ run: String) throws {
        let results = "\(run)/node/results/1"
        let summary = try JSONParser.parse(String(contentsOfFile: "\(results)/summary.json", encoding: .utf8))
        #expect((summary["messages"]?.integerValue ?? 0) > 0, "metadata reached the experiment: \(summary)")
        #expect(summary["nodeid"]?.stringValue == "1", "it read /monroe/config")
        #expect((summary["topics"]?.objectValue?.keys.contains("MONROE.META.DEVICE.GPS")) == true)
        let metadata = try String(contentsOfFile: "\(results)/metadata.txt", encoding: .utf8)
        let first = try #require(metadata.split(separator: "\n").first)
        #expect(first.hasPrefix("MONROE.META."), "one frame per line: <TOPIC> <JSON>")
        let container = try String(contentsOfFile: "\(results)/container.log", encoding: .utf8)
        #expect(container.contains("metadata messages in"), "the experiment's output is kept: \(container)")
    }

    @Test(.enabled(if: getuid() == 0 && Integration.enabled("dockerd", "docker", "docker-registry", "ip", "curl", "openssl")))
    func dockerRuntimeEndToEndAndInterrupt() async throws {
        let state = try Integration.temporaryDirectory("marvin-dev-docker")
        defer { try? FileManager.default.removeItem(at: state) }
        let output = state.appendingPathComponent("output.txt")
        let marvin = try Integration.productPath("marvin")
        let dev = try Program.start(marvin, ["dev", "--state-dir", state.appendingPathComponent("runs").path, "--seconds", "10", "--keep"], log: output)
        var shown = ""
        let deadline = Date().addingTimeInterval(240)
        while !shown.contains("keeps running until Ctrl-C"), dev.exitCode == nil, Date() < deadline {
            try await Task.sleep(nanoseconds: 500_000_000)
            shown = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        }
        let run = try Self.runDirectory(in: state.appendingPathComponent("runs"))
        #expect(shown.contains("container engine and registry"), "the Docker runtime: \(shown)")
        #expect(shown.contains("task 1 on node 1: deployed") && shown.contains("task 1 on node 1: started"), "\(shown)")
        #expect(shown.contains("task 1 on node 1: finished"), "\(shown)")
        #expect(shown.contains("results of task 1: \(run)/node/results/1"), "\(shown)")
        try Self.checkResults(run)
        #expect(Self.processes(under: run).isEmpty == false, "the testbed is still up while it keeps running")

        kill(dev.pid, SIGINT)
        let code = await dev.wait(timeout: 60)
        #expect(code == 130, "Ctrl-C ends it with 130")
        #expect(Self.processes(under: run) == [], "nothing it started is left")
        #expect(!FileManager.default.fileExists(atPath: "/sys/class/net/marvindev0"), "the bridge is gone")
        #expect(FileManager.default.fileExists(atPath: "\(run)/node/results/1/summary.json"), "results stay")
    }

    @Test(.enabled(if: Integration.enabled("openssl")))
    func processRuntimeEndToEnd() async throws {
        let state = try Integration.temporaryDirectory("marvin-dev-process")
        defer { try? FileManager.default.removeItem(at: state) }
        let marvin = try Integration.productPath("marvin")
        let result = try await Program.run(marvin, ["dev", "--state-dir", state.path, "--seconds", "10", "--runtime", "process"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("process runtime"), "\(result.stdout)")
        #expect(result.stdout.contains("task 1 on node 1: finished"), "\(result.stdout)")
        let run = try Self.runDirectory(in: state)
        try Self.checkResults(run)
        #expect(Self.processes(under: run) == [], "nothing it started is left")
    }

    @Test func refusesBadInput() async throws {
        let marvin = try Integration.productPath("marvin")
        let state = try Integration.temporaryDirectory("marvin-dev-bad")
        defer { try? FileManager.default.removeItem(at: state) }
        let broken = state.appendingPathComponent("broken.txt")
        try "1457662181.5 MONROE.META.DEVICE.GPS {\"Latitude\":59.4}\n1457662182.5 MONROE.META.DEVICE.GPS not-json\n".write(to: broken, atomically: true, encoding: .utf8)
        let badRecording = try await Program.run(marvin, ["dev", "--state-dir", state.path, "--recording", broken.path])
        #expect(badRecording.status == 2)
        #expect(badRecording.stderr.contains("line 2: the message body is not a JSON object"), "\(badRecording.stderr)")
        let badSeconds = try await Program.run(marvin, ["dev", "--seconds", "1"])
        #expect(badSeconds.status == 2)
        #expect(badSeconds.stderr.contains("--seconds must be between 5 and 3600"), "\(badSeconds.stderr)")
    }
}

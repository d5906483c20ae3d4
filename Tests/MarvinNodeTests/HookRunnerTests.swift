import Foundation
import Logging
import MarvinCore
import Testing

@testable import MarvinNode

/// The hooks interface (node-runtime §11): discovery over the roots with replacement and
/// masking, a clean environment, the context on stdin, scrubbed output, exit codes, timeouts.
@Suite struct HookRunnerTests {
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func add(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    static func hook(_ path: String, _ body: String, mode: mode_t = 0o755) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try "#!/bin/sh\n\(body)\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, mode)
    }

    static func runner(_ roots: [String], timeout: Int64? = nil) -> HookRunner {
        var config = NodeConfig()
        config.nodeID = "48"
        config.hooks.directories = roots
        config.directories.runtime = (roots[0] as NSString).deletingLastPathComponent + "/run"
        if let timeout { config.hooks.timeouts["pre-start"] = timeout }
        return HookRunner(config: config, logger: Logger(label: "test"))
    }

    @Test func phaseRunsTheUnionOfRootsInNameOrder() async throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("hooks-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        let shipped = "\(base)/shipped", local = "\(base)/local"
        try Self.hook("\(shipped)/deploy.d/20-second", "echo second")
        try Self.hook("\(shipped)/deploy.d/10-first", #"echo "first $MARVIN_PHASE $1 $MARVIN_NODEID $MARVIN_SCHEDID ${HOME:-nohome}"; cat"#)
        try Self.hook("\(shipped)/deploy.d/30-replaced", "echo shipped")
        try Self.hook("\(local)/deploy.d/30-replaced", "echo local")
        try Self.hook("\(shipped)/deploy.d/40-masked", "echo masked")
        FileManager.default.createFile(atPath: "\(local)/deploy.d/40-masked", contents: nil)
        try Self.hook("\(shipped)/deploy.d/50-writable", "echo unsafe", mode: 0o777)
        try Self.hook("\(shipped)/deploy.d/60-old.dpkg-old", "echo old")
        let lines = Lines()
        let context = HookRunner.Context(environment: ["MARVIN_SCHEDID": "1001"], input: ["options": ["_token": "SECRET-TOK-2"]],
                                         redaction: Redaction(options: ["_token": "SECRET-TOK-2"]), schedid: "1001") { lines.add($0) }
        let outcome = await Self.runner([shipped, local]).run(.deploy, context: context)
        #expect(outcome.code == 0 && outcome.hooksRun == 3)
        let output = lines.all.filter { $0.hasPrefix("[") }
        #expect(output == ["[10-first] first deploy 1001 48 1001 nohome", #"[10-first] {"options":{"_token":"[redacted]"}}"#, "[20-second] second", "[30-replaced] local"],
                "stdin carries the options; output is prefixed and scrubbed")
    }

    @Test func failuresStopGatingPhasesAndTimeoutsAre124() async throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("hooks-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        try Self.hook("\(base)/root/pre-start.d/10-fails", "exit 11")
        try Self.hook("\(base)/root/pre-start.d/20-never", "echo never")
        try Self.hook("\(base)/root/post-stop.d/10-fails", "exit 3")
        try Self.hook("\(base)/root/post-stop.d/20-runs", "echo runs")
        let lines = Lines()
        let context = HookRunner.Context(environment: [:], input: [:], redaction: Redaction(options: [:]), schedid: "1") { lines.add($0) }
        let runner = Self.runner(["\(base)/root"])
        #expect(await runner.run(.preStart, context: context) == .init(code: 11, devices: [], hooksRun: 1))
        #expect(await runner.run(.postStop, context: context).hooksRun == 2, "post-stop runs every hook")
        #expect(lines.all.contains("[20-runs] runs") && !lines.all.contains("[20-never] never"))

        try Self.hook("\(base)/slow/pre-start.d/10-sleeps", "trap '' TERM; sleep 30")
        let started = Date()
        let slow = await Self.runner(["\(base)/slow"], timeout: 1).run(.preStart, context: context)
        #expect(slow.code == 124)
        #expect(Date().timeIntervalSince(started) < 25, "SIGKILL follows SIGTERM after 5 s, long before the hook's 30 s sleep ends")
    }
}

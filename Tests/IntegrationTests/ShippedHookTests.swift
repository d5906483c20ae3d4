import Foundation
import MarvinNode
import Testing

/// The hooks shipped in `hooks/` (node-runtime §11.7), run as marvind would run them.
@Suite(.enabled(if: Integration.isRequired || getuid() == 0))
struct ShippedHookTests {
    /// Scenario 56: processes named exactly `apt` and `rsync` get SIGTERM; a process named
    /// `myaptool` and one that only has `apt` on its command line keep running.
    @Test func scenario056_stopInterferingProcesses() async throws {
        let directory = try Integration.temporaryDirectory("interfering")
        defer { try? FileManager.default.removeItem(at: directory) }
        func sleeper(named name: String) throws -> ChildProcess {
            let copy = directory.appendingPathComponent(name).path
            try FileManager.default.copyItem(atPath: "/bin/sleep", toPath: copy)
            return try Program.start(copy, ["60"], log: directory.appendingPathComponent("\(name).log"))
        }
        let apt = try sleeper(named: "apt")
        let rsync = try sleeper(named: "rsync")
        let myaptool = try sleeper(named: "myaptool")
        let mentionsApt = try Program.start("/bin/sh", ["-c", "sleep 60; : apt"], log: directory.appendingPathComponent("sh.log"))
        defer { for process in [apt, rsync, myaptool, mentionsApt] { kill(process.pid, SIGKILL) } }
        try await Task.sleep(nanoseconds: 300_000_000)

        let hook = Integration.repositoryRoot.appendingPathComponent("hooks/pre-start.d/10-stop-interfering").path
        // Under its own parent, as under marvind: the test's children are not the daemon's tree.
        let run = try await Program.run("/bin/sh", ["-c", #""$0""#, hook], environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "MARVIN_INTERFERING_UNITS": " "])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("SIGTERM to apt") && run.stdout.contains("SIGTERM to rsync"), "\(run.stdout)")
        for _ in 0..<30 where apt.exitCode == nil || rsync.exitCode == nil { try await Task.sleep(nanoseconds: 100_000_000) }
        #expect(apt.exitCode == 128 + SIGTERM && rsync.exitCode == 128 + SIGTERM, "apt and rsync got SIGTERM: \(String(describing: apt.exitCode)) \(kill(apt.pid, 0))")
        #expect(myaptool.exitCode == nil && mentionsApt.exitCode == nil, "exact executable names only: \(run.stdout)")
    }
}

import Foundation

/// Where `marvin dev` finds what it runs and keeps what it makes.
enum DevFiles {
    /// This program's directory (where `swift build` and the package put the others).
    static var programDirectory: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return (executable as NSString).deletingLastPathComponent
    }

    /// Another program of the package, next to this one.
    static func sibling(_ name: String) throws -> String {
        let path = "\(programDirectory)/\(name)"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw Failure.testbed("\(name) is not next to marvin in \(programDirectory); build the whole package (swift build)")
        }
        return path
    }

    /// The shipped sample recording: in the source tree the program was built in
    /// (`files/metadata`, above `.build/…/debug`), where a package installs it (`share/marvin`),
    /// or in the source tree of the working directory.
    static func sampleRecording() throws -> String {
        let sourceTrees = (1...4).map { "\(programDirectory)\(String(repeating: "/..", count: $0))" } + [FileManager.default.currentDirectoryPath]
        let candidates = sourceTrees.map { "\($0)/files/metadata/sample-recording.txt" } + ["\(programDirectory)/../share/marvin/sample-recording.txt"]
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw Failure.usage("the sample metadata recording was not found; give one with --recording FILE")
        }
        return (found as NSString).standardizingPath
    }

    /// A new directory for this run: `<state>/<UTC time>`.
    static func runDirectory(_ stateDirectory: String?) throws -> String {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
        let base = stateDirectory ?? ProcessInfo.processInfo.environment["XDG_STATE_HOME"].map { "\($0)/marvin/dev" } ?? "\(home)/.local/state/marvin/dev"
        var stamp = time(nil)
        var parts = tm()
        gmtime_r(&stamp, &parts)
        let name = String(format: "%04d%02d%02d-%02d%02d%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec)
        let directory = (("\(base)/\(name)") as NSString).standardizingPath
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure.usage("cannot create \(directory): \(error.localizedDescription)")
        }
        return directory
    }

    /// Ends the process runs of the development node's programs: marvind leaves runs going when
    /// it stops (the next daemon adopts them), and no daemon follows here.
    static func endProcesses(runningFrom programs: String) async {
        for attempt in 0..<50 {
            let running = processes(runningFrom: programs)
            if running.isEmpty { return }
            for pid in running { kill(pid, attempt < 25 ? SIGTERM : SIGKILL) }
            try? await Task.sleep(nanoseconds: 200_000_000)
        }
    }

    private static func processes(runningFrom programs: String) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = pid_t(entry),
                  let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/exe"),
                  executable.hasPrefix(programs + "/") else { return nil }
            return pid
        }
    }
}

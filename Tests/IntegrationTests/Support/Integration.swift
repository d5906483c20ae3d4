import Foundation
import MarvinNode
import Testing

/// Integration tests use real programs. They may skip when a program is missing, unless
/// `MARVIN_INTEGRATION=required` (CI), where a missing program is a failure.
enum Integration {
    static var isRequired: Bool { ProcessInfo.processInfo.environment["MARVIN_INTEGRATION"] == "required" }

    /// Absolute path of an executable on PATH (or in the sbin directories nginx lives in).
    static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin"]
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether a test needing these programs should run: always when required (a missing
    /// program then fails the test), else only when all are there.
    static func enabled(_ programs: String...) -> Bool {
        isRequired || programs.allSatisfy { executable($0) != nil }
    }

    /// The repository's root, from this file's location.
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// A binary of this package, built by `swift build --build-tests`.
    static func productPath(_ name: String) throws -> String {
        for configuration in ["debug", "release"] {
            let candidate = repositoryRoot.appendingPathComponent(".build/\(configuration)/\(name)").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw Missing(program: name)
    }

    static func require(_ name: String) throws -> String {
        guard let path = executable(name) else { throw Missing(program: name) }
        return path
    }

    struct Missing: Error, CustomStringConvertible {
        let program: String
        var description: String { "\(program) is not installed (scripts/install-deps.sh installs it)" }
    }

    /// A fresh temporary directory, removed by the caller.
    static func temporaryDirectory(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A TCP port that was free a moment ago.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// The outcome of a finished program.
struct ProgramResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs programs to completion, or starts them in the background and stops them by PID.
/// Spawned with marvind's own `ChildProcess` (posix_spawn): Foundation's `Process.run()` on
/// Linux crashed now and then when tests spawned programs in parallel.
enum Program {
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> ProgramResult {
        let (child, base) = try spawn(executable, arguments, environment)
        return collect(child.waitBlocking(), base)
    }

    /// The same for a program that takes seconds: the wait holds none of the test runner's threads.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) async throws -> ProgramResult {
        let (child, base) = try spawn(executable, arguments, environment)
        return collect(await child.wait(), base)
    }

    private static func spawn(_ executable: String, _ arguments: [String], _ environment: [String: String]?) throws -> (ChildProcess, String) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("program-\(UUID().uuidString)").path
        let child = try ChildProcess(executable: executable, arguments: arguments, environment: environment ?? ProcessInfo.processInfo.environment,
                                     output: .file(base + ".out"), errors: .file(base + ".err"))
        return (child, base)
    }

    private static func collect(_ status: Int32, _ base: String) -> ProgramResult {
        func read(_ path: String) -> String {
            defer { unlink(path) }
            return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        }
        return ProgramResult(status: status, stdout: read(base + ".out"), stderr: read(base + ".err"))
    }

    /// Starts a long-running program with its output in `log`.
    static func start(_ executable: String, _ arguments: [String], log: URL, environment: [String: String]? = nil) throws -> ChildProcess {
        try ChildProcess(executable: executable, arguments: arguments,
                         environment: ProcessInfo.processInfo.environment.merging(environment ?? [:]) { $1 }, output: .file(log.path))
    }

    /// SIGTERM, then wait up to `seconds`; SIGKILL if it is still there. Returns the exit status
    /// (nil when it had to be killed).
    @discardableResult
    static func stop(_ process: ChildProcess, seconds: Double = 10) -> Int32? {
        if let code = process.exitCode { return code }
        kill(process.pid, SIGTERM)
        let deadline = Date().addingTimeInterval(seconds)
        while process.exitCode == nil, Date() < deadline { usleep(20_000) }
        if process.exitCode == nil {
            kill(process.pid, SIGKILL)
            _ = process.waitBlocking()
            return nil
        }
        return process.exitCode
    }
}

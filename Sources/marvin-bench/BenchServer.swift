import Foundation
import Logging
import MarvinController
import ServiceLifecycle

/// A real marvinctld in this process, with its database and clock file in a throw-away directory.
/// The clock file fixes "now" (`testing.clock_file`, §8), so runs are reproducible.
struct BenchServer {
    /// 2026-03-02T12:00:00Z.
    static let now: Int64 = 1_772_452_800
    /// Disabled so that a 24-hour recurring series can be placed (§5.5); printed in the report.
    static let maintenanceWindows = "[]"

    let directory: URL
    let config: ControllerConfig
    let server: ControllerServer
    let logger: Logger

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("marvin-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let clock = directory.appendingPathComponent("clock").path
        try String(Self.now).write(toFile: clock, atomically: true, encoding: .utf8)
        let yaml = """
            database: \(directory.appendingPathComponent("ctld.sqlite").path)
            log:
              level: warning
            policy:
              maintenance_windows: \(Self.maintenanceWindows)
            testing:
              clock_file: \(clock)
            """
        let configPath = directory.appendingPathComponent("marvinctld.yaml").path
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
        config = try ControllerConfig.load(path: configPath)
        // Request logs would cost as much as some requests; warnings and errors still show.
        var logger = Logger(label: "marvinctld") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = config.logLevel
        self.logger = logger
        server = try ControllerServer(config: config, logger: logger)
    }

    struct NotListening: Error, CustomStringConvertible {
        var description: String { "the in-process marvinctld stopped before it listened" }
    }

    /// Serves the API on a free loopback port for the duration of `body`, which gets the port;
    /// then shuts the listener down gracefully.
    func serving<T>(_ body: (Int) async throws -> T) async throws -> T {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let listener = try server.apiServiceForBenchmark(port: 0) { port in continuation.yield(port) }
        let group = ServiceGroup(configuration: .init(services: [.init(service: listener)], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { tasks in
            tasks.addTask {
                // Finishing the stream either way lets the caller see a server that never started.
                defer { continuation.finish() }
                try await group.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                try await tasks.waitForAll()
                throw NotListening()
            }
            do {
                let result = try await body(port)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
        }
    }

    func removeDirectory() {
        try? FileManager.default.removeItem(at: directory)
    }
}

import NIOCore
import ServiceLifecycle

extension ControllerServer {
    /// The API listener alone, for `marvin-bench`: it serves on `port` of the configured address
    /// (0 picks a free port) until the calling task is cancelled, and passes the port it bound to
    /// `onListening` once it accepts connections.
    ///
    /// Unlike `run()` it installs no signal handlers and starts neither the metrics listener nor
    /// the hourly housekeeping timer, so a benchmark in the same process measures request handling
    /// only. Everything else is the production path: same responder, same start-up housekeeping.
    public func serveAPIForBenchmark(port: Int = 0, onListening: @escaping @Sendable (Int) async -> Void) async throws {
        let application = try makeApplication(port: port) { channel in
            await onListening(channel.localAddress?.port ?? port)
        }
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: application)], gracefulShutdownSignals: [], logger: controller.logger))
        try await group.run()
    }
}

import NIOCore
import ServiceLifecycle

extension ControllerServer {
    /// The API listener alone, for `marvin-bench`: a service that serves on `port` of the
    /// configured address (0 picks a free port) and passes the port it bound to `onListening`
    /// once it accepts connections. Run it in a `ServiceGroup`; graceful shutdown stops it.
    ///
    /// Unlike `run()` it installs no signal handlers and starts neither the metrics listener nor
    /// the hourly housekeeping timer, so a benchmark in the same process measures request handling
    /// only. Everything else is the production path: same responder, same start-up housekeeping.
    public func apiServiceForBenchmark(port: Int = 0, onListening: @escaping @Sendable (Int) async -> Void) throws -> some Service {
        try makeApplication(port: port) { channel in
            await onListening(channel.localAddress?.port ?? port)
        }
    }
}

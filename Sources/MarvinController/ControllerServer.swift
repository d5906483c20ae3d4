import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import MarvinCore
import NIOCore
import NIOSSL
import ServiceLifecycle

/// marvinctld as a running service: the API listener (plain behind nginx, or native mTLS),
/// the optional metrics listener and the hourly housekeeping, stopped gracefully on SIGTERM.
public struct ControllerServer: Sendable {
    let controller: Controller

    public init(config: ControllerConfig, logger: Logger) throws {
        let storage = try SQLiteStorage(path: config.database)
        let clock: any ControllerClock = config.clockFile.map { FileClock(path: $0) } ?? SystemClock()
        controller = Controller(config: config, storage: storage, clock: clock, logger: logger, metrics: ControllerMetrics())
    }

    init(controller: Controller) {
        self.controller = controller
    }

    /// The API application; `port` overrides the configured one (tests use 0).
    func makeApplication(port: Int? = nil, onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in })
        throws -> Application<ControllerResponder>
    {
        let config = controller.config
        let servesMetrics = config.metrics.enabled && config.metrics.port == nil
        let responder = ControllerResponder(controller: controller, servesMetrics: servesMetrics)
        let server: HTTPServerBuilder = config.tls.enabled ? try .tls(.http1(), tlsConfiguration: try Self.tlsConfiguration(config.tls)) : .http1()
        var app = Application(
            responder: responder, server: server,
            configuration: .init(address: .hostname(config.address, port: port ?? config.port), serverName: nil),
            onServerRunning: onServerRunning, logger: controller.logger)
        // Housekeeping once at start-up, before the listener serves its first request (§5.16).
        app.beforeServerStarts { [controller] in await controller.runHousekeeping(now: controller.clock.now()) }
        return app
    }

    /// A listener that answers only `/metrics` (cfg `metrics.port`); with metrics disabled it
    /// still listens and answers 404, as the API listener does (scenario 182).
    func makeMetricsApplication(port: Int? = nil) -> Application<MetricsResponder>? {
        let config = controller.config
        guard let configured = config.metrics.port else { return nil }
        return Application(
            responder: MetricsResponder(controller: controller),
            configuration: .init(address: .hostname(config.metrics.address, port: port ?? configured), serverName: nil),
            logger: controller.logger)
    }

    static func tlsConfiguration(_ settings: ControllerConfig.TLSSettings) throws -> TLSConfiguration {
        guard let certificate = settings.certificate, let key = settings.key, let clientCA = settings.clientCA else {
            throw ConfigError("tls.enabled needs tls.certificate, tls.key and tls.client_ca")
        }
        var tls: TLSConfiguration
        do {
            tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            // Loaded now so that a broken bundle stops the start, not the first handshake.
            _ = try NIOSSLCertificate.fromPEMFile(clientCA)
        } catch {
            throw ConfigError("tls: cannot load the certificate, key or client CA: \(error)")
        }
        tls.trustRoots = .file(clientCA)
        tls.minimumTLSVersion = .tlsv12
        tls.certificateVerification = settings.requireClientCertificate ? .noHostnameVerification : .optionalVerification
        return tls
    }

    /// The listeners; the API application runs housekeeping once before it serves (see `makeApplication`).
    /// Loads what the listeners need (TLS files), so configuration errors surface before serving.
    public func checkListeners() throws {
        if controller.config.tls.enabled { _ = try Self.tlsConfiguration(controller.config.tls) }
    }

    /// Serves until SIGTERM or SIGINT; with `stoppingOnSignals: false` (an embedding program
    /// that handles signals itself) until the calling task is cancelled.
    public func run(stoppingOnSignals: Bool = true) async throws {
        try checkListeners()
        let logger = controller.logger
        for warning in controller.config.warnings { logger.warning("\(warning)") }
        if controller.config.clockFile != nil { logger.warning("testing.clock_file is set: time comes from a file; never use this in production") }
        var services: [any Service] = [try makeApplication(), HousekeepingService(controller: controller)]
        if let metrics = makeMetricsApplication() { services.append(metrics) }
        let group = ServiceGroup(
            configuration: .init(services: services.map { .init(service: $0) }, gracefulShutdownSignals: stoppingOnSignals ? [.sigterm, .sigint] : [], logger: logger))
        try await group.run()
    }

    /// `admin add-user` (§9.1): creates a principal without an admin caller; returns its id.
    public func addUser(name: String?, ssl: String?, role: String?, project: String?) throws -> Int64 {
        let (now, quota) = (controller.clock.now(), controller.config.quota)
        return try translate {
            let user = try UserRegistration.validate(name: name, ssl: ssl, role: role, project: project, quota: quota)
            return try controller.storage.createUserNow(user, now: now)
        }
    }

    /// `admin add-node` (§9.1): registers a node; returns its id.
    public func addNode(id: Int64, hostname: String, tags: [String], interfaces: [[String: String]], status: String?) throws -> Int64 {
        let now = controller.clock.now()
        return try translate {
            guard id >= 1 else { throw APIError(400, "Parameter id must be a positive integer.") }
            guard (1...253).contains(hostname.count) else { throw APIError(400, "Parameter hostname must be a non-empty string.") }
            let tagValues = try NodeTags.parse(list: tags)
            // The same validation as the `interfaces` list of `POST /v1/resources`.
            let specs: [InterfaceSpec]
            do {
                specs = try InterfaceSpec.list(from: .array(interfaces.map { .object($0.mapValues { .string($0) }) }))
            } catch let error as InterfaceSpec.Invalid {
                throw APIError(400, error.message)
            }
            let request = NodeRegistration.Request(
                id: id, hostname: hostname, tags: tagValues, interfaces: specs, status: try NodeRegistration.status(status ?? "active"))
            try controller.storage.registerNodeNow(request, now: now)
            return id
        }
    }

    /// Maps the REST error texts to the CLI's rejection; any other failure is the database's
    /// (exit code 3).
    private func translate<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as APIError {
            throw AdminRejection(message: error.message)
        } catch {
            throw ConfigError("database \(controller.config.database): \(error)")
        }
    }
}

/// An admin command refused for the same reason the REST route would give (exit code 1).
public struct AdminRejection: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

/// Runs housekeeping every `housekeeping.interval` seconds until shutdown.
struct HousekeepingService: Service {
    let controller: Controller

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: .seconds(controller.config.housekeepingInterval))
                    await controller.runHousekeeping(now: controller.clock.now())
                }
            }
        } catch is CancellationError {
            // Shutdown interrupted the sleep: a normal end.
        }
    }
}

/// The dedicated metrics listener: `/metrics` and nothing else.
struct MetricsResponder: HTTPResponder {
    typealias Context = ControllerRequestContext
    let controller: Controller

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        guard controller.config.metrics.enabled, path == "/metrics" || path == "/metrics/" else {
            return ControllerResponder.render(status: 404, body: ["message": "not found"], method: request.method.rawValue)
        }
        let text = (try? await controller.metrics.exposition(storage: controller.storage)) ?? ""
        return ControllerResponder.metricsResponse(text, method: request.method.rawValue)
    }
}

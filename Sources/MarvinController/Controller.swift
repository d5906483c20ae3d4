import Foundation
import Logging
import MarvinCore
import Synchronization

/// Everything a request handler needs: configuration, store, clock, metrics and logs.
/// Handlers are extensions of this type, grouped per resource under `API/Routes`.
final class Controller: Sendable {
    let config: ControllerConfig
    let storage: any ControllerStorage
    let clock: any ControllerClock
    let logger: Logger
    let metrics: ControllerMetrics
    /// When each node was last sent its interface list (§7.6); memory only, by design.
    let interfaceListSent = Mutex<[Int64: Int64]>([:])

    init(config: ControllerConfig, storage: any ControllerStorage, clock: any ControllerClock, logger: Logger, metrics: ControllerMetrics) {
        self.config = config
        self.storage = storage
        self.clock = clock
        self.logger = logger
        self.metrics = metrics
    }

    var policy: SchedulingPolicy { config.policy }
}

/// One request as the handlers see it.
struct APIRequest: Sendable {
    var method: String
    var route: RouteMatch
    var params: Parameters
    var identity: Identity
    var now: Int64

    /// Class A routes: any principal, else the anonymous-read 401.
    func requirePrincipal() throws -> UserRecord {
        guard let principal = identity.principal else { throw APIError.anonymousRead }
        return principal
    }

    var isAdmin: Bool { identity.role == .admin }

    func requireAdmin() throws {
        guard isAdmin else { throw APIError.notAdmin }
    }

    /// The n-th `{…}` path segment.
    func pathParameter(_ index: Int) -> String { route.parameters[index] }

    /// A path segment meant as a decimal id; nil when it is not one.
    func pathID(_ index: Int) -> Int64? {
        let text = route.parameters[index]
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int64(text)
    }
}

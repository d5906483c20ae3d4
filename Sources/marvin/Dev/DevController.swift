import Foundation
import Logging
import MarvinController
import MarvinNode

/// The testbed's marvinctld, inside this process: native mTLS on a free loopback port, its
/// SQLite database and log in the run directory, and a policy made for a laptop (short lead
/// time and runtime, no maintenance windows). It knows the node and the experimenter; a node's
/// principal is named `Node <id>` (ctld-protocol §4).
struct DevController {
    let port: Int
    let task: Task<Void, Error>

    var api: String { "https://127.0.0.1:\(port)/v1" }

    static func start(directory: String, certificates: DevCertificates, server: DevCertificates.Pair,
                      principals: [(name: String, fingerprint: String, role: String)], node: DevNode.Identity) throws -> DevController {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let port = try FreePort.loopback()
        let yaml = """
            database: \(directory)/marvinctld.sqlite
            rest_api: {address: 127.0.0.1, port: \(port)}
            tls: {enabled: true, certificate: \(server.certificate), key: \(server.key), client_ca: \(certificates.authority)}
            metrics: {enabled: false}
            policy:
              lead_time: 20
              asap_slack: 0
              min_runtime: 30
              padding: 0
              maintenance_windows: []
            """
        let config = try ControllerConfig.parse(yaml: yaml)
        var logger = Logger(label: "marvinctld") { _ in JournalLogHandler(level: .info, file: "\(directory)/marvinctld.log", toStandardError: false) }
        logger.logLevel = .info
        let controller = try ControllerServer(config: config, logger: logger)
        for principal in principals {
            _ = try controller.addUser(name: principal.name, ssl: principal.fingerprint, role: principal.role, project: nil)
        }
        _ = try controller.addNode(id: node.id, hostname: node.hostname, tags: [], interfaces: node.interfaces.map { ["iccid": $0, "quota": "10000000000"] }, status: nil)
        let task = Task { try await controller.run(stoppingOnSignals: false) }
        return DevController(port: port, task: task)
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }
}

/// A TCP port no one listens on now, chosen by the system.
enum FreePort {
    static func loopback() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.testbed("cannot open a socket to find a free port") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        guard bound == 0, named == 0 else { throw Failure.testbed("cannot find a free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

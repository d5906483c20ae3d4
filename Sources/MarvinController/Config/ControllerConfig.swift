import Foundation
import Logging
import MarvinCore
import Yams

/// marvinctld's configuration (§8). Every key is optional; the defaults are the legacy values.
public struct ControllerConfig: Sendable {
    public var database = "/var/lib/marvinctld/marvinctld.sqlite"
    public var suffix = ""
    public var address = "127.0.0.1"
    public var port = 9098
    var trustedProxies: [CIDRRange] = [CIDRRange("127.0.0.0/8")!, CIDRRange("::1/128")!]
    public var tls = TLSSettings()
    public var trustedRegistry = ""
    public var logLevel: Logger.Level = .info
    public var metrics = MetricsSettings()
    public var maxBodyBytes = 1_048_576
    public var policy = SchedulingPolicy()
    public var quota = QuotaSettings()
    public var heartbeat = HeartbeatSettings()
    public var housekeepingInterval: Int64 = 3600
    public var clockFile: String?
    /// Unknown and ignored legacy keys, logged at start.
    public var warnings: [String] = []

    public struct TLSSettings: Sendable {
        public var enabled = false
        public var certificate: String?
        public var key: String?
        public var clientCA: String?
        public var requireClientCertificate = false
    }

    public struct MetricsSettings: Sendable {
        public var enabled = true
        public var address = "127.0.0.1"
        public var port: Int?
    }

    public struct QuotaSettings: Sendable {
        public var defaultTime: Int64 = 8_640_000
        public var defaultData: Int64 = 100_000_000_000
        public var defaultStorage: Int64 = 200_000_000_000
        public var dataRefundDelay: Int64 = 86400
        public var dataRefundMaxAge: Int64 = 2_678_400
    }

    public struct HeartbeatSettings: Sendable {
        public var defaultLimit: Int64 = 3
        public var prefetchWindow: Int64 = 86400
        public var interfacesPeriod: Int64 = 6000
    }

    public init() {}

    /// Reads a configuration file. Missing files and invalid values are errors.
    public static func load(path: String) throws -> ControllerConfig {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigError("cannot read configuration file \(path)")
        }
        return try parse(yaml: text)
    }

    public static func parse(yaml text: String) throws -> ControllerConfig {
        let root: Any?
        do {
            root = try Yams.load(yaml: text)
        } catch {
            throw ConfigError("configuration is not valid YAML: \(error)")
        }
        var reader = try ConfigReader(path: "", value: root)
        var config = ControllerConfig()
        try config.read(&reader)
        return config
    }

    private mutating func read(_ r: inout ConfigReader) throws {
        database = try r.string("database") ?? database
        suffix = try r.string("suffix") ?? suffix
        var api = try r.section("rest_api")
        address = try api.string("address") ?? address
        if let port = try api.integer("port", minimum: 0) {
            guard port <= 65535 else { throw ConfigError("rest_api.port must be a port number") }
            self.port = Int(port)
        }
        if let proxies = try r.strings("trusted_proxies") {
            trustedProxies = try proxies.map {
                guard let range = CIDRRange($0) else { throw ConfigError("trusted_proxies: invalid CIDR range \($0)") }
                return range
            }
        }
        var tlsSection = try r.section("tls")
        tls.enabled = try tlsSection.bool("enabled") ?? false
        tls.certificate = try tlsSection.string("certificate")
        tls.key = try tlsSection.string("key")
        tls.clientCA = try tlsSection.string("client_ca")
        tls.requireClientCertificate = try tlsSection.bool("require_client_certificate") ?? false
        if tls.enabled {
            for (key, file) in [("certificate", tls.certificate), ("key", tls.key), ("client_ca", tls.clientCA)] {
                guard let file, FileManager.default.isReadableFile(atPath: file) else {
                    throw ConfigError("tls.enabled needs a readable tls.\(key) file")
                }
            }
        }
        var repository = try r.section("repository")
        trustedRegistry = try repository.string("deployment") ?? ""
        var log = try r.section("log")
        if let level = try log.string("level") { logLevel = try Self.logLevel(level) }
        if log.raw("file") != nil { warnings.append("log.file is ignored: logs go to stderr (journald)") }
        var metricsSection = try r.section("metrics")
        metrics.enabled = try metricsSection.bool("enabled") ?? true
        metrics.address = try metricsSection.string("address") ?? metrics.address
        if let port = try metricsSection.integer("port", minimum: 1) {
            guard port <= 65535 else { throw ConfigError("metrics.port must be a port number") }
            metrics.port = Int(port)
        }
        var limits = try r.section("limits")
        maxBodyBytes = Int(try limits.integer("max_body_bytes", minimum: 1) ?? Int64(maxBodyBytes))
        var p = try r.section("policy")
        try readPolicy(&p)
        var q = try r.section("quota")
        quota.defaultTime = try q.integer("default_time") ?? quota.defaultTime
        quota.defaultData = try q.integer("default_data") ?? quota.defaultData
        quota.defaultStorage = try q.integer("default_storage") ?? quota.defaultStorage
        quota.dataRefundDelay = try q.integer("data_refund_delay") ?? quota.dataRefundDelay
        quota.dataRefundMaxAge = try q.integer("data_refund_max_age") ?? quota.dataRefundMaxAge
        var h = try r.section("heartbeat")
        heartbeat.defaultLimit = try h.integer("default_limit") ?? heartbeat.defaultLimit
        heartbeat.prefetchWindow = try h.integer("prefetch_window") ?? heartbeat.prefetchWindow
        heartbeat.interfacesPeriod = try h.integer("interfaces_period") ?? heartbeat.interfacesPeriod
        var housekeeping = try r.section("housekeeping")
        housekeepingInterval = try housekeeping.integer("interval", minimum: 1) ?? housekeepingInterval
        var testing = try r.section("testing")
        clockFile = try testing.string("clock_file")
        for legacy in ["inventory", "sql_extras"] where r.raw(legacy) != nil {
            warnings.append("\(legacy) is a legacy key and is ignored")
        }
        for section in [api, tlsSection, repository, log, metricsSection, limits, p, q, h, housekeeping, testing, r] {
            warnings += section.unknownKeys.map { "unknown configuration key \($0) is ignored" }
        }
    }

    private mutating func readPolicy(_ p: inout ConfigReader) throws {
        func number(_ key: String, _ value: inout Int64) throws {
            value = try p.integer(key) ?? value
        }
        try number("lead_time", &policy.leadTime)
        try number("asap_slack", &policy.asapSlack)
        try number("min_runtime", &policy.minRuntime)
        try number("max_runtime", &policy.maxRuntime)
        try number("horizon", &policy.horizon)
        try number("padding", &policy.padding)
        try number("recurrence_min", &policy.recurrenceMin)
        try number("recurrence_step", &policy.recurrenceStep)
        try number("max_storage", &policy.maxStorage)
        try number("max_traffic", &policy.maxTraffic)
        try number("heartbeat_max_age", &policy.heartbeatMaxAge)
        try number("heartbeat_max_age_immediate", &policy.heartbeatMaxAgeImmediate)
        try number("immediate_window", &policy.immediateWindow)
        try number("lpq_default_window", &policy.lpqDefaultWindow)
        try number("find_max_results", &policy.findMaxResults)
        if let windows = try p.strings("maintenance_windows") {
            policy.maintenanceWindows = try windows.map {
                guard let window = MaintenanceWindow(parsing: $0) else {
                    throw ConfigError("policy.maintenance_windows: \($0) is not of the form HH:MM-HH:MM")
                }
                return window
            }
        }
        if let fingerprints = try p.strings("internal_fingerprints") {
            policy.internalFingerprints = try fingerprints.map {
                guard let value = Fingerprint.normalise($0) else {
                    throw ConfigError("policy.internal_fingerprints: \($0) is not a fingerprint")
                }
                return value
            }
        }
    }

    static func logLevel(_ text: String) throws -> Logger.Level {
        switch text.lowercased() {
        case "debug", "10": return .debug
        case "info", "20": return .info
        case "notice": return .notice
        case "warning", "30": return .warning
        case "error", "40": return .error
        case "critical", "50": return .critical
        default: throw ConfigError("log.level must be one of debug, info, notice, warning, error, critical")
        }
    }
}

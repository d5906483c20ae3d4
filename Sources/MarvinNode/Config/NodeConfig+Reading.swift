import Foundation
import MarvinCore
import Yams

extension NodeConfig {
    /// The result of reading a file: the configuration (defaults where a value was wrong) and
    /// every problem found, in file order.
    public struct Reading: Sendable {
        public var config: NodeConfig
        public var problems: [ConfigProblem]

        public var isValid: Bool { !problems.contains { $0.severity == .error } }
    }

    /// Reads YAML text; `checks` adds the checks of §2.2 that look at the machine (files,
    /// node id file). Never throws: a YAML syntax error is a problem like any other.
    public static func read(yaml text: String, checks: EnvironmentChecks = .init()) -> Reading {
        let problems = ConfigProblems()
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            problems.error("(file)", at: Self.position(of: error), "invalid YAML: \(Self.describe(error))")
            return Reading(config: NodeConfig(), problems: problems.all)
        } catch {
            problems.error("(file)", at: (1, 1), "invalid YAML")
            return Reading(config: NodeConfig(), problems: problems.all)
        }
        let top = ConfigSection(path: "", node: root, position: (1, 1), problems: problems)
        var config = NodeConfig()
        config.readAll(top)
        top.finish()
        config.check(top, problems: problems, environment: checks)
        let sorted = problems.all.enumerated().sorted { a, b in
            (a.element.line, a.element.column, a.offset) < (b.element.line, b.element.column, b.offset)
        }.map(\.element)
        return Reading(config: config, problems: sorted)
    }

    private static func position(of error: YamlError) -> (line: Int, column: Int) {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return (mark.line, mark.column)
        default: return (1, 1)
        }
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): return problem
        default: return "\(error)"
        }
    }

    private mutating func readAll(_ top: ConfigSection) {
        readIdentity(top)
        readStorage(top)
        readRuntimes(top)
        readTaskHandling(top)
        readServices(top)
        development = top.bool("development", false)
        for legacy in ["marvind_username", "task_location"] where top.has(legacy) {
            top.warning(legacy, top.node(legacy), "\(legacy) is ignored (legacy)")
        }
    }

    private mutating func readIdentity(_ top: ConfigSection) {
        if let value = top.node("id") {
            if case .scalar(let scalar) = value, scalar.kind == .int || scalar.kind == .str {
                nodeID = scalar.string.trimmingCharacters(in: .whitespaces)
            } else {
                top.error("id", value, "must be a string of digits or an integer")
            }
        }
        idFile = top.path("idfile", idFile)
        restServer = top.string("rest-server", "")
        let ssl = top.section("ssl")
        self.ssl.cert = ssl.path("cert", self.ssl.cert)
        self.ssl.key = ssl.path("key", self.ssl.key)
        self.ssl.ca = ssl.optionalPath("ca")
        self.ssl.verify = ssl.bool("verify", true)
        ssl.finish()
        heartbeat.period = top.integer("heartbeat_period", 60, in: 10...3600)
        heartbeat.jitter = top.integer("heartbeat_jitter", 6, in: 0...(heartbeat.period / 2))
        heartbeat.backoffMax = top.integer("heartbeat_backoff_max", 300, in: 1...86400)
        heartbeat.prefetch = top.integer("prefetch", 3, in: 1...20)
        let http = top.section("http")
        self.http.connectTimeout = http.integer("connect_timeout", 10, in: 1...3600)
        self.http.requestTimeout = http.integer("request_timeout", 30, in: 1...3600)
        http.finish()
    }

    private mutating func readStorage(_ top: ConfigSection) {
        directories.status = top.path("status_directory", directories.status)
        directories.config = top.path("config_directory", directories.config)
        directories.stateDatabase = top.path("state_database", directories.stateDatabase)
        directories.stateRetention = top.integer("state_retention", directories.stateRetention)
        directories.runtime = top.path("runtime_directory", directories.runtime)
        directories.work = top.path("work_directory", directories.work)
        let log = top.section("log")
        if let value = log.node("level") {
            if let level = Self.logLevel(value) { self.log.level = level } else {
                log.error("level", value, "must be one of trace, debug, info, notice, warning, error, critical (or 5, 10, 20, 30, 40, 50)")
            }
        }
        self.log.file = log.optionalPath("file")
        log.finish()
        let observability = top.section("observability")
        self.observability.listen = observability.string("listen", self.observability.listen)
        if !self.observability.listen.isEmpty, HostPort(self.observability.listen) == nil {
            observability.error("listen", observability.node("listen"), "must be host:port or empty")
        }
        // Like every /run/marvind path, relative to the runtime directory unless set (§2.3).
        self.observability.controlSocket = observability.path("control_socket", "\(directories.runtime)/control.sock")
        observability.finish()
        let results = top.section("results")
        self.results.mode = results.choice("mode", "loop", ["loop", "directory"])
        self.results.defaultStorage = results.integer("default_storage", self.results.defaultStorage)
        self.results.maxStorage = results.integer("max_storage", self.results.maxStorage)
        self.results.minFilesystemSize = results.integer("min_filesystem_size", self.results.minFilesystemSize)
        self.results.mountOptions = results.string("mount_options", self.results.mountOptions)
        results.finish()
        let sync = top.section("sync")
        self.sync.enabled = sync.bool("enabled", true)
        self.sync.repository = sync.string("repository", "")
        if !self.sync.repository.isEmpty, !Self.isUserAtHost(self.sync.repository) {
            sync.error("repository", sync.node("repository"), "must be user@host or empty")
        }
        self.sync.port = sync.integer("port", self.sync.port, in: 1...65535)
        self.sync.key = sync.path("key", self.sync.key)
        self.sync.targetDirectory = sync.path("target_directory", self.sync.targetDirectory)
        self.sync.knownHosts = sync.path("known_hosts", self.sync.knownHosts)
        self.sync.hostKeyChecking = sync.choice("host_key_checking", "accept-new", ["strict", "accept-new"])
        self.sync.period = sync.integer("period", self.sync.period, in: 1...86400)
        self.sync.bandwidthLimit = sync.integer("bandwidth_limit", 0)
        self.sync.duringExperiment = sync.bool("during_experiment", false)
        self.sync.timeout = sync.integer("timeout", self.sync.timeout, in: 1...3600)
        self.sync.maxDuration = sync.integer("max_duration", self.sync.maxDuration, in: 1...86400)
        self.sync.retryMax = sync.integer("retry_max", self.sync.retryMax, in: 1...86400)
        sync.finish()
    }

    private mutating func readRuntimes(_ top: ConfigSection) {
        let runtime = top.section("runtime")
        self.runtime.container = runtime.choice("container", "docker", ["docker", "process", "auto"])
        self.runtime.processDirectory = runtime.path("process_directory", self.runtime.processDirectory)
        runtime.finish()
        let docker = top.section("docker")
        self.docker.socket = docker.path("socket", self.docker.socket)
        self.docker.registryAuthFile = docker.optionalPath("registry_auth_file")
        docker.finish()
        let container = top.section("container")
        self.container.shmSize = container.integer("shm_size", self.container.shmSize)
        self.container.capabilitiesAdd = container.strings("capabilities_add", self.container.capabilitiesAdd)
        self.container.memoryLimit = container.integer("memory_limit", 0)
        self.container.pidsLimit = container.integer("pids_limit", 0)
        self.container.logMaxSize = container.integer("log_max_size", self.container.logMaxSize)
        container.finish()
        let vm = top.section("vm")
        self.vm.enabled = vm.autoBool("enabled")
        self.vm.qemuBinary = vm.path("qemu_binary", self.vm.qemuBinary)
        self.vm.allowTCG = vm.bool("allow_tcg", false)
        self.vm.memoryMiB = vm.integer("memory_mib", self.vm.memoryMiB, in: 64...1_048_576)
        self.vm.cpus = vm.integer("cpus", 1, in: 1...64)
        self.vm.imageDirectory = vm.path("image_directory", self.vm.imageDirectory)
        self.vm.diskPadding = vm.integer("disk_padding", self.vm.diskPadding)
        self.vm.kernelCmdlineExtra = vm.string("kernel_cmdline_extra", self.vm.kernelCmdlineExtra)
        vm.finish()
        let deploy = top.section("deploy")
        self.deploy.pullTimeout = deploy.integer("pull_timeout", self.deploy.pullTimeout, in: 1...86400)
        self.deploy.backgroundReportAfter = deploy.integer("background_report_after", self.deploy.backgroundReportAfter)
        self.deploy.minFreeBytes = deploy.integer("min_free_bytes", self.deploy.minFreeBytes)
        self.deploy.checkStorageQuota = deploy.bool("check_storage_quota", false)
        self.deploy.allowedRegistries = deploy.strings("allowed_registries", [])
        self.deploy.duringExperiment = deploy.bool("during_experiment", false)
        self.deploy.offlineFallback = deploy.bool("offline_fallback", true)
        self.deploy.retryInitial = deploy.integer("retry_initial", self.deploy.retryInitial, in: 1...86400)
        self.deploy.retryMax = deploy.integer("retry_max", self.deploy.retryMax, in: 1...86400)
        self.deploy.imageCacheBytes = deploy.integer("image_cache_bytes", 0)
        deploy.finish()
    }

    private mutating func readTaskHandling(_ top: ConfigSection) {
        let traffic = top.section("traffic")
        self.traffic.samplePeriod = traffic.integer("sample_period", 1, in: 1...3600)
        self.traffic.quotaInterfaces = traffic.string("quota_interfaces", self.traffic.quotaInterfaces)
        if (try? Regex(self.traffic.quotaInterfaces)) == nil {
            traffic.error("quota_interfaces", traffic.node("quota_interfaces"), "must be a regular expression")
        }
        self.traffic.maxTraffic = traffic.integer("max_traffic", self.traffic.maxTraffic)
        if traffic.node("default_quota") != nil { self.traffic.defaultQuota = traffic.integer("default_quota", 0) }
        self.traffic.reportPeriod = traffic.integer("report_period", self.traffic.reportPeriod, in: 1...86400)
        traffic.finish()
        let timing = top.section("timing")
        self.timing.prestartLead = timing.integer("prestart_lead", self.timing.prestartLead, in: 1...3600)
        self.timing.idlePeriod = timing.integer("idle_period", self.timing.idlePeriod, in: 0...3600)
        self.timing.stopGracePeriod = timing.integer("stop_grace_period", self.timing.stopGracePeriod, in: 0...3600)
        self.timing.lateStartMinRuntime = timing.integer("late_start_min_runtime", self.timing.lateStartMinRuntime)
        self.timing.backupStopDelay = timing.integer("backup_stop_delay", self.timing.backupStopDelay, in: 1...3600)
        self.timing.clockWait = timing.integer("clock_wait", self.timing.clockWait)
        timing.finish()
        let network = top.section("network")
        self.network.namespace = network.string("namespace", self.network.namespace)
        self.network.containerMode = network.string("container_mode", self.network.containerMode)
        self.network.required = network.bool("required", true)
        self.network.metadataInterface = network.string("metadata_interface", self.network.metadataInterface)
        self.network.dnsFile = network.path("dns_file", self.network.dnsFile)
        self.network.resolvConf = network.path("resolv_conf", self.network.resolvConf)
        self.network.refreshPeriod = network.integer("refresh_period", self.network.refreshPeriod, in: 1...86400)
        network.finish()
        let mounts = top.section("mounts")
        tstatDirectory = mounts.path("tstat", tstatDirectory)
        mounts.finish()
        let ssh = top.section("ssh_debug")
        sshDebug.enabled = ssh.bool("enabled", true)
        sshDebug.entrypoint = ssh.strings("entrypoint", sshDebug.entrypoint)
        sshDebug.command = ssh.strings("command", sshDebug.command)
        ssh.finish()
        let eduroam = top.section("eduroam")
        self.eduroam.enabled = eduroam.autoBool("enabled")
        self.eduroam.interface = eduroam.string("interface", self.eduroam.interface)
        eduroam.finish()
        let neat = top.section("neat")
        self.neat.enabled = neat.bool("enabled", false)
        self.neat.image = neat.string("image", self.neat.image)
        neat.finish()
    }

    private mutating func readServices(_ top: ConfigSection) {
        let modem = top.section("modem_manager")
        modemManager.url = modem.string("url", modemManager.url)
        modemManager.timeout = modem.integer("timeout", modemManager.timeout, in: 1...3600)
        modem.finish()
        dlbPriorities = top.bool("dlb_priorities", true)
        let local = top.section("local_api")
        localAPI.enabled = local.bool("enabled", true)
        localAPI.listen = local.string("listen", localAPI.listen)
        if HostPort(localAPI.listen) == nil { local.error("listen", local.node("listen"), "must be host:port") }
        localAPI.allowedSources = local.strings("allowed_sources", localAPI.allowedSources)
        localAPI.lockMinInterval = local.integer("lock_min_interval", localAPI.lockMinInterval)
        localAPI.unlockMode = local.choice("unlock_mode", "restore", ["restore", "usbreset"])
        local.finish()
        let metadata = top.section("metadata")
        self.metadata.sysevent = metadata.string("sysevent", self.metadata.sysevent)
        self.metadata.publish = metadata.string("publish", "")
        let replay = metadata.section("replay")
        self.metadata.replayFile = replay.optionalPath("file")
        self.metadata.replaySpeed = replay.number("speed", 1.0, minimumExclusive: 0)
        self.metadata.replayLoop = replay.bool("loop", true)
        self.metadata.replayMaxGap = replay.number("max_gap", 60, minimumExclusive: 0)
        self.metadata.replayInterfaceMap = replay.stringMap("interface_map")
        replay.finish()
        metadata.finish()
        let maintenance = top.section("maintenance")
        self.maintenance.flagFile = maintenance.path("flag_file", self.maintenance.flagFile)
        self.maintenance.reasonFile = maintenance.path("reason_file", self.maintenance.reasonFile)
        self.maintenance.developmentFlagFile = maintenance.path("development_flag_file", self.maintenance.developmentFlagFile)
        if maintenance.node("windows") != nil {
            var windows: [MaintenanceWindow] = []
            for text in maintenance.strings("windows", []) {
                if let window = MaintenanceWindow(parsing: text) { windows.append(window) } else {
                    maintenance.error("windows", maintenance.node("windows"), "\(text) is not of the form HH:MM-HH:MM")
                }
            }
            if Self.overlap(windows) { maintenance.error("windows", maintenance.node("windows"), "windows overlap") }
            self.maintenance.windows = windows
        }
        self.maintenance.guardSeconds = maintenance.integer("guard", self.maintenance.guardSeconds)
        maintenance.finish()
        readHooks(top.section("hooks"))
    }

    static let hookPhases = ["boot", "network", "deploy", "pre-start", "idle", "post-start", "post-stop", "maintenance"]
    static let legacyHookScripts = [
        "deploy": "/usr/bin/container-deploy.sh", "start": "/usr/bin/container-start.sh", "stop": "/usr/bin/container-stop.sh",
    ]

    private mutating func readHooks(_ hooks: ConfigSection) {
        self.hooks.directories = hooks.strings("directories", self.hooks.directories)
        for (phase, script) in Self.legacyHookScripts.sorted(by: { $0.key < $1.key }) {
            guard let path = hooks.optionalPath(phase) else { continue }
            if path == script {
                hooks.warning(phase, hooks.node(phase), "\(hooks.name(phase)) names a legacy hook script; marvind performs this step itself")
            } else {
                self.hooks.legacy[phase] = path
            }
        }
        let timeouts = hooks.section("timeouts")
        for phase in Self.hookPhases where timeouts.has(phase) {
            self.hooks.timeouts[phase] = timeouts.integer(phase, 0, in: 1...86400)
        }
        timeouts.finish()
        self.hooks.environment = hooks.stringMap("environment")
        for name in self.hooks.environment.keys.sorted() {
            let valid = name.range(of: "^[A-Z][A-Z0-9_]*$", options: .regularExpression) != nil && !name.hasPrefix("MARVIN_")
            if !valid {
                hooks.error("environment", hooks.node("environment"), "\(name) must match ^[A-Z][A-Z0-9_]*$ and not start with MARVIN_")
            }
        }
        hooks.finish()
    }

    static func logLevel(_ node: Node) -> String? {
        guard case .scalar(let scalar) = node else { return nil }
        let names = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        if names.contains(scalar.string) { return scalar.string }
        let legacy = ["5": "trace", "10": "debug", "20": "info", "30": "warning", "40": "error", "50": "critical"]
        return scalar.kind == .int ? legacy[scalar.string] : nil
    }

    static func isUserAtHost(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && !text.contains(" ")
    }

    /// Do two daily windows share an instant? Checked over two days so midnight is covered.
    static func overlap(_ windows: [MaintenanceWindow]) -> Bool {
        for (i, a) in windows.enumerated() {
            for b in windows[(i + 1)...] {
                let bOccurrences = b.occurrences(from: -86400, to: 2 * 86400)
                if a.occurrences(from: 0, to: 86400).contains(where: { x in bOccurrences.contains { y in x.lowerBound < y.upperBound && y.lowerBound < x.upperBound } }) {
                    return true
                }
            }
        }
        return false
    }
}

/// `host:port` as used by the listeners (`127.0.0.1:9101`, `[::1]:80`).
struct HostPort: Equatable {
    var host: String
    var port: Int

    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else { return nil }
        self.host = host
        self.port = port
    }
}

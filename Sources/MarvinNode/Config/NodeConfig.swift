import Foundation
import MarvinCore

/// marvind's configuration (§2.3), with the documented defaults. Read by `NodeConfig.read`.
public struct NodeConfig: Sendable {
    public var nodeID = ""
    public var idFile = "/etc/nodeid"
    public var restServer = ""
    public var ssl = SSL()
    public var heartbeat = Heartbeat()
    public var http = HTTP()
    public var directories = Directories()
    public var log = Log()
    public var observability = Observability()
    public var runtime = Runtime()
    public var docker = Docker()
    public var container = Container()
    public var vm = VM()
    public var deploy = Deploy()
    public var results = Results()
    public var traffic = Traffic()
    public var timing = Timing()
    public var network = Network()
    public var tstatDirectory = "/experiments/monroe/tstat"
    public var sshDebug = SSHDebug()
    public var eduroam = Eduroam()
    public var neat = NEAT()
    public var sync = Sync()
    public var modemManager = ModemManager()
    public var dlbPriorities = true
    public var localAPI = LocalAPI()
    public var metadata = Metadata()
    public var maintenance = Maintenance()
    public var hooks = Hooks()
    public var development = false

    public init() {}

    public struct SSL: Sendable {
        public var cert = "/etc/keys/marvind.pem"
        public var key = "/etc/keys/marvind"
        /// nil: the system trust store.
        public var ca: String?
        public var verify = true
    }

    public struct Heartbeat: Sendable {
        public var period: Int64 = 60
        public var jitter: Int64 = 6
        public var backoffMax: Int64 = 300
        public var prefetch: Int64 = 3
    }

    public struct HTTP: Sendable {
        public var connectTimeout: Int64 = 10
        public var requestTimeout: Int64 = 30
    }

    public struct Directories: Sendable {
        public var status = "/experiments/user"
        public var config = "/experiments/user"
        public var stateDatabase = "/var/lib/marvind/marvind.db"
        public var stateRetention: Int64 = 604_800
        public var runtime = "/run/marvind"
        public var work = "/var/lib/marvind"

        /// Left by `marvind emergency-stop` when it killed a run itself (§8.5).
        public func emergencyMarker(_ schedid: String) -> String { "\(work)/emergency/\(schedid)" }
    }

    public struct Log: Sendable {
        public var level = "info"
        public var file: String?
    }

    public struct Observability: Sendable {
        /// `host:port`, or "" to disable.
        public var listen = "127.0.0.1:9101"
        public var controlSocket = "/run/marvind/control.sock"
    }

    public struct Runtime: Sendable {
        /// `docker`, `process` or `auto`.
        public var container = "docker"
        public var processDirectory = "/usr/lib/marvin/dev-experiments"
    }

    public struct Docker: Sendable {
        public var socket = "/var/run/docker.sock"
        public var registryAuthFile: String?
    }

    public struct Container: Sendable {
        public var shmSize: Int64 = 1_073_741_824
        public var capabilitiesAdd = ["NET_ADMIN", "NET_RAW"]
        public var memoryLimit: Int64 = 0
        public var pidsLimit: Int64 = 0
        public var logMaxSize: Int64 = 10_485_760
    }

    public struct VM: Sendable {
        /// nil: `auto`.
        public var enabled: Bool?
        public var qemuBinary = "/usr/bin/qemu-system-x86_64"
        public var allowTCG = false
        public var memoryMiB: Int64 = 1048
        public var cpus: Int64 = 1
        public var imageDirectory = "/var/lib/marvind/vm"
        public var diskPadding: Int64 = 314_572_800
        public var kernelCmdlineExtra = "net.ifnames=0 biosdevname=0 fbcon=map:99 text"
    }

    public struct Deploy: Sendable {
        public var pullTimeout: Int64 = 1800
        public var backgroundReportAfter: Int64 = 60
        public var minFreeBytes: Int64 = 102_400_000
        public var checkStorageQuota = false
        public var allowedRegistries: [String] = []
        public var duringExperiment = false
        public var offlineFallback = true
        public var retryInitial: Int64 = 60
        public var retryMax: Int64 = 600
        public var imageCacheBytes: Int64 = 0
    }

    public struct Results: Sendable {
        /// `loop` or `directory`.
        public var mode = "loop"
        public var defaultStorage: Int64 = 10_000_000
        public var maxStorage: Int64 = 1_048_576_000
        public var minFilesystemSize: Int64 = 4_194_304
        public var mountOptions = "data=journal,nodelalloc,barrier=1,nodev,nosuid"
    }

    public struct Traffic: Sendable {
        public var samplePeriod: Int64 = 1
        public var quotaInterfaces = "^op[0-9]+$"
        public var maxTraffic: Int64 = 3_145_728_000
        /// nil: not enforced without a `traffic` option.
        public var defaultQuota: Int64?
        public var reportPeriod: Int64 = 300
    }

    public struct Timing: Sendable {
        public var prestartLead: Int64 = 90
        public var idlePeriod: Int64 = 30
        public var stopGracePeriod: Int64 = 10
        public var lateStartMinRuntime: Int64 = 60
        public var backupStopDelay: Int64 = 30
        public var clockWait: Int64 = 900
    }

    public struct Network: Sendable {
        public var namespace = "monroe"
        public var containerMode = "container:monroe-namespace"
        public var required = true
        public var metadataInterface = "metadata"
        public var dnsFile = "/tmp/dnsmasq-servers-netns-monroe.conf"
        public var resolvConf = "/etc/resolv.conf"
        public var refreshPeriod: Int64 = 30
    }

    public struct SSHDebug: Sendable {
        public var enabled = true
        public var entrypoint = ["dumb-init"]
        public var command = ["/bin/bash", "/usr/bin/monroe-sshtunnel-client.sh"]
    }

    public struct Eduroam: Sendable {
        /// nil: `auto`.
        public var enabled: Bool?
        public var interface = "wlan0"
    }

    public struct NEAT: Sendable {
        public var enabled = false
        public var image = "monroe/neat-proxy"
    }

    public struct Sync: Sendable {
        public var enabled = true
        /// `user@host`, or "" to copy to a local directory.
        public var repository = ""
        public var port: Int64 = 2280
        public var key = "/etc/keys/repo.monroe-system.eu"
        public var targetDirectory = "/monroe-local-repo/experiments/"
        public var knownHosts = "/var/lib/marvind/known_hosts"
        /// `strict` or `accept-new`.
        public var hostKeyChecking = "accept-new"
        public var period: Int64 = 60
        public var bandwidthLimit: Int64 = 0
        public var duringExperiment = false
        public var timeout: Int64 = 30
        public var maxDuration: Int64 = 3600
        public var retryMax: Int64 = 3600
    }

    public struct ModemManager: Sendable {
        public var url = "http://localhost:88"
        public var timeout: Int64 = 10
    }

    public struct LocalAPI: Sendable {
        public var enabled = true
        public var listen = "172.17.0.1:80"
        public var allowedSources = ["172.17.0.0/24"]
        public var lockMinInterval: Int64 = 5
        /// `restore` or `usbreset`.
        public var unlockMode = "restore"
    }

    public struct Metadata: Sendable {
        public var sysevent = "ipc:///tmp/sysevent"
        public var publish = ""
        public var replayFile: String?
        public var replaySpeed = 1.0
        public var replayLoop = true
        public var replayMaxGap = 60.0
        public var replayInterfaceMap: [String: String] = [:]
    }

    public struct Maintenance: Sendable {
        /// The maintenance flag or the development flag file contains `1` (§4.2, §14.1).
        public var maintenanceFlag: Bool { Self.isSet(flagFile) || developmentFlag }
        public var developmentFlag: Bool { Self.isSet(developmentFlagFile) }

        static func isSet(_ path: String) -> Bool {
            (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) == "1"
        }

        public var flagFile = "/monroe/maintenance/enabled"
        public var reasonFile = "/monroe/maintenance/reason"
        public var developmentFlagFile = "/monroe/development/enabled"
        public var windows: [MaintenanceWindow] = ["09:30-10:00", "21:30-22:00"].compactMap(MaintenanceWindow.init(parsing:))
        public var guardSeconds: Int64 = 60
    }

    public struct Hooks: Sendable {
        public var directories = ["/usr/lib/marvin/hooks", "/etc/marvin/hooks"]
        /// Legacy single hooks (§11.6): phase (`deploy`, `start`, `stop`) → executable.
        public var legacy: [String: String] = [:]
        /// Per-phase timeouts overriding §11.5.
        public var timeouts: [String: Int64] = [:]
        public var environment: [String: String] = [:]
    }
}

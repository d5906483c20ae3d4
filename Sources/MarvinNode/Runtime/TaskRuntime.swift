import Glibc

/// What the lifecycle asks of whatever runs an experiment (node-runtime §1.4): the Docker
/// engine, a VM, or a plain process on development machines. The lifecycle of §5 never looks
/// behind this interface.
public protocol TaskRuntime: Sendable {
    /// `docker`, `vm` or `process`, as hooks see it in `MARVIN_RUNTIME`.
    var kind: String { get }

    /// Deploy: makes the task's image available locally (§6.3); the image id and the bytes
    /// downloaded for it.
    func prepare(_ task: RunTask, log: PhaseLog) async throws(RuntimeFailure) -> PreparedImage

    /// Whether the prepared image is still there (start code 12 otherwise).
    func hasImage(_ imageID: String, for task: RunTask) async -> Bool

    /// Creates the run without starting it, replacing a leftover run of the same task; the run id.
    func create(_ spec: RunSpec) async throws(RuntimeFailure) -> String

    /// The uid the run's process will have (owner of its config file, §7.5); nil: marvind's own.
    func runUser(_ runID: String, log: PhaseLog) async -> uid_t?

    /// Starts a created run; the id to keep for it (a process gets its pid only now).
    func start(_ runID: String, spec: RunSpec) async throws(RuntimeFailure) -> String

    func state(_ runID: String) async -> RunState

    /// Returns when the run has ended (or is gone): its exit code when known, and whether the
    /// runtime itself went away under it.
    func waitForExit(_ runID: String) async -> RunExit

    /// Graceful stop, then kill after `grace` seconds (§9.2); idempotent.
    func stop(_ runID: String, grace: Int64) async

    /// Copies the run's output into `container.log` until the run ends, resuming after the
    /// position stored in `log` (§8.3).
    func followOutput(_ runID: String, into log: ContainerLog) async

    /// Removes the run (container or leftover process files); idempotent.
    func remove(_ runID: String, task: RunTask) async

    /// The task's live runs as the runtime finds them without the daemon (the backup stop,
    /// §8.5), each with the stop time it was created for when the runtime keeps one.
    func liveRuns(of schedid: String, recorded runID: String?) async -> [(runID: String, stop: Int64?)]

    /// Removes the task's image (§9.6 step 6); idempotent.
    func removeImage(for task: RunTask) async

    /// Keeps the task's image for the image cache (§6.4): under its reference, without the
    /// task's own tag. False when the runtime keeps no images (then `removeImage` applies).
    func cacheImage(for task: RunTask) async -> Bool

    /// Removes a cached image's reference, and the image once nothing else names it; given an
    /// image id, removes that image when no tag names it.
    func evictImage(_ reference: String) async

    /// Closes connections (daemon shutdown).
    func shutdown() async
}

/// The task as a runtime needs to know it.
public struct RunTask: Sendable {
    public var schedid: String
    public var expID: Int64
    public var script: String
    public var stop: Int64
    public var imageID: String?
    /// Another task not `done` uses the same reference: its tag stays after the pull (§6.5).
    public var keepReference = false
    /// The last known size of the image on this node (§6.4), needed free before a pull.
    public var knownSize: Int64 = 0
    /// Layers earlier pulls for this task downloaded (before a kill -9): they count even when
    /// this pull finds them present (§6.3).
    public var pulledLayers: [String: Int64] = [:]
    /// Told of each layer as soon as its download completed, to be kept across a restart.
    public var layerPulled: (@Sendable (_ layer: String, _ bytes: Int64) -> Void)?

    public init(schedid: String, expID: Int64, script: String, stop: Int64, imageID: String? = nil) {
        self.schedid = schedid
        self.expID = expID
        self.script = script
        self.stop = stop
        self.imageID = imageID
    }

    /// `monroe-<schedid>`: container name and image tag (§6.5).
    public var runName: String { "monroe-\(schedid.lowercased())" }
}

public struct PreparedImage: Sendable, Equatable {
    /// `sha256:<64 hex>`.
    public var imageID: String
    /// Compressed bytes downloaded by this deploy (0 when the image was already there).
    public var deploymentBytes: Int64
    /// The image's unpacked size, when the runtime knows it.
    public var size: Int64?

    public init(imageID: String, deploymentBytes: Int64, size: Int64? = nil) {
        self.imageID = imageID
        self.deploymentBytes = deploymentBytes
        self.size = size
    }
}

/// Everything a run is created with (§7.5).
public struct RunSpec: Sendable {
    public var task: RunTask
    public var imageID: String
    public var startCounter: Int
    public var resultsDirectory: String
    public var configFile: String
    public var nodeIDFile: String
    /// `/run/marvind/tasks/<schedid>`.
    public var taskDirectory: String
    public var resolvConf: String?
    public var dnsFile: String?
    public var tstatDirectory: String?
    /// Devices requested by pre-start hooks.
    public var devices: [String]
    /// ssh debug mode: replace entrypoint and command (§7.7).
    public var ssh: Bool
}

/// How a run ended, as far as its runtime can tell.
public struct RunExit: Sendable, Equatable {
    public var code: Int32?
    /// Ended because its runtime went away (a container engine restart), not by itself (§5.8).
    public var lost = false

    public init(code: Int32?, lost: Bool = false) {
        self.code = code
        self.lost = lost
    }
}

public enum RunState: Sendable, Equatable {
    case created
    case running
    /// Ended with this exit code, at this wall-clock time when known.
    case exited(code: Int32?, finishedAt: Double?)
    case gone
}

/// A runtime failure with its legacy code (§5.7): a deploy code during `prepare`, a start code
/// during `create` and `start`. The message is for logs; it never holds option values.
public struct RuntimeFailure: Error, Sendable, CustomStringConvertible {
    public var code: Int
    public var message: String
    /// A pull cancelled for disk space: the bytes it had downloaded (§6.4).
    public var downloadedBytes: Int64?

    public init(code: Int, _ message: String, downloadedBytes: Int64? = nil) {
        self.code = code
        self.message = message
        self.downloadedBytes = downloadedBytes
    }

    public var description: String { "code \(code): \(message)" }
}

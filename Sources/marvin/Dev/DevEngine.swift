import Foundation
import MarvinNode

/// The testbed's own container engine and image registry (root only): a dockerd with its
/// socket, data and bridge in the run directory (`marvindev0`, 172.29.0.1/24, no iptables
/// rules, so the host's firewall is left alone) and a registry on a free loopback port that
/// holds the sample experiment's image. The bridge address is where the node publishes its
/// metadata, as 172.17.0.1 is on a real node.
final class DevEngine {
    static let bridge = "marvindev0"
    static let gateway = "172.29.0.1"

    let directory: String
    var socket: String { "\(directory)/docker.sock" }
    private(set) var registry = ""
    private var engine: ChildProcess?
    private var registryProcess: ChildProcess?
    private var bridgeCreated = false

    init(directory: String) {
        self.directory = directory
    }

    /// Whether this machine can have one: root, with dockerd, the docker client, the registry, ip and curl.
    static var available: Bool { getuid() == 0 && missingTools.isEmpty }

    static var missingTools: [String] {
        ["dockerd", "docker", "docker-registry", "ip", "curl"].filter { ChildProcess.locate($0) == nil }
    }

    func start() async throws {
        try FileManager.default.createDirectory(atPath: "\(directory)/registry-data", withIntermediateDirectories: true)
        try await command("ip", ["link", "add", Self.bridge, "type", "bridge"],
                          failure: "cannot create the bridge \(Self.bridge) (left over from a run that was killed? remove it with `ip link del \(Self.bridge)`)")
        bridgeCreated = true
        try await command("ip", ["addr", "add", "\(Self.gateway)/24", "dev", Self.bridge], failure: "cannot give \(Self.bridge) its address")
        try await command("ip", ["link", "set", Self.bridge, "up"], failure: "cannot bring \(Self.bridge) up")
        engine = try spawn("dockerd", ["--data-root", "\(directory)/data", "--exec-root", "\(directory)/exec", "--pidfile", "\(directory)/dockerd.pid",
                                       "--host", "unix://\(socket)", "--iptables=false", "--ip-masq=false", "--bridge=\(Self.bridge)",
                                       // Its containers stay apart from a system engine's if both use the system's containerd.
                                       "--containerd-namespace", "marvin-dev", "--containerd-plugins-namespace", "marvin-dev-plugins"],
                         log: "dockerd.log")
        let port = try FreePort.loopback()
        registry = "127.0.0.1:\(port)"
        try """
            version: 0.1
            storage: {filesystem: {rootdirectory: \(directory)/registry-data}}
            http: {addr: "\(registry)"}
            """.write(toFile: "\(directory)/registry.yml", atomically: true, encoding: .utf8)
        registryProcess = try spawn("docker-registry", ["serve", "\(directory)/registry.yml"], log: "registry.log")
        for _ in 0..<150 {
            let engineUp = await ChildProcess.run("docker", ["-H", "unix://\(socket)", "version"], timeout: 5).code == 0
            let registryUp = await ChildProcess.run("curl", ["-sf", "http://\(registry)/v2/"], timeout: 5).code == 0
            if engineUp && registryUp { return }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
        throw Failure.testbed("the container engine or the registry did not come up; see \(directory)/dockerd.log and registry.log")
    }

    /// Builds the sample experiment's image from its binary and the libraries it loads, pushes it
    /// to the registry and removes it from the engine, so that the node's deploy really pulls it.
    func pushSampleImage(binary: String) async throws -> String {
        let root = "\(directory)/sample-rootfs"
        let libraries = "\(root)/lib/sample"
        try FileManager.default.createDirectory(atPath: libraries, withIntermediateDirectories: true)
        for folder in ["tmp", "proc", "sys", "dev", "etc", "monroe"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(folder)", withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(atPath: binary, toPath: "\(root)/marvin-sample-experiment")
        let linked = await ChildProcess.run("ldd", [binary])
        guard linked.code == 0 else { throw Failure.testbed("ldd \(binary): \(linked.output.joined(separator: " "))") }
        for line in linked.output {
            guard !line.contains("not found") else { throw Failure.testbed("\(binary) needs a library this machine lacks: \(line)") }
            // "libzmq.so.5 => /lib/x86_64-linux-gnu/libzmq.so.5 (0x…)" or "/lib64/ld-linux-x86-64.so.2 (0x…)"
            // Files, not the symbolic links that name them.
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if let arrow = fields.firstIndex(of: "=>"), arrow > 0, arrow + 1 < fields.count, fields[arrow + 1].hasPrefix("/") {
                try FileManager.default.copyItem(atPath: Self.realPath(fields[arrow + 1]), toPath: "\(libraries)/\(fields[arrow - 1])")
            } else if let loader = fields.first, loader.hasPrefix("/") {
                let target = root + loader
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: Self.realPath(loader), toPath: target)
            }
        }
        try await command("tar", ["-C", root, "-cf", "\(directory)/sample.tar", "."], failure: "cannot pack the sample image")
        let image = "\(registry)/marvin/sample-experiment:1"
        try await docker(["import", "-c", "CMD [\"/marvin-sample-experiment\"]", "-c", "ENV LD_LIBRARY_PATH=/lib/sample", "\(directory)/sample.tar", image])
        try await docker(["push", image])
        try await docker(["rmi", image])
        try? FileManager.default.removeItem(atPath: root)
        try? FileManager.default.removeItem(atPath: "\(directory)/sample.tar")
        return image
    }

    /// Stops the engine (it stops its containers), the registry and removes the bridge and the
    /// engine's data; what the experiments wrote is elsewhere and stays.
    func stop() async {
        for child in [engine, registryProcess].compactMap({ $0 }) {
            // Only the engine itself: it stops its containers and its containerd in order.
            kill(child.pid, SIGTERM)
            // dockerd gives running containers 10 s.
            _ = await child.wait(timeout: 20)
        }
        engine = nil
        registryProcess = nil
        // Mounts the engine leaves behind, deepest first, before its data is removed.
        if let mounts = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) {
            let points = mounts.split(separator: "\n").compactMap { line -> String? in
                let fields = line.split(separator: " ")
                // Spaces in mount points are written as \040.
                let point = fields.count > 4 ? fields[4].replacingOccurrences(of: "\\040", with: " ") : ""
                return point.hasPrefix(directory + "/") ? point : nil
            }
            for point in points.sorted(by: >) { umount2(point, Int32(MNT_DETACH)) }
        }
        if bridgeCreated { _ = await ChildProcess.run("ip", ["link", "del", Self.bridge]) }
        bridgeCreated = false
        for folder in ["data", "exec", "registry-data"] { try? FileManager.default.removeItem(atPath: "\(directory)/\(folder)") }
    }

    /// The file a path names after every symbolic link.
    private static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private func docker(_ arguments: [String]) async throws {
        try await command("docker", ["-H", "unix://\(socket)"] + arguments, failure: "docker \(arguments[0]) failed")
    }

    private func command(_ tool: String, _ arguments: [String], failure: String) async throws {
        let result = await ChildProcess.run(tool, arguments, timeout: 300)
        guard result.code == 0 else { throw Failure.testbed("\(failure): \(result.output.suffix(3).joined(separator: " "))") }
    }

    private func spawn(_ tool: String, _ arguments: [String], log: String) throws -> ChildProcess {
        guard let path = ChildProcess.locate(tool) else { throw Failure.testbed("\(tool) is not installed") }
        return try ChildProcess(executable: path, arguments: arguments, environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"],
                                output: .file("\(directory)/\(log)"))
    }
}

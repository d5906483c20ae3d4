import Foundation

/// Where a task's results live (node-runtime §6.6): `<status_directory>/<schedid>/`, either a
/// loop-mounted ext4 file whose size is the hard cap (`loop`, real nodes) or a plain directory
/// with a soft cap (`directory`, development). Results are never deleted here.
public struct ResultsStorage: Sendable {
    let config: NodeConfig

    public init(config: NodeConfig) {
        self.config = config
    }

    var statusDirectory: String { config.directories.status }
    var isLoop: Bool { config.results.mode == "loop" }

    public func path(_ schedid: String) -> String { "\(statusDirectory)/\(schedid)" }
    public func diskPath(_ schedid: String) -> String { "\(statusDirectory)/\(schedid).disk" }

    /// `max(storage, results.min_filesystem_size)` rounded up to 4096.
    public func filesystemSize(storage: Int64) -> Int64 {
        let size = max(storage, config.results.minFilesystemSize)
        return (size + 4095) / 4096 * 4096
    }

    /// Creates (or, after a crash, reuses) the task's results filesystem and mounts it.
    /// Failures carry deploy codes: 101 for space, 1 for anything else.
    public func prepare(_ schedid: String, storage: Int64, log: PhaseLog) async throws(RuntimeFailure) {
        let directory = path(schedid)
        do {
            try FileManager.default.createDirectory(atPath: statusDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw RuntimeFailure(code: 1, "cannot create \(statusDirectory)")
        }
        guard isLoop else {
            // F = 0 in directory mode, but the reserve still holds (§6.4).
            if let free = Self.freeBytes(statusDirectory), free < config.deploy.minFreeBytes {
                throw RuntimeFailure(code: 101, "\(free) bytes free for results")
            }
            if !FileManager.default.fileExists(atPath: directory) {
                guard mkdir(directory, 0o755) == 0 else { throw RuntimeFailure(code: errno == ENOSPC ? 101 : 1, "cannot create \(directory)") }
            }
            return
        }
        if Self.isMountPoint(directory) { return }
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: directory), !entries.isEmpty {
            // Never mount over files: they stay and are synced like any results.
            throw RuntimeFailure(code: 1, "\(directory) is not empty and not this task's results filesystem")
        }
        let size = filesystemSize(storage: storage)
        let disk = diskPath(schedid)
        if FileManager.default.fileExists(atPath: disk) {
            let check = await ChildProcess.run("e2fsck", ["-p", disk])
            if check.code > 1 {
                log.write(.deploy, "incomplete results disk found; creating it again")
                unlink(disk)
            }
        }
        if !FileManager.default.fileExists(atPath: disk) {
            let free = Self.freeBytes(statusDirectory) ?? .max
            guard free >= config.deploy.minFreeBytes + size else { throw RuntimeFailure(code: 101, "\(free) bytes free for a \(size) byte results disk") }
            try Self.allocate(disk, size: size)
            let label = String(schedid.prefix(16))
            let format = await ChildProcess.run("mkfs.ext4", ["-q", "-F", "-m", "0", "-L", label, disk])
            guard format.code == 0 else {
                unlink(disk)
                throw RuntimeFailure(code: 1, "mkfs.ext4 failed: \(format.output.joined(separator: " "))")
            }
        }
        if !FileManager.default.fileExists(atPath: directory) { mkdir(directory, 0o755) }
        let mount = await ChildProcess.run("mount", ["-o", "loop,\(config.results.mountOptions)", disk, directory])
        guard mount.code == 0 else { throw RuntimeFailure(code: 1, "mount failed: \(mount.output.joined(separator: " "))") }
        chmod(directory, 0o755)
        log.write(.deploy, "results filesystem of \(size) bytes mounted on \(directory)")
    }

    /// After a reboot: check and mount an existing results disk again (§5.8, §9.7); false when
    /// the filesystem cannot be repaired (the disk is kept).
    public func remount(_ schedid: String) async -> Bool {
        guard isLoop else { return FileManager.default.fileExists(atPath: path(schedid)) }
        let directory = path(schedid)
        if Self.isMountPoint(directory) { return true }
        let disk = diskPath(schedid)
        guard FileManager.default.fileExists(atPath: disk) else { return false }
        guard await ChildProcess.run("e2fsck", ["-p", disk]).code <= 1 else { return false }
        if !FileManager.default.fileExists(atPath: directory) { mkdir(directory, 0o755) }
        return await ChildProcess.run("mount", ["-o", "loop,\(config.results.mountOptions)", disk, directory]).code == 0
    }

    /// Whether the results directory is ready to be written (mounted in `loop` mode).
    public func isReady(_ schedid: String) -> Bool {
        isLoop ? Self.isMountPoint(path(schedid)) : FileManager.default.fileExists(atPath: path(schedid))
    }

    /// A plain directory for the phase logs of a task that failed before its results
    /// filesystem existed, so the experimenter still receives `deploy.log` (§6.6).
    public func logsOnlyDirectory(_ schedid: String) -> String {
        let directory = path(schedid)
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        return directory
    }

    /// Bytes in regular files under the results directory (the soft cap of §8.4).
    public func usedBytes(_ schedid: String) -> Int64 {
        guard let walker = FileManager.default.enumerator(atPath: path(schedid)) else { return 0 }
        var total: Int64 = 0
        while let name = walker.nextObject() as? String {
            var info = stat()
            if lstat("\(path(schedid))/\(name)", &info) == 0, (info.st_mode & S_IFMT) == S_IFREG { total += Int64(info.st_size) }
        }
        return total
    }

    /// Whether the results filesystem is full (`container.stat`'s `results_full`).
    public func isFull(_ schedid: String) -> Bool {
        isLoop && (Self.freeBytes(path(schedid)) ?? 1) < 4096
    }

    static func allocate(_ disk: String, size: Int64) throws(RuntimeFailure) {
        let fd = open(disk, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw RuntimeFailure(code: 1, "cannot create \(disk)") }
        // Fully allocated without writing zeros.
        let result = posix_fallocate(fd, 0, off_t(size))
        close(fd)
        if result != 0 {
            unlink(disk)
            throw RuntimeFailure(code: result == ENOSPC ? 101 : 1, "cannot allocate \(size) bytes for \(disk)")
        }
    }

    public static func freeBytes(_ path: String) -> Int64? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }

    static func isMountPoint(_ path: String) -> Bool {
        guard let mounts = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return false }
        let target = (path as NSString).standardizingPath
        return mounts.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            return fields.count > 4 && fields[4].replacingOccurrences(of: "\\040", with: " ") == target
        }
    }
}

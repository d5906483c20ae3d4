import Foundation

/// A small ext4 filesystem in a file, loop-mounted (scenarios 23, 24 and 128): a disk whose free
/// space the test decides. Needs root. (Growing it while mounted would need
/// CAP_SYS_RESOURCE, which these machines' root lacks; tests free space by deleting a file.)
final class LoopFilesystem {
    let image: String
    let mountPoint: String

    init(image: String, mountPoint: String, megabytes: Int) async throws {
        self.image = image
        self.mountPoint = mountPoint
        guard FileManager.default.createFile(atPath: image, contents: nil), truncate(image, off_t(megabytes) << 20) == 0 else {
            throw TestPKI.Failure(description: "cannot create \(image)")
        }
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        try await Self.run("mkfs.ext4", ["-q", "-F", "-m", "0", image])
        try await Self.run("mount", ["-o", "loop", image, mountPoint])
    }

    /// Bytes free for an unprivileged writer.
    var freeBytes: Int64 {
        var stats = statvfs()
        guard statvfs(mountPoint, &stats) == 0 else { return 0 }
        return Int64(stats.f_bavail) * Int64(stats.f_frsize)
    }

    /// Takes `megabytes` of the free space with a file of that name.
    func fill(_ name: String, megabytes: Int) async throws {
        try await Self.run("fallocate", ["-l", "\(megabytes)M", "\(mountPoint)/\(name)"])
    }

    /// Takes every free block, so the next write that needs one fails with ENOSPC.
    func fillCompletely() async throws {
        try await fill("ballast", megabytes: max(Int(freeBytes >> 20) - 1, 1))
        // The last megabyte block by block; dd ends with "No space left on device".
        _ = try await Program.run(try Integration.require("dd"), ["if=/dev/zero", "of=\(mountPoint)/ballast-rest", "bs=4096"])
    }

    /// Gives back what `fill` and `fillCompletely` took.
    func empty() throws {
        for name in ["ballast", "ballast-rest"] where FileManager.default.fileExists(atPath: "\(mountPoint)/\(name)") {
            try FileManager.default.removeItem(atPath: "\(mountPoint)/\(name)")
        }
    }

    /// Detaches the filesystem and everything mounted below it.
    func unmount() {
        _ = try? Program.run(try Integration.require("umount"), ["-l", mountPoint])
    }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) async throws -> ProgramResult {
        let result = try await Program.run(try Integration.require(tool), arguments)
        guard result.status == 0 else { throw TestPKI.Failure(description: "\(tool) \(arguments.joined(separator: " ")): \(result.stderr)") }
        return result
    }
}

import Foundation

/// One marvind per node (node-runtime §1.4): an exclusive lock on `<runtime>/marvind.lock`,
/// held for the life of the process and released by the kernel when it ends, however it ends.
public final class InstanceLock: Sendable {
    let fd: Int32

    public struct Held: Error, CustomStringConvertible, Sendable {
        public var description: String { "another marvind instance is running" }
    }

    public struct Unavailable: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public init(runtimeDirectory: String) throws {
        try? FileManager.default.createDirectory(atPath: runtimeDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let path = "\(runtimeDirectory)/marvind.lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Unavailable(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw Held()
        }
    }

    /// Whether a daemon holds the lock now (for `marvind status`).
    public static func isHeld(runtimeDirectory: String) -> Bool {
        let fd = open("\(runtimeDirectory)/marvind.lock", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return true
    }
}

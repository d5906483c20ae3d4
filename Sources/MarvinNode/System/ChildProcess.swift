import CMarvinSpawn
import Foundation
import Glibc

/// A program marvind runs (hooks, the `process` runtime, mkfs and mount): an argument vector,
/// never a shell line built from task data (node-runtime §1.4); its own session and process
/// group so a stop reaches everything it started; an environment built by the caller.
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    private let lock = NSLock()
    private var status: Int32?
    private var waiters: [CheckedContinuation<Int32, Never>] = []

    public enum Input: Sendable {
        case null
        case data(Data)
    }

    public enum Output: Sendable {
        case null
        /// Appended to this file (created 0600).
        case file(String)
        /// Each line, as it arrives; lines over 4096 bytes are split.
        case lines(@Sendable (String) -> Void)
    }

    public struct SpawnError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Starts `executable` (an absolute path) with `arguments` (without argv[0]). stderr goes
    /// where `errors` says, or with stdout when it is nil.
    public init(executable: String, arguments: [String] = [], environment: [String: String], directory: String? = nil, input: Input = .null,
                output: Output = .null, errors: Output? = nil) throws {
        var inputFDs: (read: Int32, write: Int32) = (-1, -1)
        var closeAfterSpawn: [Int32] = []
        defer { closeAfterSpawn.forEach { _ = close($0) } }

        switch input {
        case .null:
            inputFDs.read = Glibc.open("/dev/null", O_RDONLY | O_CLOEXEC)
        case .data:
            var fds: [Int32] = [0, 0]
            guard marvin_pipe(&fds) == 0 else { throw SpawnError(description: "pipe: \(String(cString: strerror(errno)))") }
            inputFDs = (fds[0], fds[1])
        }
        closeAfterSpawn.append(inputFDs.read)
        let outputFDs = try Self.open(output)
        closeAfterSpawn.append(outputFDs.write)
        let errorFDs = try errors.map(Self.open) ?? (read: -1, write: outputFDs.write)
        if errors != nil { closeAfterSpawn.append(errorFDs.write) }

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var error: Int32 = 0
        let spawned = marvin_spawn(executable, argv, envp, directory, inputFDs.read, outputFDs.write, errorFDs.write, &error)
        guard spawned > 0 else {
            for fd in [inputFDs.write, outputFDs.read, errorFDs.read] where fd >= 0 { close(fd) }
            throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(error)))")
        }
        pid = spawned

        if case .data(let data) = input {
            let fd = inputFDs.write
            Thread.detachNewThread {
                // A program that never reads stdin gets EPIPE, which is fine: it was told.
                signal(SIGPIPE, SIG_IGN)
                data.withUnsafeBytes { buffer in
                    var offset = 0
                    while offset < buffer.count {
                        let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                        if written <= 0 { break }
                        offset += written
                    }
                }
                close(fd)
            }
        }
        // The exit is reported once the output read so far has been handed over (or 2 s later,
        // when a background process the child left behind keeps the pipe open).
        let readers = DispatchGroup()
        if case .lines(let handler) = output {
            let fd = outputFDs.read
            readers.enter()
            Thread.detachNewThread {
                Self.readLines(fd, handler)
                readers.leave()
            }
        }
        if case .lines(let handler)? = errors {
            let fd = errorFDs.read
            readers.enter()
            Thread.detachNewThread {
                Self.readLines(fd, handler)
                readers.leave()
            }
        }
        let pid = spawned
        Thread.detachNewThread { [self] in
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
            _ = readers.wait(timeout: .now() + 2)
            // Exit code, or 128 + signal as shells report it.
            let code = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
            finish(code)
        }
    }

    /// The descriptors for one output: the child's end, and ours for `.lines`.
    private static func open(_ output: Output) throws -> (read: Int32, write: Int32) {
        switch output {
        case .null:
            return (-1, Glibc.open("/dev/null", O_WRONLY | O_CLOEXEC))
        case .file(let path):
            let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw SpawnError(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
            return (-1, fd)
        case .lines:
            var fds: [Int32] = [0, 0]
            guard marvin_pipe(&fds) == 0 else { throw SpawnError(description: "pipe: \(String(cString: strerror(errno)))") }
            return (fds[0], fds[1])
        }
    }

    /// Blocks the calling thread until the child has ended (for synchronous callers; it needs
    /// no other thread of the caller's to make progress).
    public func waitBlocking() -> Int32 {
        lock.lock()
        if let status {
            lock.unlock()
            return status
        }
        let done = DispatchSemaphore(value: 0)
        blockedWaiters.append(done)
        lock.unlock()
        done.wait()
        return lock.withLock { status ?? -1 }
    }

    private var blockedWaiters: [DispatchSemaphore] = []

    private func finish(_ code: Int32) {
        lock.lock()
        status = code
        let pending = waiters
        let blocked = blockedWaiters
        waiters = []
        blockedWaiters = []
        lock.unlock()
        pending.forEach { $0.resume(returning: code) }
        blocked.forEach { $0.signal() }
    }

    /// The exit code (128 + signal number when killed by a signal).
    public func wait() async -> Int32 {
        await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            self.addWaiter(continuation)
        }
    }

    private func addWaiter(_ continuation: CheckedContinuation<Int32, Never>) {
        lock.lock()
        if let status {
            lock.unlock()
            continuation.resume(returning: status)
        } else {
            waiters.append(continuation)
            lock.unlock()
        }
    }

    public var exitCode: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return status
    }

    /// Signals the whole process group (the child leads its own session).
    public func signalGroup(_ signal: Int32) {
        if exitCode == nil { _ = kill(-pid, signal) }
    }

    /// Runs to completion within `timeout` seconds; on timeout SIGTERM to the group, SIGKILL
    /// `killAfter` seconds later, and the result is 124 (the hook convention, §11.5).
    public func wait(timeout: Double, killAfter: Double = 5) async -> Int32 {
        let timer = Task { [self] in
            try await Task.sleep(nanoseconds: UInt64(max(timeout, 0) * 1e9))
            lock.withLock { timedOut = status == nil }
            signalGroup(SIGTERM)
            try await Task.sleep(nanoseconds: UInt64(killAfter * 1e9))
            signalGroup(SIGKILL)
        }
        let code = await wait()
        timer.cancel()
        return lock.withLock { timedOut } ? 124 : code
    }

    private var timedOut = false

    static func readLines(_ fd: Int32, _ handler: @Sendable (String) -> Void) {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            pending.append(contentsOf: buffer[0..<count])
            while true {
                let newline = pending.prefix(4097).firstIndex(of: 10)
                guard newline != nil || pending.count > 4096 else { break }
                let end = min(newline ?? 4096, 4096)
                handler(String(decoding: pending[0..<end], as: UTF8.self))
                pending.removeFirst(end < pending.count && pending[end] == 10 ? end + 1 : end)
            }
        }
        if !pending.isEmpty { handler(String(decoding: pending, as: UTF8.self)) }
        close(fd)
    }
}

extension ChildProcess {
    /// Runs a system tool (mkfs, mount, e2fsck) to completion: its exit code and output lines.
    public static func run(_ tool: String, _ arguments: [String], timeout: Double = 120) async -> (code: Int32, output: [String]) {
        guard let path = locate(tool) else { return (127, ["\(tool) not found"]) }
        let lines = LineCollector()
        do {
            let child = try ChildProcess(executable: path, arguments: arguments, environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C"],
                                         output: .lines { lines.add($0) })
            let code = await child.wait(timeout: timeout)
            return (code, lines.all)
        } catch {
            return (127, ["\(error)"])
        }
    }

    /// An executable in the system directories.
    public static func locate(_ tool: String) -> String? {
        if tool.hasPrefix("/") { return FileManager.default.isExecutableFile(atPath: tool) ? tool : nil }
        return ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"].map { "\($0)/\(tool)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func add(_ line: String) {
        lock.lock()
        lines.append(line)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }
}

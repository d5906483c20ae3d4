import Foundation
import Glibc

/// A task's phase logs for the experimenter (node-runtime §6.1, §7.11, §9.6): `deploy.log`,
/// `start.log` and `cleanup.log`, lines `<RFC 3339 UTC time> <text>`, hidden values scrubbed.
/// They live under `<work>/logs/<schedid>/` until the results directory exists, then in it.
public final class PhaseLog: @unchecked Sendable {
    public enum Phase: String, Sendable {
        case deploy, start, cleanup
    }

    private let lock = NSLock()
    private var directory: String
    private let redaction: Redaction

    public init(directory: String, redaction: Redaction) {
        self.directory = directory
        self.redaction = redaction
    }

    public var currentDirectory: String {
        lock.lock()
        defer { lock.unlock() }
        return directory
    }

    /// Moves the logs written so far into `results` and writes there from now on.
    public func move(to results: String) throws {
        lock.lock()
        defer { lock.unlock() }
        guard results != directory else { return }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for file in files {
            let source = "\(directory)/\(file)"
            let target = "\(results)/\(file)"
            let data = try Data(contentsOf: URL(fileURLWithPath: source))
            try Self.append(data, to: target)
            try FileManager.default.removeItem(atPath: source)
        }
        try? FileManager.default.removeItem(atPath: directory)
        directory = results
    }

    public func write(_ phase: Phase, _ text: String, at date: Date = Date()) {
        let line = "\(Self.timestamp(date)) \(redaction.scrub(text))\n"
        lock.lock()
        defer { lock.unlock() }
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try? Self.append(Data(line.utf8), to: "\(directory)/\(phase.rawValue).log")
    }

    static func append(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(fd) }
        _ = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }

    /// `2026-12-01T10:15:00.123Z`, formatted without ICU (it would stay mapped for good).
    public static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        return rfc3339(seconds: milliseconds / 1000, fraction: milliseconds % 1000, digits: 3)
    }

    /// `YYYY-MM-DDTHH:MM:SS.<fraction with digits>Z` in UTC.
    static func rfc3339(seconds: Int64, fraction: Int64, digits: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: some BinaryInteger, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(fraction, digits))Z"
    }
}

import Foundation
import Logging

/// Daemon logs (node-runtime §15.1): stderr lines with a syslog priority prefix that journald
/// understands (`<6>task 1001: …`), and optionally the same lines, timestamped, in `log.file`.
public struct JournalLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    let file: String?
    let toStandardError: Bool

    /// `toStandardError: false` keeps only the file (a program whose terminal shows something else).
    public init(level: Logger.Level, file: String?, toStandardError: Bool = true) {
        logLevel = level
        self.file = file
        self.toStandardError = toStandardError
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let priority: Int
        switch event.level {
        case .trace, .debug: priority = 7
        case .info: priority = 6
        case .notice: priority = 5
        case .warning: priority = 4
        case .error: priority = 3
        case .critical: priority = 2
        }
        let line = "\(event.message)\n"
        if toStandardError { FileHandle.standardError.write(Data("<\(priority)>\(line)".utf8)) }
        if let file {
            let fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
            if fd >= 0 {
                let stamped = "\(PhaseLog.timestamp(Date())) \(event.level) \(line)"
                _ = stamped.withCString { write(fd, $0, strlen($0)) }
                close(fd)
            }
        }
    }

    /// `log.level` names (legacy numbers were mapped when the configuration was read).
    public static func level(_ name: String) -> Logger.Level {
        switch name {
        case "trace": return .trace
        case "debug": return .debug
        case "notice": return .notice
        case "warning": return .warning
        case "error": return .error
        case "critical": return .critical
        default: return .info
        }
    }
}

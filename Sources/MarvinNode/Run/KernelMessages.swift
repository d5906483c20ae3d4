import Foundation

/// The kernel's messages since a run started, for `cleanup.log` (node-runtime §9.6 step 4),
/// read from `/dev/kmsg` without blocking and stamped with wall-clock time. The kernel stamps
/// them in microseconds since boot; the legacy filter compared that with unix time and so
/// never printed anything.
enum KernelMessages {
    /// Every record logged at or after `monotonic` (seconds since boot, as
    /// `NodeServices.monotonic()`) with its wall-clock time; nil when `/dev/kmsg` cannot be read.
    static func since(monotonic start: Double) -> [(at: Date, text: String)]? {
        let fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let offset = NodeServices.now() - NodeServices.monotonic()
        var lines: [(at: Date, text: String)] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count < 0 {
                // EPIPE: older records were overwritten while reading; go on with the next one.
                if errno == EPIPE { continue }
                break
            }
            if count == 0 { break }
            // `priority,sequence,microseconds,flags;message`, then continuation lines.
            let record = String(decoding: buffer[0..<count], as: UTF8.self)
            guard let semicolon = record.firstIndex(of: ";") else { continue }
            let fields = record[..<semicolon].split(separator: ",")
            guard fields.count >= 3, let microseconds = Double(fields[2]) else { continue }
            let at = microseconds / 1e6
            guard at >= start else { continue }
            let message = record[record.index(after: semicolon)...].prefix { $0 != "\n" }
            lines.append((Date(timeIntervalSince1970: at + offset), String(message)))
        }
        return lines
    }
}

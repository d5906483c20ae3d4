import MarvinCore
import NIOCore

/// The engine's pull progress, one JSON object per line (node-runtime §6.3): deployment bytes
/// are the compressed sizes of the layers this task's pulls downloaded; layers that were
/// already present count 0, unless an earlier pull of this task had downloaded them.
struct PullProgress {
    /// Layers an earlier, interrupted pull of the task downloaded.
    var earlier: [String: Int64] = [:]
    /// Called once per layer when its download completes.
    var completed: (String, Int64) -> Void = { _, _ in }
    private var pending: [UInt8] = []
    private var totals: [String: Int64] = [:]
    private var downloaded: Set<String> = []
    /// Bytes received so far of layers still downloading.
    private var current: [String: Int64] = [:]
    var error: String?

    struct DiskFull: Error, CustomStringConvertible {
        var description: String { "DiskFull" }
    }

    mutating func read(_ chunk: ByteBuffer) {
        // Bytes, not Characters: the engine ends lines with CRLF, one Character in Swift.
        pending.append(contentsOf: chunk.readableBytesView)
        while let newline = pending.firstIndex(of: 10) {
            let line = String(decoding: pending[..<newline], as: UTF8.self)
            pending.removeFirst(newline + 1)
            guard let event = try? JSONParser.parse(line) else { continue }
            if let message = event["error"]?.stringValue {
                error = message
                continue
            }
            guard let layer = event["id"]?.stringValue, let status = event["status"]?.stringValue else { continue }
            switch status {
            case "Downloading":
                if let total = event["progressDetail"]?["total"]?.integerValue, total > 0 { totals[layer] = total }
                if let received = event["progressDetail"]?["current"]?.integerValue { current[layer] = received }
            case "Download complete", "Pull complete", "Extracting", "Verifying Checksum":
                if let total = totals[layer], downloaded.insert(layer).inserted { completed(layer, total) }
            default:
                break
            }
        }
    }

    var downloadedBytes: Int64 {
        earlier.filter { !downloaded.contains($0.key) }.values.reduce(0, +) + downloaded.reduce(0) { $0 + (totals[$1] ?? 0) }
    }

    /// Everything received so far, finished layers and those still downloading (a pull cancelled
    /// for disk space remembers this, §6.4).
    var receivedBytes: Int64 { downloadedBytes + current.filter { !downloaded.contains($0.key) && earlier[$0.key] == nil }.values.reduce(0, +) }

    /// A registry that could not be reached at all (not an authorisation or "manifest unknown").
    static func isConnectivity(_ message: String) -> Bool {
        let text = message.lowercased()
        return ["dial tcp", "connection refused", "no such host", "i/o timeout", "network is unreachable", "tls handshake", "no route to host"]
            .contains { text.contains($0) }
    }
}

/// The engine's multiplexed log stream: 8-byte frame headers (stream, size), each line
/// prefixed by its RFC 3339 timestamp; partial lines wait for the rest of their stream.
struct LogDemultiplexer {
    private var buffer: [UInt8] = []
    private var partial: [UInt8: [UInt8]] = [:]

    mutating func read(_ chunk: ByteBuffer) -> [(timestamp: String, text: String)] {
        buffer.append(contentsOf: chunk.readableBytesView)
        var lines: [(timestamp: String, text: String)] = []
        while buffer.count >= 8 {
            let stream = buffer[0]
            let size = Int(buffer[4]) << 24 | Int(buffer[5]) << 16 | Int(buffer[6]) << 8 | Int(buffer[7])
            guard buffer.count >= 8 + size else { break }
            var data = partial[stream] ?? []
            data.append(contentsOf: buffer[8..<(8 + size)])
            buffer.removeFirst(8 + size)
            while let newline = data.firstIndex(of: 10) {
                lines.append(Self.split(data[..<newline]))
                data.removeFirst(newline + 1)
            }
            partial[stream] = data
        }
        return lines
    }

    /// The final partial lines, written when the run has ended.
    mutating func finish() -> [(timestamp: String, text: String)] {
        defer { partial = [:] }
        return partial.keys.sorted().compactMap { partial[$0]!.isEmpty ? nil : Self.split(partial[$0]![...]) }
    }

    static func split(_ line: ArraySlice<UInt8>) -> (timestamp: String, text: String) {
        let text = String(decoding: line, as: UTF8.self)
        guard let space = text.firstIndex(of: " ") else { return (ContainerLog.timestamp(), text) }
        return (String(text[..<space]), String(text[text.index(after: space)...]))
    }
}

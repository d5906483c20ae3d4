import Foundation

/// One request to the running daemon on its control socket (`observability.control_socket`).
/// Blocking and bounded: a hung daemon may accept the connection and never answer, and the
/// caller (the backup stop, §8.5) must then act on its own.
enum ControlClient {
    struct Answer {
        var status: Int
        var body: String
    }

    /// `POST path`; nil when the daemon does not answer completely within `timeout` seconds.
    static func post(_ path: String, socket: String, timeout: Double) -> Answer? {
        guard let fd = UnixSocket.connect(socket, timeout: timeout) else { return nil }
        defer { close(fd) }
        let deadline = Date().addingTimeInterval(timeout)
        let request = Array("POST \(path) HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
        guard write(fd, request, request.count) == request.count else { return nil }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        // The daemon closes the connection after its answer.
        while true {
            guard Date() < deadline else { return nil }
            let count = read(fd, &buffer, buffer.count)
            if count == 0 { break }
            if count < 0 { return nil }
            response += buffer[0..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let head = text.range(of: "\r\n\r\n"), let line = text.split(separator: "\r\n").first else { return nil }
        let fields = line.split(separator: " ")
        guard fields.count >= 2, let status = Int(fields[1]) else { return nil }
        return Answer(status: status, body: String(text[head.upperBound...]))
    }
}

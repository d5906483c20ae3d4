import Foundation

/// "Now" in integer Unix seconds. Injected so tests can move time.
protocol ControllerClock: Sendable {
    func now() -> Int64
}

struct SystemClock: ControllerClock {
    func now() -> Int64 { Int64(Date().timeIntervalSince1970) }
}

/// `testing.clock_file` (§8): the integer in the file when it holds one, else the system clock.
struct FileClock: ControllerClock {
    let path: String

    func now() -> Int64 {
        if let text = try? String(contentsOfFile: path, encoding: .utf8),
            let value = Int64(text.trimmingCharacters(in: .whitespacesAndNewlines))
        {
            return value
        }
        return SystemClock().now()
    }
}

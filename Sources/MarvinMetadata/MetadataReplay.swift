import Glibc
import MarvinCore

/// Plays a recording onto the metadata bus as a development node does (node-runtime §13.4):
/// the first message at once, each next one after its recorded gap divided by the speed (gaps
/// capped), on the monotonic clock from the start so that errors never accumulate. Every
/// message gets the replay's own `SequenceNumber` and the current `Timestamp`; a mapped
/// `InterfaceName` gets its `InternalInterface` and `InternalIPAddress`, and a message whose
/// mapped interface does not exist is dropped.
public struct MetadataReplay: Sendable {
    public struct Settings: Sendable {
        public var speed: Double
        public var loop: Bool
        public var maxGap: Double
        public var interfaceMap: [String: String]

        public init(speed: Double = 1, loop: Bool = true, maxGap: Double = 60, interfaceMap: [String: String] = [:]) {
            self.speed = speed
            self.loop = loop
            self.maxGap = maxGap
            self.interfaceMap = interfaceMap
        }
    }

    public let recording: MetadataRecording
    public let settings: Settings
    /// The IPv4 address of an interface, nil when it does not exist.
    let address: @Sendable (String) -> String?

    public init(recording: MetadataRecording, settings: Settings,
                address: @escaping @Sendable (String) -> String? = InterfaceAddresses.ipv4) {
        self.recording = recording
        self.settings = settings
        self.address = address
    }

    /// Seconds after a pass's start at which each message is due.
    public var schedule: [Double] {
        var due: [Double] = []
        var previous = 0.0
        for message in recording.messages {
            let gap = min(message.offset - previous, settings.maxGap)
            previous = message.offset
            due.append((due.last ?? 0) + (due.isEmpty ? 0 : gap / settings.speed))
        }
        return due
    }

    /// Publishes until the recording ends (or, with `loop`, until cancelled). `publish` gets each
    /// frame `"<TOPIC> <JSON>"`; `published` the number sent so far.
    public func run(publish: (String) throws -> Void, published: (Int) -> Void = { _ in }) async throws {
        let due = schedule
        guard !due.isEmpty else { return }
        let clock = ContinuousClock()
        var passStart = clock.now
        var sequence: Int64 = 0
        while true {
            for (message, seconds) in zip(recording.messages, due) {
                try await clock.sleep(until: passStart + .milliseconds(Int64((seconds * 1000).rounded())))
                guard let frame = rewrite(message, sequence: sequence + 1) else { continue }
                try publish(frame)
                sequence += 1
                published(Int(sequence))
            }
            guard settings.loop else { return }
            // The next pass begins one second after the last line.
            passStart = passStart + .milliseconds(Int64(((due.last ?? 0) * 1000).rounded())) + .seconds(1)
        }
    }

    /// The frame for one message, or nil when its mapped interface is missing.
    func rewrite(_ message: MetadataRecording.Message, sequence: Int64) -> String? {
        var body = message.body
        body["SequenceNumber"] = .int(sequence)
        body["Timestamp"] = .double(Self.wallClock())
        if let recorded = body["InterfaceName"]?.stringValue, let mapped = settings.interfaceMap[recorded] {
            guard let ipv4 = address(mapped) else { return nil }
            body["InternalInterface"] = .string(mapped)
            body["InternalIPAddress"] = .string(ipv4)
        }
        return "\(message.topic) \(JSONWriter.write(.object(body), pretty: false))"
    }

    /// Unix seconds with microseconds.
    static func wallClock() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec / 1000) / 1e6
    }
}

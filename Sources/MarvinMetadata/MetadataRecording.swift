import MarvinCore

/// A recording of the metadata bus (node-runtime §13.3): one message per line,
/// `<timestamp> <TOPIC> <JSON>`, or the legacy `<TOPIC> <JSON>` whose time is the JSON's
/// `Timestamp`. Timestamps never go back: a decreasing one counts as no gap.
public struct MetadataRecording: Sendable {
    public struct Message: Sendable, Equatable {
        /// Seconds since the recording's first message.
        public var offset: Double
        public var topic: String
        public var body: [String: JSONValue]
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public let messages: [Message]

    public init(text: String) throws(Failure) {
        var messages: [Message] = []
        var first: Double?
        var previous: Double?
        // "\r\n" is one Character: both line ends split.
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) || line.hasPrefix("#") { continue }
            let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            let recorded = fields.count == 3 ? Double(fields[0]) : nil
            let topic = String(recorded == nil ? fields[0] : fields[1])
            let json = recorded == nil ? line.dropFirst(fields[0].count + 1) : fields[2]
            guard !topic.isEmpty, recorded != nil || fields.count >= 2 else {
                throw Failure(description: "line \(index + 1): expected <timestamp> <TOPIC> <JSON> or <TOPIC> <JSON>")
            }
            guard let body = (try? JSONParser.parse(String(json)))?.objectValue else {
                throw Failure(description: "line \(index + 1): the message body is not a JSON object")
            }
            guard let time = recorded ?? body["Timestamp"]?.doubleValue ?? previous else {
                throw Failure(description: "line \(index + 1): no timestamp (neither a leading number nor a Timestamp field)")
            }
            let start = first ?? time
            first = start
            let monotonic = max(time, previous ?? time)
            previous = monotonic
            messages.append(Message(offset: monotonic - start, topic: topic, body: body))
        }
        self.messages = messages
    }
}

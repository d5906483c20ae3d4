import MarvinCore

/// The body of `POST /v1/experiments` (ctld-protocol §3.4, §5.2) from the `submit` flags.
public struct ExperimentRequest: Sendable {
    public enum Timing: Sendable, Equatable {
        /// At a fixed start, for `duration` seconds.
        case fixed(start: Int64, duration: Int64)
        /// As soon as possible (`start: 0`).
        case asap(duration: Int64)
        /// The first-availability queue (`start: -1`), within an optional window end (`until`).
        case firstAvailable(duration: Int64)
    }

    public var name: String
    public var script: String
    public var nodecount: Int64 = 1
    public var nodetypes: String = ""
    public var timing: Timing
    /// Preselected node ids (the `nodes` option, §5.8).
    public var nodes: [Int64] = []
    public var interfaceCount: Int64 = 1
    /// `simple` recurrence every `period` seconds until `until` (§5.18).
    public var recurrence: (period: Int64, until: Int64)?
    /// Further options; hidden ones start with `_` (§5.13).
    public var options: [String: JSONValue] = [:]

    public init(name: String, script: String, timing: Timing) {
        self.name = name
        self.script = script
        self.timing = timing
    }

    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// `key=value`: the value as JSON when it parses (numbers, booleans, objects), else as text.
    public static func option(_ text: String) throws(Invalid) -> (key: String, value: JSONValue) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw Invalid(description: "\(text.prefix(40)) is not key=value")
        }
        let key = String(text[..<equals])
        let raw = String(text[text.index(after: equals)...])
        let value = (try? JSONParser.parse(raw)) ?? .string(raw)
        return (key, value)
    }

    public var body: JSONValue {
        var options = self.options
        if !nodes.isEmpty { options["nodes"] = .string(nodes.map(String.init).joined(separator: ",")) }
        if let recurrence {
            options["recurrence"] = "simple"
            options["period"] = .int(recurrence.period)
            options["until"] = .int(recurrence.until)
        }
        var body: [String: JSONValue] = [
            "name": .string(name), "script": .string(script), "nodecount": .int(nodecount), "nodetypes": .string(nodetypes),
            "interfaceCount": .int(interfaceCount), "options": .object(options),
        ]
        switch timing {
        case .fixed(let start, let duration): (body["start"], body["duration"]) = (.int(start), .int(duration))
        case .asap(let duration): (body["start"], body["duration"]) = (0, .int(duration))
        case .firstAvailable(let duration): (body["start"], body["duration"]) = (-1, .int(duration))
        }
        return .object(body)
    }
}

import Foundation

/// The `options` of an experiment (§5.2): decoded once, validated, then split into the
/// scheduling options kept on the experiment and the deployment options sent to each node.
public struct ExperimentOptions: Sendable, Equatable {
    public private(set) var values: [String: JSONValue]

    public init(_ values: [String: JSONValue] = [:]) { self.values = values }

    /// The option text could not be decoded (check #8); the message never echoes option text.
    public struct Unparsable: Error, Sendable {}

    /// Decodes the `options` parameter: absent/null/"" → empty, a JSON object, a string holding
    /// a JSON object, or `k=v&k=v` pairs with string values.
    public init(decoding raw: JSONValue?) throws(Unparsable) {
        switch raw {
        case nil, .null?: values = [:]
        case .object(let object)?: values = object
        case .string(let text)?:
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { values = [:]; return }
            if let parsed = try? JSONParser.parse(trimmed) {
                guard case .object(let object) = parsed else { throw Unparsable() }
                values = object
                return
            }
            var pairs: [String: JSONValue] = [:]
            for pair in text.split(separator: "&", omittingEmptySubsequences: false) {
                let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty else { throw Unparsable() }
                pairs[String(parts[0])] = .string(String(parts[1]))
            }
            values = pairs
        default: throw Unparsable()
        }
    }

    public subscript(key: String) -> JSONValue? { values[key] }

    public func has(_ key: String) -> Bool { values[key] != nil }

    // MARK: - Validation (check #9)

    public enum Invalid: Error, Equatable, Sendable {
        case notNonNegativeInteger(String)
        case nodes

        public var message: String {
            switch self {
            case .notNonNegativeInteger(let key): return "Option \(key) must be a non-negative integer."
            case .nodes: return "Option nodes must be a list of node ids."
            }
        }
    }

    public static let integerKeys = ["storage", "traffic", "period", "until"]

    /// Checks the integer options and the `nodes` list; returns the validated numbers.
    public func validate() throws(Invalid) -> Validated {
        var numbers: [String: Int64] = [:]
        for key in Self.integerKeys {
            guard let value = values[key] else { continue }
            guard let number = value.integerValue, number >= 0 else { throw .notNonNegativeInteger(key) }
            numbers[key] = number
        }
        let preselection = try Self.nodeList(values["nodes"])
        return Validated(
            storage: numbers["storage"] ?? 0, traffic: numbers["traffic"] ?? 0,
            period: numbers["period"] ?? 0, until: numbers["until"],
            preselection: preselection, shared: Self.isTruthy(values["shared"]))
    }

    public struct Validated: Sendable, Equatable {
        public var storage: Int64
        public var traffic: Int64
        public var period: Int64
        public var until: Int64?
        /// Node ids named by the `nodes` option, duplicates removed; nil or empty = no preselection.
        public var preselection: [Int64]?
        public var shared: Bool
    }

    /// Parses the `nodes` option (§5.8): a comma-separated string or a list of ids.
    public static func nodeList(_ value: JSONValue?) throws(Invalid) -> [Int64]? {
        guard let value else { return nil }
        var ids: [Int64] = []
        switch value {
        case .string(let text):
            for element in text.split(separator: ",", omittingEmptySubsequences: false) {
                let trimmed = element.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty { continue }
                guard trimmed.allSatisfy({ $0.isASCII && $0.isNumber }), let id = Int64(trimmed) else { throw .nodes }
                ids.append(id)
            }
        case .array(let items):
            for item in items {
                switch item {
                case .int(let id): ids.append(id)
                case .string(let text):
                    let trimmed = text.trimmingCharacters(in: .whitespaces)
                    guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }), let id = Int64(trimmed) else { throw .nodes }
                    ids.append(id)
                default: throw .nodes
                }
            }
        default: throw .nodes
        }
        var seen = Set<Int64>()
        return ids.filter { seen.insert($0).inserted }
    }

    /// `shared` semantics of §5.10: absent, null, false, 0 and "", "0", "false", "no", "off" are false.
    public static func isTruthy(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .null?: return false
        case .bool(let b)?: return b
        case .int(let i)?: return i != 0
        case .double(let d)?: return d != 0
        case .string(let s)?:
            return !["", "0", "false", "no", "off"].contains(s.trimmingCharacters(in: .whitespacesAndNewlines).lowercased())
        default: return true
        }
    }

    // MARK: - Split (§5.2.3)

    public static let schedulingKeys = ["traffic", "shared", "recurrence", "period", "until", "storage"]

    /// Options stored on the experiment; the integer ones as integers.
    public func schedulingOptions(_ validated: Validated) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for key in Self.schedulingKeys {
            guard let value = values[key] else { continue }
            switch key {
            case "storage": result[key] = .int(validated.storage)
            case "traffic": result[key] = .int(validated.traffic)
            case "period": result[key] = .int(validated.period)
            case "until": result[key] = validated.until.map { .int($0) } ?? value
            default: result[key] = value
            }
        }
        return result
    }

    /// Options delivered to the node: everything but the recurrence keys, with `script` set.
    public func deploymentOptions(script: String) -> [String: JSONValue] {
        var result = values
        for key in ["recurrence", "period", "until"] { result[key] = nil }
        result["script"] = .string(script)
        return result
    }
}

/// Hidden (`_`-prefixed) options go to the experiment and nowhere else (§5.13).
public enum HiddenOptions {
    public static func isHidden(_ key: String) -> Bool { key.hasPrefix("_") }

    /// The one redaction used by every public view, log line and error text.
    public static func redacted(_ options: [String: JSONValue]) -> [String: JSONValue] {
        options.filter { !isHidden($0.key) }
    }
}

import MarvinCore

/// What a heartbeat answer means to the node (node-runtime §4.3).
public enum HeartbeatOutcome: Sendable, Equatable {
    /// 200 with tasks (the legacy array form included) and the routing hints.
    case answered(tasks: [HeartbeatTask], rejected: [String], interfaces: [(iccid: String, quotaCurrent: Int64)]?)
    /// A failure that counts for backoff; `retryAfter` from the server, if any.
    case failed(FailureKind, retryAfter: Int64?)

    public enum FailureKind: Sendable, Equatable {
        case unparsable
        case certificateRejected
        /// 429, 5xx, timeouts, connection and TLS errors.
        case unavailable
        /// The ctld's certificate is not signed by `ssl.ca` (§4.2): nothing was sent.
        case serverUnverified
        /// Any other 4xx: a protocol bug on one side.
        case protocolError(status: Int)
    }

    /// Reads an HTTP answer; only the first `prefetch` tasks are considered.
    public init(status: Int, body: String, retryAfter: Int64?, prefetch: Int) {
        switch status {
        case 200:
            guard let json = try? JSONParser.parse(body) else {
                self = .failed(.unparsable, retryAfter: nil)
                return
            }
            var entries: [JSONValue]
            var interfaces: [(iccid: String, quotaCurrent: Int64)]?
            switch json {
            case .array(let items): entries = items
            case .object(let object):
                guard case .array(let items) = object["tasks"] ?? .array([]) else {
                    self = .failed(.unparsable, retryAfter: nil)
                    return
                }
                entries = items
                if case .array(let hints)? = object["interfaces"] {
                    interfaces = hints.compactMap { hint in
                        guard let iccid = hint["iccid"]?.stringValue, case .int(let quota)? = hint["quota_current"] else { return nil }
                        return (iccid, quota)
                    }
                }
            default:
                self = .failed(.unparsable, retryAfter: nil)
                return
            }
            var tasks: [HeartbeatTask] = []
            var rejected: [String] = []
            for entry in entries.prefix(max(prefetch, 0)) {
                switch HeartbeatTask.validate(entry) {
                case .success(let task): tasks.append(task)
                case .failure(let problem): rejected.append(problem.description)
                }
            }
            self = .answered(tasks: tasks, rejected: rejected, interfaces: interfaces)
        case 401: self = .failed(.certificateRejected, retryAfter: nil)
        case 429, 500...599: self = .failed(.unavailable, retryAfter: retryAfter)
        default: self = .failed(.protocolError(status: status), retryAfter: nil)
        }
    }

    public static func == (a: HeartbeatOutcome, b: HeartbeatOutcome) -> Bool {
        switch (a, b) {
        case (.answered(let t1, let r1, let i1), .answered(let t2, let r2, let i2)):
            return t1 == t2 && r1 == r2 && i1?.map(\.iccid) == i2?.map(\.iccid) && i1?.map(\.quotaCurrent) == i2?.map(\.quotaCurrent)
        case (.failed(let k1, let r1), .failed(let k2, let r2)): return k1 == k2 && r1 == r2
        default: return false
        }
    }
}

/// One task of a heartbeat answer that passed the checks of §4.3.
public struct HeartbeatTask: Sendable, Equatable {
    public var id: String
    public var expID: Int64
    public var start: Int64
    public var stop: Int64
    public var status: TaskStatus
    /// The private options, hidden keys included: secrets (§15.4).
    public var deploymentOptions: [String: JSONValue]

    public init(id: String, expID: Int64, start: Int64, stop: Int64, status: TaskStatus, deploymentOptions: [String: JSONValue]) {
        self.id = id
        self.expID = expID
        self.start = start
        self.stop = stop
        self.status = status
        self.deploymentOptions = deploymentOptions
    }

    /// Schedule ids a node accepts (§0): anything else is never written to disk or run.
    public static func isAcceptableID(_ id: String) -> Bool {
        // `^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`, checked by hand (no ICU regex at run time).
        let bytes = Array(id.utf8)
        func alphanumeric(_ byte: UInt8) -> Bool { (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) }
        guard let first = bytes.first, alphanumeric(first), bytes.count <= 64 else { return false }
        return bytes.dropFirst().allSatisfy { alphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    /// A failed check, naming the entry's id escaped and what was wrong.
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    static func validate(_ entry: JSONValue) -> Result<HeartbeatTask, Problem> {
        guard case .object(let object) = entry else { return .failure(Problem(description: "task entry is not an object")) }
        let id: String
        switch object["id"] {
        case .string(let text)?: id = text
        case .int(let number)?: id = String(number)
        default: return .failure(Problem(description: "task without a valid id skipped"))
        }
        let named = "task \(Self.escaped(id))"
        guard isAcceptableID(id) else { return .failure(Problem(description: "\(named): id does not match the accepted pattern")) }
        guard let expID = object["expid"].flatMap({ $0 == .bool(true) || $0 == .bool(false) ? nil : $0.integerValue }) else {
            return .failure(Problem(description: "\(named): expid is not an integer"))
        }
        guard case .int(let start)? = object["start"], case .int(let stop)? = object["stop"] else {
            return .failure(Problem(description: "\(named): start and stop must be integers"))
        }
        guard stop > start else { return .failure(Problem(description: "\(named): stop is not after start")) }
        guard case .string(let status)? = object["status"] else { return .failure(Problem(description: "\(named): status is not a string")) }
        var options: [String: JSONValue] = [:]
        switch object["deployment_options"] {
        case nil: break
        case .object(let value)?: options = value
        default: return .failure(Problem(description: "\(named): deployment_options is not an object"))
        }
        return .success(HeartbeatTask(id: id, expID: expID, start: start, stop: stop, status: TaskStatus(status), deploymentOptions: options))
    }

    /// Ids that failed the pattern are logged escaped, never verbatim.
    static func escaped(_ id: String) -> String {
        String(id.prefix(80)).unicodeScalars.map { scalar in
            scalar.isASCII && scalar.value >= 0x20 && scalar.value < 0x7F ? String(scalar) : "\\u{\(String(scalar.value, radix: 16))}"
        }.joined()
    }
}

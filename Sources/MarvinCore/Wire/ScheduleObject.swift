/// A task as the API shows it (§4.7), and as a node receives it in a heartbeat answer.
public struct ScheduleObject: Sendable, Equatable {
    public var id: String
    public var nodeID: Int64
    public var expID: Int64
    /// `-1` for a first-availability task not placed yet; `stop` is then its duration.
    public var start: Int64
    public var stop: Int64
    public var status: TaskStatus
    /// True for shared tasks and for every final task (legacy).
    public var shared: Bool
    /// Includes hidden `_` keys only in the private view of the task's own node.
    public var deploymentOptions: [String: JSONValue]

    public init(
        id: String, nodeID: Int64, expID: Int64, start: Int64, stop: Int64, status: TaskStatus, shared: Bool,
        deploymentOptions: [String: JSONValue]
    ) {
        self.id = id
        self.nodeID = nodeID
        self.expID = expID
        self.start = start
        self.stop = stop
        self.status = status
        self.shared = shared
        self.deploymentOptions = deploymentOptions
    }

    public init(json: JSONValue) throws(WireError) {
        id = try json.text("id")
        nodeID = try json.int("nodeid")
        expID = try json.int("expid")
        start = try json.int("start")
        stop = try json.int("stop")
        status = TaskStatus(try json.text("status"))
        shared = try json.int("shared") != 0
        deploymentOptions = try json.object("deployment_options")
    }

    /// The container to run (`script` is always set by the server).
    public var script: String? { deploymentOptions["script"]?.stringValue }

    public var json: JSONValue {
        ["id": .string(id), "nodeid": .int(nodeID), "expid": .int(expID), "start": .int(start), "stop": .int(stop),
         "status": .string(status.text), "shared": .int(shared ? 1 : 0), "deployment_options": .object(deploymentOptions)]
    }
}

/// The answer to a node's heartbeat (§7.6).
public struct HeartbeatAnswer: Sendable, Equatable {
    /// The node's SIMs and their remaining monthly quota; nil when the server sent `{}`.
    public var interfaces: [(iccid: String, quotaCurrent: Int64)]?
    public var tasks: [ScheduleObject]

    public init(interfaces: [(iccid: String, quotaCurrent: Int64)]?, tasks: [ScheduleObject]) {
        self.interfaces = interfaces
        self.tasks = tasks
    }

    public init(json: JSONValue) throws(WireError) {
        switch try json.field("interfaces") {
        case .object: interfaces = nil
        case .array(let items):
            var list: [(iccid: String, quotaCurrent: Int64)] = []
            for item in items { list.append((try item.text("iccid"), try item.int("quota_current"))) }
            interfaces = list
        default: throw WireError("interfaces must be an object or a list")
        }
        var tasks: [ScheduleObject] = []
        for item in try json.list("tasks") { tasks.append(try ScheduleObject(json: item)) }
        self.tasks = tasks
    }

    public var json: JSONValue {
        let list: JSONValue = interfaces.map { .array($0.map { ["iccid": .string($0.iccid), "quota_current": .int($0.quotaCurrent)] }) } ?? .object([:])
        return ["interfaces": list, "tasks": .array(tasks.map(\.json))]
    }

    public static func == (a: HeartbeatAnswer, b: HeartbeatAnswer) -> Bool {
        a.tasks == b.tasks && a.interfaces?.map(\.iccid) == b.interfaces?.map(\.iccid)
            && a.interfaces?.map(\.quotaCurrent) == b.interfaces?.map(\.quotaCurrent)
    }
}

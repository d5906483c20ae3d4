/// An experiment as `GET /v1/experiments` shows it (§4.8), with its task status counts.
public struct ExperimentSummary: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var ownerID: Int64
    public var type: String
    public var script: String
    public var start: Int64
    public var stop: Int64
    public var status: String
    /// Scheduling options; never hidden keys.
    public var options: [String: JSONValue]
    /// Full status string → number of tasks.
    public var summary: [String: Int64]

    public init(
        id: Int64, name: String, ownerID: Int64, type: String, script: String, start: Int64, stop: Int64, status: String,
        options: [String: JSONValue], summary: [String: Int64]
    ) {
        self.id = id
        self.name = name
        self.ownerID = ownerID
        self.type = type
        self.script = script
        self.start = start
        self.stop = stop
        self.status = status
        self.options = options
        self.summary = summary
    }

    public init(json: JSONValue) throws(WireError) {
        id = try json.int("id")
        name = try json.text("name")
        ownerID = try json.int("ownerid")
        type = try json.text("type")
        script = try json.text("script")
        start = try json.int("start")
        stop = try json.int("stop")
        status = try json.text("status")
        options = try json.object("options")
        var summary: [String: Int64] = [:]
        for (status, count) in try json.object("summary") {
            guard case .int(let n) = count else { throw WireError("summary counts must be integers") }
            summary[status] = n
        }
        self.summary = summary
    }

    /// Without `summary`: the shape `…/schedules` extends with its task map.
    public var baseJSON: [String: JSONValue] {
        ["id": .int(id), "name": .string(name), "ownerid": .int(ownerID), "type": .string(type), "script": .string(script),
         "start": .int(start), "stop": .int(stop), "status": .string(status), "options": .object(options)]
    }

    public var json: JSONValue {
        var object = baseJSON
        object["summary"] = .object(summary.mapValues { .int($0) })
        return .object(object)
    }
}

/// A free slot found by `GET /v1/schedules/find` (§5.4).
public struct FoundSlot: Sendable, Equatable {
    public var start: Int64
    public var stop: Int64
    public var maxStop: Int64
    public var nodecount: Int64
    public var maxNodecount: Int64
    public var nodetypes: String

    public init(start: Int64, stop: Int64, maxStop: Int64, nodecount: Int64, maxNodecount: Int64, nodetypes: String) {
        self.start = start
        self.stop = stop
        self.maxStop = maxStop
        self.nodecount = nodecount
        self.maxNodecount = maxNodecount
        self.nodetypes = nodetypes
    }

    public init(json: JSONValue) throws(WireError) {
        start = try json.int("start")
        stop = try json.int("stop")
        maxStop = try json.int("max_stop")
        nodecount = try json.int("nodecount")
        maxNodecount = try json.int("max_nodecount")
        nodetypes = try json.text("nodetypes")
    }

    public var json: JSONValue {
        ["start": .int(start), "stop": .int(stop), "max_stop": .int(maxStop), "nodecount": .int(nodecount),
         "max_nodecount": .int(maxNodecount), "nodetypes": .string(nodetypes)]
    }
}

/// The 201 answer of `POST /v1/experiments`.
public struct AllocationAnswer: Sendable, Equatable {
    public var experiment: Int64
    public var intervals: Int64
    /// Machines of the last interval, counted in pairs in pair mode.
    public var nodecount: Int64

    public init(experiment: Int64, intervals: Int64, nodecount: Int64) {
        self.experiment = experiment
        self.intervals = intervals
        self.nodecount = nodecount
    }

    public init(json: JSONValue) throws(WireError) {
        experiment = try json.int("experiment")
        intervals = try json.int("intervals")
        nodecount = try json.int("nodecount")
    }

    public var json: JSONValue {
        ["experiment": .int(experiment), "intervals": .int(intervals), "nodecount": .int(nodecount),
         "message": .string("Allocated task \(experiment).")]
    }
}

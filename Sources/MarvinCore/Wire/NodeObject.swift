/// A node as `GET /v1/resources` shows it (§4.3): fields, one key per tag, current interfaces.
public struct NodeObject: Sendable, Equatable {
    public var id: Int64
    public var hostname: String
    public var status: String
    public var heartbeat: Int64
    public var tags: [String: String]
    public var interfaces: [InterfaceObject]

    /// Keys of the node object that are not tags; tag names may not take them (§4.4).
    public static let fieldNames: Set<String> = ["id", "hostname", "status", "heartbeat", "interfaces"]

    public init(id: Int64, hostname: String, status: String, heartbeat: Int64, tags: [String: String], interfaces: [InterfaceObject]) {
        self.id = id
        self.hostname = hostname
        self.status = status
        self.heartbeat = heartbeat
        self.tags = tags
        self.interfaces = interfaces
    }

    public init(json: JSONValue) throws(WireError) {
        id = try json.int("id")
        hostname = try json.text("hostname")
        status = try json.text("status")
        heartbeat = try json.int("heartbeat")
        var interfaces: [InterfaceObject] = []
        for item in try json.list("interfaces") { interfaces.append(try InterfaceObject(json: item)) }
        self.interfaces = interfaces
        var tags: [String: String] = [:]
        for (key, value) in json.objectValue ?? [:] where !Self.fieldNames.contains(key) {
            guard case .string(let text) = value else { throw WireError("tag \(key) must be a string") }
            tags[key] = text
        }
        self.tags = tags
    }

    public var json: JSONValue {
        var object: [String: JSONValue] = [:]
        for (name, value) in tags { object[name] = .string(value) }
        object["id"] = .int(id)
        object["hostname"] = .string(hostname)
        object["status"] = .string(status)
        object["heartbeat"] = .int(heartbeat)
        object["interfaces"] = .array(interfaces.map(\.json))
        return .object(object)
    }
}

/// A network interface of a node (§4.5): a SIM by ICCID, or a MAC interface with ICCID "".
public struct InterfaceObject: Sendable, Equatable {
    public var iccid: String
    public var imei: String
    public var mccmnc: String
    public var operatorName: String
    public var interface: String
    public var status: String
    public var heartbeat: Int64
    public var quotaCurrent: Int64
    public var quotaLastReset: Int64
    public var quotaResetValue: Int64
    public var quotaResetDate: Int64

    public init(
        iccid: String, imei: String, mccmnc: String, operatorName: String, interface: String, status: String, heartbeat: Int64,
        quotaCurrent: Int64, quotaLastReset: Int64, quotaResetValue: Int64, quotaResetDate: Int64
    ) {
        self.iccid = iccid
        self.imei = imei
        self.mccmnc = mccmnc
        self.operatorName = operatorName
        self.interface = interface
        self.status = status
        self.heartbeat = heartbeat
        self.quotaCurrent = quotaCurrent
        self.quotaLastReset = quotaLastReset
        self.quotaResetValue = quotaResetValue
        self.quotaResetDate = quotaResetDate
    }

    public init(json: JSONValue) throws(WireError) {
        iccid = try json.text("iccid")
        imei = try json.text("imei")
        mccmnc = try json.text("mccmnc")
        operatorName = try json.text("operator")
        interface = try json.text("interface")
        status = try json.text("status")
        heartbeat = try json.int("heartbeat")
        quotaCurrent = try json.int("quota_current")
        quotaLastReset = try json.int("quota_last_reset")
        quotaResetValue = try json.int("quota_reset_value")
        quotaResetDate = try json.int("quota_reset_date")
    }

    public var json: JSONValue {
        ["iccid": .string(iccid), "imei": .string(imei), "mccmnc": .string(mccmnc), "operator": .string(operatorName),
         "interface": .string(interface), "status": .string(status), "heartbeat": .int(heartbeat),
         "quota_current": .int(quotaCurrent), "quota_last_reset": .int(quotaLastReset),
         "quota_reset_value": .int(quotaResetValue), "quota_reset_date": .int(quotaResetDate)]
    }
}

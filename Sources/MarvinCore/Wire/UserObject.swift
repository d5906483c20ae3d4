/// A principal as the API shows it (§4.2). `sslID` only reaches admins and the user itself.
public struct UserObject: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var role: String
    public var project: String
    public var quotaTime: Int64
    public var quotaData: Int64
    public var quotaStorage: Int64
    public var sslID: String?

    public init(
        id: Int64, name: String, role: String, project: String, quotaTime: Int64, quotaData: Int64, quotaStorage: Int64,
        sslID: String?
    ) {
        self.id = id
        self.name = name
        self.role = role
        self.project = project
        self.quotaTime = quotaTime
        self.quotaData = quotaData
        self.quotaStorage = quotaStorage
        self.sslID = sslID
    }

    public init(json: JSONValue) throws(WireError) {
        id = try json.int("id")
        name = try json.text("name")
        role = try json.text("role")
        project = try json.text("project")
        quotaTime = try json.int("quota_time")
        quotaData = try json.int("quota_data")
        quotaStorage = try json.int("quota_storage")
        sslID = json["ssl_id"]?.stringValue
    }

    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "id": .int(id), "name": .string(name), "role": .string(role), "project": .string(project),
            "quota_time": .int(quotaTime), "quota_data": .int(quotaData), "quota_storage": .int(quotaStorage),
        ]
        if let sslID { object["ssl_id"] = .string(sslID) }
        return .object(object)
    }
}

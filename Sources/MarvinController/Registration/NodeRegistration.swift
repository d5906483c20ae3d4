/// Registering a node, shared by `POST /v1/resources` and `marvinctld admin add-node` (§3.2, §9.1).
enum NodeRegistration {
    static let missing = "Parameters missing (required: id, hostname | optional: tags, interfaces, status)."

    struct Request: Sendable {
        var id: Int64
        var hostname: String
        var tags: [String: String]
        var interfaces: [InterfaceSpec]
        var status: NodeStatus
    }

    static func status(_ text: String) throws -> NodeStatus {
        switch text {
        case "active": return .active
        case "disabled": return .disabled
        default: throw APIError(400, "Parameter status must be active or disabled.")
        }
    }
}

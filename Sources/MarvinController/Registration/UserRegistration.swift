import Foundation
import MarvinCore

/// Validating a new principal, shared by `POST /v1/users` and `marvinctld admin add-user`
/// (§3.3, §9.1). Uniqueness is the storage's to check.
enum UserRegistration {
    static let missing = "Parameters missing (name, ssl, role), optional: project."

    static func invalidRole(_ role: String) -> String { "Invalid role (\(role)). Valid roles: user, node, admin." }
    static func invalidFingerprint(_ ssl: String) -> String { "Invalid fingerprint (\(ssl)). Expected 40 hexadecimal digits." }

    /// A principal that passed validation, with the quotas it starts with.
    struct NewUser: Sendable {
        var name: String
        var fingerprint: String
        var role: Role
        var project: String
        var quota: ControllerConfig.QuotaSettings
    }

    static func role(_ text: String) -> Role? {
        switch text {
        case "user": return .user
        case "node": return .node
        case "admin": return .admin
        default: return nil
        }
    }

    /// Trims and checks the parameters in the order of §3.3; errors carry the REST status and text.
    static func validate(name: String?, ssl: String?, role: String?, project: String?, quota: ControllerConfig.QuotaSettings) throws -> NewUser {
        let name = name?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let sslText = ssl?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let roleText = role?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !name.isEmpty, !sslText.isEmpty, !roleText.isEmpty else { throw APIError(400, missing) }
        guard let role = Self.role(roleText) else { throw APIError(400, invalidRole(roleText)) }
        guard let fingerprint = Fingerprint.normalise(sslText) else { throw APIError(400, invalidFingerprint(sslText)) }
        let project = project?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return NewUser(name: name, fingerprint: fingerprint, role: role, project: project, quota: quota)
    }
}

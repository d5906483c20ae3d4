import MarvinCore

/// An answer that is not a success: a status and a message object with optional extras (§2.4).
struct APIError: Error, Sendable {
    var status: Int
    var message: String
    var extras: [String: JSONValue] = [:]

    init(_ status: Int, _ message: String, extras: [String: JSONValue] = [:]) {
        self.status = status
        self.message = message
        self.extras = extras
    }

    var body: JSONValue {
        var object = extras
        object["message"] = .string(message)
        return .object(object)
    }

    // Texts used by several routes (§3.7).
    static let anonymousRead = APIError(401, "Please present a valid SSL client certificate to access this information")
    static let notAdmin = APIError(401, "You'd have to be an admin to do that")
    static let internalError = APIError(500, "Internal server error.")

    /// A 409 allocation failure: `Could not allocate. <reason>` (§5.1.1).
    static func allocation(_ reason: String, extras: [String: JSONValue] = [:]) -> APIError {
        APIError(409, "Could not allocate. \(reason)", extras: extras)
    }
}

/// A successful answer.
struct APIResponse: Sendable {
    var status: Int
    var body: JSONValue
    var headers: [(String, String)] = []

    init(_ body: JSONValue, status: Int = 200, headers: [(String, String)] = []) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    init(status: Int, _ body: JSONValue, headers: [(String, String)] = []) {
        self.init(body, status: status, headers: headers)
    }

    static func message(_ text: String, status: Int = 200, extras: [String: JSONValue] = [:]) -> APIResponse {
        var object = extras
        object["message"] = .string(text)
        return APIResponse(.object(object), status: status)
    }
}

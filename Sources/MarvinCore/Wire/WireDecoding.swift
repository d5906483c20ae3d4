/// Reading wire objects from `JSONValue`: a missing or mistyped key is an error naming it, so
/// a client can say exactly what in a server's answer it did not understand.
public struct WireError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}

extension JSONValue {
    func field(_ key: String) throws(WireError) -> JSONValue {
        guard case .object(let object) = self else { throw WireError("expected an object with \(key)") }
        guard let value = object[key] else { throw WireError("missing \(key)") }
        return value
    }

    func int(_ key: String) throws(WireError) -> Int64 {
        guard case .int(let value) = try field(key) else { throw WireError("\(key) must be an integer") }
        return value
    }

    func text(_ key: String) throws(WireError) -> String {
        guard case .string(let value) = try field(key) else { throw WireError("\(key) must be a string") }
        return value
    }

    func object(_ key: String) throws(WireError) -> [String: JSONValue] {
        guard case .object(let value) = try field(key) else { throw WireError("\(key) must be an object") }
        return value
    }

    func list(_ key: String) throws(WireError) -> [JSONValue] {
        guard case .array(let value) = try field(key) else { throw WireError("\(key) must be a list") }
        return value
    }
}

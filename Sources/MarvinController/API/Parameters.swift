import Foundation
import MarvinCore

/// Request parameters from the query string and the body, typed as §2.3 says.
/// The body's value wins over the query's; the last of repeated keys wins, except `known_tasks`.
struct Parameters: Sendable {
    enum Value: Sendable {
        /// From the query string or an urlencoded body.
        case text(String)
        /// From a JSON body.
        case json(JSONValue)
    }

    private(set) var values: [String: Value] = [:]
    /// Every occurrence of `known_tasks` in query and urlencoded body; JSON lists are read from `values`.
    private(set) var repeatedKnownTasks: [String] = []

    enum BodyError: Error {
        case invalidJSON, notObject

        var apiError: APIError {
            switch self {
            case .invalidJSON: return APIError(400, "Request body is not valid JSON.")
            case .notObject: return APIError(400, "Request body must be a JSON object.")
            }
        }
    }

    init(query: String?, body: [UInt8]) throws(BodyError) {
        if let query { addURLEncoded(query) }
        let trimmed = body.drop(while: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D })
        guard let first = trimmed.first else { return }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            guard let parsed = try? JSONParser.parse(body) else { throw .invalidJSON }
            guard case .object(let object) = parsed else { throw .notObject }
            for (key, value) in object { values[key] = .json(value) }
        } else {
            addURLEncoded(String(decoding: body, as: UTF8.self))
        }
    }

    private mutating func addURLEncoded(_ text: String) {
        for pair in text.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.formDecode(parts[0])
            let value = parts.count > 1 ? Self.formDecode(parts[1]) : ""
            if key == "known_tasks" { repeatedKnownTasks.append(value) }
            values[key] = .text(value)
        }
    }

    /// `+` is a space, then percent-decoding; invalid UTF-8 is replaced rather than rejected.
    static func formDecode(_ text: Substring) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "+") {
                out.append(0x20)
            } else if byte == UInt8(ascii: "%"), i + 2 < bytes.count, let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2]) {
                out.append(high << 4 | low)
                i += 2
            } else {
                out.append(byte)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    // MARK: - Typed access

    var names: [String] { values.keys.sorted() }

    func has(_ name: String) -> Bool { values[name] != nil }

    /// The raw value: text from the query/urlencoded body as a JSON string.
    func raw(_ name: String) -> JSONValue? {
        switch values[name] {
        case .text(let s)?: return .string(s)
        case .json(let v)?: return v
        case nil: return nil
        }
    }

    enum Typed<T: Sendable>: Sendable {
        case absent
        case invalid
        case value(T)
    }

    func integer(_ name: String) -> Typed<Int64> {
        switch values[name] {
        case nil: return .absent
        case .text(let s)?: return Int64(protocolText: s).map(Typed.value) ?? .invalid
        case .json(let v)?:
            switch v {
            case .int, .double, .string: return v.integerValue.map(Typed.value) ?? .invalid
            default: return .invalid
            }
        }
    }

    /// A string; with `allowNumber` a JSON number is taken as its decimal text (for `name`).
    func string(_ name: String, allowNumber: Bool = false) -> Typed<String> {
        switch values[name] {
        case nil: return .absent
        case .text(let s)?: return .value(s)
        case .json(.string(let s))?: return .value(s)
        case .json(.int(let i))? where allowNumber: return .value(String(i))
        case .json(.double(let d))? where allowNumber: return .value(d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d))
        default: return .invalid
        }
    }

    /// A string parameter where non-strings are read as their JSON text (e.g. `status`).
    func text(_ name: String) -> String? {
        switch values[name] {
        case nil: return nil
        case .text(let s)?: return s
        case .json(.string(let s))?: return s
        case .json(let v)?: return JSONWriter.write(v, pretty: false)
        }
    }

    /// A JSON-valued parameter: the JSON value itself, or a string holding JSON text.
    /// A string that is not JSON comes back as `.string`.
    func jsonValued(_ name: String) -> JSONValue? {
        switch values[name] {
        case nil: return nil
        case .text(let s)?: return (try? JSONParser.parse(s)) ?? .string(s)
        case .json(.string(let s))?: return (try? JSONParser.parse(s)) ?? .string(s)
        case .json(let v)?: return v
        }
    }

    /// A flag: `true`, `1`, `"1"`, `"true"` (and case-insensitive text `1`/`true`) are true.
    func flag(_ name: String) -> Bool {
        switch values[name] {
        case nil: return false
        case .text(let s)?: return ["1", "true"].contains(s.lowercased())
        case .json(let v)?:
            switch v {
            case .bool(true), .int(1): return true
            case .double(let d): return d == 1
            case .string(let s): return s == "1" || s == "true"
            default: return false
            }
        }
    }

    /// `known_tasks` in any of its encodings (§7.1); nil when absent.
    var knownTasks: [String]? {
        guard let value = values["known_tasks"] else { return nil }
        var ids: [String] = []
        func add(_ text: String) {
            ids += text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        switch value {
        case .text:
            repeatedKnownTasks.forEach(add)
        case .json(.array(let items)):
            for item in items {
                switch item {
                case .string(let s): add(s)
                case .int(let i): ids.append(String(i))
                default: break
                }
            }
        case .json(.string(let s)): add(s)
        case .json(.int(let i)): ids.append(String(i))
        case .json: break
        }
        return ids
    }
}

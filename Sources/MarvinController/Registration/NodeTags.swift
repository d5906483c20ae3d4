import Foundation
import MarvinCore

/// Validation of admin-set node tags (§4.4), from an object or from `tag:value,tag:value` text.
enum NodeTags {
    static let notObject = "Parameter tags must be an object mapping tag names to values."

    /// From the `tags` parameter of registration: an object, or a string in the text form.
    static func parse(_ value: JSONValue) throws -> [String: String] {
        switch value {
        case .string(let text): return try parse(text: text, elementInError: false)
        case .object(let object):
            var tags: [String: String] = [:]
            for (name, raw) in object {
                let text: String
                switch raw {
                case .string(let s): text = s
                case .int(let i): text = String(i)
                case .double(let d): text = d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
                default: throw APIError(400, notObject)
                }
                let (n, v) = (name.trimmingCharacters(in: .whitespaces), text.trimmingCharacters(in: .whitespaces))
                try check(name: n, value: v, element: "\(n):\(v)")
                tags[n] = v
            }
            return tags
        default: throw APIError(400, notObject)
        }
    }

    /// The text form: elements split at `,`, each at its first `:`; empty elements ignored.
    /// `type=` reports the element as sent; registration reports `name:value`.
    static func parse(text: String, elementInError: Bool) throws -> [String: String] {
        var tags: [String: String] = [:]
        for rawElement in text.split(separator: ",", omittingEmptySubsequences: false) {
            let element = rawElement.trimmingCharacters(in: .whitespaces)
            if element.isEmpty { continue }
            guard let colon = element.firstIndex(of: ":") else { throw APIError(400, "Invalid tag (\(element)).") }
            let name = element[..<colon].trimmingCharacters(in: .whitespaces)
            let value = element[element.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            try check(name: name, value: value, element: elementInError ? element : "\(name):\(value)")
            tags[name] = value
        }
        return tags
    }

    /// Tags given one by one (`admin add-node --tag k:v`): split at the first `:`.
    static func parse(list: [String]) throws -> [String: String] {
        var tags: [String: String] = [:]
        for element in list {
            let trimmed = element.trimmingCharacters(in: .whitespaces)
            guard let colon = trimmed.firstIndex(of: ":") else { throw APIError(400, "Invalid tag (\(trimmed)).") }
            let name = trimmed[..<colon].trimmingCharacters(in: .whitespaces)
            let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            try check(name: name, value: value, element: "\(name):\(value)")
            tags[name] = value
        }
        return tags
    }

    private static func check(name: String, value: String, element: String) throws {
        let nameOK = (1...64).contains(name.count)
            && name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_.-".unicodeScalars.contains($0)) }
        let valueOK = (1...256).contains(value.count) && !value.contains(",") && !value.contains("|")
        guard nameOK, valueOK else { throw APIError(400, "Invalid tag (\(element)).") }
        if NodeObject.fieldNames.contains(name) { throw APIError(400, "Tag name \(name) is reserved.") }
    }
}

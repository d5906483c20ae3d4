import Foundation

/// Checks HTTP responses against the OpenAPI document served at /v1/openapi.json.
///
/// Only the JSON-Schema subset used by that document is supported: `$ref` (local `#/…`
/// pointers), `type`, `properties`, `required`, `additionalProperties`, `items`,
/// `prefixItems`, `minItems`, `maxItems`, `enum`, `const`, `oneOf`, `anyOf`, `allOf`,
/// `minimum` and `pattern`. Other keywords are ignored.
struct OpenAPIValidator: @unchecked Sendable {  // immutable after init; holds Foundation JSON values only
    enum LoadError: Error { case notAJSONObject }

    private let document: [String: Any]
    private let schemas: SchemaValidator

    init(documentJSON: String) throws {
        let parsed = try JSONSerialization.jsonObject(with: Data(documentJSON.utf8))
        guard let document = parsed as? [String: Any] else { throw LoadError.notAJSONObject }
        self.document = document
        self.schemas = SchemaValidator(resolver: ReferenceResolver(document: document))
    }

    /// Returns human-readable problems; empty when the response conforms.
    func problems(method: String, pathTemplate: String, status: Int, contentType: String?, body: Data) -> [String] {
        let label = "\(method.uppercased()) \(pathTemplate) → \(status)"
        let isHead = method.uppercased() == "HEAD"
        let operationKey = isHead ? "get" : method.lowercased()
        let resolver = schemas.resolver

        guard let paths = document["paths"] as? [String: Any],
              let pathItem = resolver.resolve(paths[pathTemplate]) as? [String: Any] else {
            return ["\(label): path \(pathTemplate) is not in the document"]
        }
        let response: [String: Any]
        if let operation = pathItem[operationKey] as? [String: Any] {
            guard let found = Self.response(for: status, in: operation, resolver: resolver) else {
                return ["\(label): status \(status) is not documented for this operation"]
            }
            response = found
        } else if status == 405,
                  // Methods outside the Allow list have no operation; they share one documented 405.
                  let shared = resolver.resolve(["$ref": "#/components/responses/MethodNotAllowed"]) as? [String: Any] {
            response = shared
        } else {
            return ["\(label): method \(method.uppercased()) is not documented for this path"]
        }
        return check(response: response, contentType: contentType, body: isHead ? nil : body, label: label)
    }

    /// Finds the response object for a status: exact code, then a range like `4XX`, then `default`.
    private static func response(for status: Int, in operation: [String: Any], resolver: ReferenceResolver) -> [String: Any]? {
        guard let responses = operation["responses"] as? [String: Any] else { return nil }
        let candidate = responses[String(status)] ?? responses["\(status / 100)XX"] ?? responses["default"]
        return resolver.resolve(candidate) as? [String: Any]
    }

    /// Checks the media type and, for JSON, the body. `body == nil` means "HEAD: no body expected".
    private func check(response: [String: Any], contentType: String?, body: Data?, label: String) -> [String] {
        let content = response["content"] as? [String: Any] ?? [:]
        if content.isEmpty {
            return (body?.isEmpty ?? true) ? [] : ["\(label): the document describes no body, but one was sent"]
        }
        guard let contentType else { return ["\(label): missing content-type header"] }
        let essence = Self.mediaTypeEssence(contentType)
        guard let mediaKey = content.keys.first(where: { Self.mediaTypeEssence($0) == essence }) else {
            let expected = content.keys.sorted().joined(separator: ", ")
            return ["\(label): content-type \(contentType) is not one of: \(expected)"]
        }
        // Non-JSON bodies (the metrics text) are only checked for their content type.
        guard essence == "application/json", let body else { return [] }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
        } catch {
            return ["\(label): body is not valid JSON"]
        }
        guard let media = content[mediaKey] as? [String: Any], let schema = media["schema"] else { return [] }
        return schemas.problems(json, schema: schema, at: "$").map { "\(label): \($0)" }
    }

    /// `application/json; charset=utf-8` → `application/json`.
    private static func mediaTypeEssence(_ value: String) -> String {
        let main = value.split(separator: ";", maxSplits: 1).first.map(String.init) ?? value
        return main.trimmingCharacters(in: .whitespaces).lowercased()
    }
}

// The helper types are nested so that they cannot clash with names elsewhere in the test target.
extension OpenAPIValidator {

    /// Follows local `$ref` pointers (`#/components/schemas/User`) inside the document.
    struct ReferenceResolver {
        let document: [String: Any]

        /// Returns the node itself, or the node its `$ref` points to (following chains).
        func resolve(_ node: Any?) -> Any? {
            var current = node
            var hops = 0
            while let object = current as? [String: Any], let ref = object["$ref"] as? String, hops < 32 {
                current = lookup(ref)
                hops += 1
            }
            return current
        }

        private func lookup(_ ref: String) -> Any? {
            guard ref.hasPrefix("#/") else { return nil }
            var node: Any? = document
            for rawToken in ref.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
                // JSON-Pointer escapes: ~1 is "/", ~0 is "~".
                let token = rawToken.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                node = (node as? [String: Any])?[token]
            }
            return node
        }
    }

    /// The kinds of values JSONSerialization produces, named as JSON Schema names them.
    enum JSONKind: String {
        case null, boolean, integer, number, string, array, object

        init(of value: Any) {
            switch value {
            case is NSNull: self = .null
            case is String: self = .string
            case is [Any]: self = .array
            case is [String: Any]: self = .object
            case let number as NSNumber:
                // Booleans arrive as NSNumber too; their Objective-C type is "c" on Darwin and Linux.
                if String(cString: number.objCType) == "c" { self = .boolean; break }
                let double = number.doubleValue
                self = double.isFinite && double.rounded() == double ? .integer : .number
            default: self = .null
            }
        }

        /// An integer is also a number (JSON Schema semantics).
        func matches(_ typeName: String) -> Bool {
            typeName == rawValue || (typeName == "number" && self == .integer)
        }
    }

    /// Validates a JSON value against a schema of the supported subset.
    struct SchemaValidator {
        let resolver: ReferenceResolver

        func problems(_ value: Any, schema rawSchema: Any, at path: String) -> [String] {
            let resolved = resolver.resolve(rawSchema)
            if let flag = resolved as? Bool { return flag ? [] : ["\(path): no value is allowed here"] }
            guard let schema = resolved as? [String: Any] else { return ["\(path): unresolvable schema"] }
            let kind = JSONKind(of: value)

            if let types = schema["type"] {
                let names = (types as? [String]) ?? [(types as? String) ?? ""]
                if !names.contains(where: kind.matches) {
                    // A wrong type makes the remaining keywords meaningless.
                    return ["\(path): expected \(names.joined(separator: " or ")), got \(kind.rawValue)"]
                }
            }
            var found: [String] = []
            if let constant = schema["const"], !jsonEqual(value, constant) {
                found.append("\(path): expected the constant \(describe(constant)), got \(describe(value))")
            }
            if let options = schema["enum"] as? [Any], !options.contains(where: { jsonEqual(value, $0) }) {
                found.append("\(path): \(describe(value)) is not one of \(options.map(describe).joined(separator: ", "))")
            }
            if let minimum = schema["minimum"] as? NSNumber,
               let number = value as? NSNumber, kind != .boolean, number.doubleValue < minimum.doubleValue {
                found.append("\(path): \(number) is less than the minimum \(describe(minimum))")
            }
            if let pattern = schema["pattern"] as? String, let text = value as? String, !matches(text, pattern) {
                found.append("\(path): \(describe(text)) does not match /\(pattern)/")
            }
            if let object = value as? [String: Any] { found += objectProblems(object, schema, path) }
            if let array = value as? [Any] { found += arrayProblems(array, schema, path) }
            found += combinatorProblems(value, schema, path)
            return found
        }

        private func objectProblems(_ object: [String: Any], _ schema: [String: Any], _ path: String) -> [String] {
            var found: [String] = []
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for name in schema["required"] as? [String] ?? [] where object[name] == nil {
                found.append("\(path): missing required key \"\(name)\"")
            }
            for key in object.keys.sorted() {
                let childPath = "\(path).\(key)"
                if let propertySchema = properties[key] {
                    found += problems(object[key]!, schema: propertySchema, at: childPath)
                } else if let additional = schema["additionalProperties"] {
                    if additional as? Bool == false {
                        found.append("\(path): unexpected key \"\(key)\"")
                    } else {
                        found += problems(object[key]!, schema: additional, at: childPath)
                    }
                }
            }
            return found
        }

        private func arrayProblems(_ array: [Any], _ schema: [String: Any], _ path: String) -> [String] {
            var found: [String] = []
            if let minItems = schema["minItems"] as? Int, array.count < minItems {
                found.append("\(path): \(array.count) items, at least \(minItems) required")
            }
            if let maxItems = schema["maxItems"] as? Int, array.count > maxItems {
                found.append("\(path): \(array.count) items, at most \(maxItems) allowed")
            }
            // prefixItems describe the leading positions (tuples); items covers the rest.
            let prefix = schema["prefixItems"] as? [Any] ?? []
            for (index, element) in array.enumerated() {
                let itemSchema: Any? = index < prefix.count ? prefix[index] : schema["items"]
                if let itemSchema { found += problems(element, schema: itemSchema, at: "\(path)[\(index)]") }
            }
            return found
        }

        private func combinatorProblems(_ value: Any, _ schema: [String: Any], _ path: String) -> [String] {
            var found: [String] = []
            for sub in schema["allOf"] as? [Any] ?? [] {
                found += problems(value, schema: sub, at: path)
            }
            for keyword in ["anyOf", "oneOf"] {
                guard let alternatives = schema[keyword] as? [Any] else { continue }
                let results = alternatives.map { problems(value, schema: $0, at: path) }
                let passing = results.filter(\.isEmpty).count
                if passing == 0 {
                    // Show why each alternative failed, so a test failure is self-explanatory.
                    let reasons = results.enumerated().map { "[\($0.offset)] \($0.element.prefix(3).joined(separator: "; "))" }
                    found.append("\(path): matches none of the \(keyword) alternatives: \(reasons.joined(separator: " | "))")
                } else if keyword == "oneOf" && passing > 1 {
                    found.append("\(path): matches \(passing) oneOf alternatives, exactly one expected")
                }
            }
            return found
        }

        private func matches(_ text: String, _ pattern: String) -> Bool {
            guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
            return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
    }

    /// Structural equality of two JSON values, keeping booleans apart from 0 and 1.
    static func jsonEqual(_ lhs: Any, _ rhs: Any) -> Bool {
        let kinds = (JSONKind(of: lhs), JSONKind(of: rhs))
        let numeric: Set<JSONKind> = [.integer, .number]
        guard kinds.0 == kinds.1 || (numeric.contains(kinds.0) && numeric.contains(kinds.1)) else { return false }
        switch (lhs, rhs) {
        case (is NSNull, is NSNull): return true
        case let (l as String, r as String): return l == r
        case let (l as [Any], r as [Any]): return l.count == r.count && zip(l, r).allSatisfy { jsonEqual($0.0, $0.1) }
        case let (l as [String: Any], r as [String: Any]):
            return l.count == r.count && l.allSatisfy { key, value in r[key].map { jsonEqual(value, $0) } ?? false }
        case let (l as NSNumber, r as NSNumber): return l.doubleValue == r.doubleValue
        default: return false
        }
    }

    /// Short JSON-like rendering of a value for messages.
    static func describe(_ value: Any) -> String {
        switch value {
        case let text as String: return "\"\(text)\""
        case is NSNull: return "null"
        case let number as NSNumber:
            if JSONKind(of: number) == .boolean { return number.boolValue ? "true" : "false" }
            return number.stringValue
        default:
            let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys])
            return data.flatMap { String(data: $0, encoding: .utf8) } ?? "\(value)"
        }
    }
}

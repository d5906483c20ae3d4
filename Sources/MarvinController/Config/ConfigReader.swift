import Foundation
import Yams

/// A configuration problem that stops the program at start (exit code 3).
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Walks a decoded YAML mapping, converting values with clear errors and remembering
/// every key it was asked about so that the rest can be reported as unknown.
struct ConfigReader {
    let path: String
    let mapping: [String: Any]
    private(set) var consumed: Set<String> = []

    init(path: String, value: Any?) throws {
        self.path = path
        if value == nil || value is NSNull {
            mapping = [:]
        } else if let mapping = value as? [String: Any] {
            self.mapping = mapping
        } else {
            throw ConfigError("\(path.isEmpty ? "configuration" : path) must be a mapping")
        }
    }

    private func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    mutating func raw(_ key: String) -> Any? {
        consumed.insert(key)
        guard let value = mapping[key], !(value is NSNull) else { return nil }
        return value
    }

    mutating func section(_ key: String) throws -> ConfigReader {
        try ConfigReader(path: name(key), value: raw(key))
    }

    mutating func string(_ key: String) throws -> String? {
        guard let value = raw(key) else { return nil }
        if let s = value as? String { return s }
        if let i = value as? Int { return String(i) }
        throw ConfigError("\(name(key)) must be a string")
    }

    mutating func integer(_ key: String, minimum: Int64 = 0) throws -> Int64? {
        guard let value = raw(key) else { return nil }
        guard !(value is Bool), let i = (value as? Int).map(Int64.init) ?? (value as? String).flatMap({ Int64($0) }) else {
            throw ConfigError("\(name(key)) must be an integer")
        }
        guard i >= minimum else { throw ConfigError("\(name(key)) must be at least \(minimum)") }
        return i
    }

    mutating func bool(_ key: String) throws -> Bool? {
        guard let value = raw(key) else { return nil }
        guard let b = value as? Bool else { throw ConfigError("\(name(key)) must be true or false") }
        return b
    }

    mutating func strings(_ key: String) throws -> [String]? {
        guard let value = raw(key) else { return nil }
        guard let list = value as? [Any] else { throw ConfigError("\(name(key)) must be a list of strings") }
        return try list.map {
            guard let s = $0 as? String else { throw ConfigError("\(name(key)) must be a list of strings") }
            return s
        }
    }

    /// Keys present in the file that nobody asked for.
    var unknownKeys: [String] {
        mapping.keys.filter { !consumed.contains($0) }.sorted().map(name)
    }
}

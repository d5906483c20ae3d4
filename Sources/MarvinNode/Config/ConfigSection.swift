import Foundation
import Yams

/// Reads the keys of one YAML mapping with their types and ranges. A wrong value is recorded as
/// a problem at its position and the default is used, so that one pass reports every problem.
/// Keys nobody asked for are reported as unknown when the section is finished.
final class ConfigSection {
    let path: String
    let position: (line: Int, column: Int)
    private let entries: [(key: String, keyMark: Mark?, value: Node)]
    private let problems: ConfigProblems
    private var consumed: Set<String> = []

    init(path: String, node: Node?, position: (line: Int, column: Int), problems: ConfigProblems) {
        self.path = path
        self.problems = problems
        self.position = position
        if case .mapping(let mapping)? = node {
            entries = mapping.map { pair in (pair.key.string ?? "", pair.key.mark, pair.value) }
        } else {
            entries = []
            if let node, !Self.isNull(node) {
                problems.error(path.isEmpty ? "(top)" : path, at: Self.position(of: node) ?? position, "must be a mapping")
            }
        }
    }

    static func isNull(_ node: Node) -> Bool {
        if case .scalar(let scalar) = node { return scalar.kind == .null }
        return false
    }

    static func position(of node: Node) -> (line: Int, column: Int)? {
        node.mark.map { ($0.line, $0.column) }
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The value of `key`, or nil when absent or null.
    func node(_ key: String) -> Node? {
        consumed.insert(key)
        guard let entry = entries.last(where: { $0.key == key }), !Self.isNull(entry.value) else { return nil }
        return entry.value
    }

    func has(_ key: String) -> Bool { entries.contains { $0.key == key } }

    func at(_ node: Node) -> (line: Int, column: Int) { Self.position(of: node) ?? position }

    func error(_ key: String, _ node: Node?, _ message: String) {
        problems.error(name(key), at: node.map(at) ?? position, message)
    }

    func warning(_ key: String, _ node: Node?, _ message: String) {
        problems.warning(name(key), at: node.map(at) ?? position, message)
    }

    func section(_ key: String) -> ConfigSection {
        let value = node(key)
        return ConfigSection(path: name(key), node: value, position: value.map(at) ?? position, problems: problems)
    }

    // MARK: - Typed values

    func integer(_ key: String, _ fallback: Int64, in range: ClosedRange<Int64> = 0...Int64.max) -> Int64 {
        guard let value = node(key) else { return fallback }
        guard case .scalar(let scalar) = value, scalar.kind == .int, let number = Int64(scalar.string.replacingOccurrences(of: "_", with: "")) else {
            error(key, value, "must be an integer")
            return fallback
        }
        guard range.contains(number) else {
            error(key, value, range.upperBound == Int64.max ? "must be at least \(range.lowerBound)" : "must be between \(range.lowerBound) and \(range.upperBound)")
            return fallback
        }
        return number
    }

    func number(_ key: String, _ fallback: Double, minimumExclusive: Double? = nil) -> Double {
        guard let value = node(key) else { return fallback }
        guard case .scalar(let scalar) = value, scalar.kind == .int || scalar.kind == .float, let number = Double(scalar.string) else {
            error(key, value, "must be a number")
            return fallback
        }
        if let minimumExclusive, number <= minimumExclusive {
            error(key, value, "must be greater than \(minimumExclusive)")
            return fallback
        }
        return number
    }

    func bool(_ key: String, _ fallback: Bool) -> Bool {
        guard let value = node(key) else { return fallback }
        guard case .scalar(let scalar) = value, scalar.kind == .bool, let flag = value.bool else {
            error(key, value, "must be true or false")
            return fallback
        }
        return flag
    }

    func string(_ key: String, _ fallback: String) -> String {
        optionalString(key) ?? fallback
    }

    func optionalString(_ key: String) -> String? {
        guard let value = node(key) else { return nil }
        guard case .scalar(let scalar) = value, scalar.kind != .bool else {
            error(key, value, "must be a string")
            return nil
        }
        return scalar.string
    }

    /// A path; `absolute` requires a leading `/`.
    func path(_ key: String, _ fallback: String, absolute: Bool = true) -> String {
        guard let text = optionalPath(key, absolute: absolute) else { return fallback }
        return text
    }

    func optionalPath(_ key: String, absolute: Bool = true) -> String? {
        guard let text = optionalString(key) else { return nil }
        if text.isEmpty || (absolute && !text.hasPrefix("/")) {
            error(key, node(key), "must be an absolute path")
            return nil
        }
        return text
    }

    /// One of fixed words, e.g. `docker` | `process` | `auto`.
    func choice(_ key: String, _ fallback: String, _ words: [String]) -> String {
        guard let text = optionalString(key) else { return fallback }
        guard words.contains(text) else {
            error(key, node(key), "must be one of \(words.joined(separator: ", "))")
            return fallback
        }
        return text
    }

    /// `auto`, `true` or `false`; nil means `auto`.
    func autoBool(_ key: String) -> Bool? {
        guard let value = node(key) else { return nil }
        if case .scalar(let scalar) = value {
            if scalar.kind == .bool, let flag = value.bool { return flag }
            if scalar.string == "auto" { return nil }
        }
        error(key, value, "must be auto, true or false")
        return nil
    }

    func strings(_ key: String, _ fallback: [String]) -> [String] {
        guard let value = node(key) else { return fallback }
        guard case .sequence(let sequence) = value else {
            error(key, value, "must be a list of strings")
            return fallback
        }
        var result: [String] = []
        for item in sequence {
            guard case .scalar(let scalar) = item, scalar.kind != .bool else {
                error(key, item, "must be a list of strings")
                return fallback
            }
            result.append(scalar.string)
        }
        return result
    }

    func stringMap(_ key: String) -> [String: String] {
        guard let value = node(key) else { return [:] }
        guard case .mapping(let mapping) = value else {
            error(key, value, "must be a mapping of strings")
            return [:]
        }
        var result: [String: String] = [:]
        for pair in mapping {
            guard let name = pair.key.string, case .scalar(let scalar) = pair.value else {
                error(key, pair.value, "must be a mapping of strings")
                return [:]
            }
            result[name] = scalar.string
        }
        return result
    }

    /// Reports the keys nobody asked for, except the accepted legacy ones.
    func finish() {
        for entry in entries where !consumed.contains(entry.key) {
            problems.error(name(entry.key), at: entry.keyMark.map { ($0.line, $0.column) } ?? position, "unknown key")
        }
    }
}

extension Node.Scalar {
    /// The resolved YAML type of a scalar (`int`, `bool`, `str`, …): quoted numbers stay strings.
    var kind: Tag.Name { Tag.Name(rawValue: Node.scalar(self).tag.rawValue) }
}

import Foundation
import MarvinCore

/// Hidden values (node-runtime §15.4): any value under a key starting with `_`, at any depth.
/// They reach `/monroe/config` and hook stdin only; every log, phase log and status text goes
/// through this first.
public struct Redaction: Sendable {
    public static let marker = "[redacted]"
    /// Hidden string values of at least 4 characters, longest first, so a value containing
    /// another is replaced whole.
    public let secrets: [String]

    public init(options: [String: JSONValue]) {
        var found: Set<String> = []
        Self.collect(.object(options), hidden: false, into: &found)
        secrets = found.filter { $0.count >= 4 }.sorted { $0.count > $1.count }
    }

    /// An options object safe to print: hidden values become `"[redacted]"`.
    public static func redacted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            return .object(object.reduce(into: [:]) { result, entry in
                result[entry.key] = HiddenOptions.isHidden(entry.key) ? .string(marker) : redacted(entry.value)
            })
        case .array(let items): return .array(items.map(redacted))
        default: return value
        }
    }

    /// Any text with every hidden value replaced (hook output, error texts).
    public func scrub(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: Self.marker) }
    }

    private static func collect(_ value: JSONValue, hidden: Bool, into found: inout Set<String>) {
        switch value {
        case .object(let object):
            for (key, child) in object { collect(child, hidden: hidden || HiddenOptions.isHidden(key), into: &found) }
        case .array(let items):
            for item in items { collect(item, hidden: hidden, into: &found) }
        case .string(let text) where hidden: found.insert(text)
        case .int(let number) where hidden: found.insert(String(number))
        default: break
        }
    }
}

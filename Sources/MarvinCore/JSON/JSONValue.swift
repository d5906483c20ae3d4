import Foundation

/// A JSON value as it travels on the wire. Integers are kept apart from fractional numbers
/// because the protocol treats `5` and `5.5` differently (§2.3), and object keys keep no order:
/// the writer sorts them, as the legacy server did.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue {
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The value as a protocol integer: a JSON number without fractional part (`5`, `5.0`)
    /// or a decimal string with optional sign and surrounding whitespace.
    public var integerValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d):
            guard d.rounded() == d, d >= -9.2233720368547758e18, d < 9.2233720368547758e18 else { return nil }
            return Int64(d)
        case .string(let s): return Int64(protocolText: s)
        default: return nil
        }
    }

    /// A JSON number as a double (metadata timestamps carry fractions).
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }
}

extension Int64 {
    /// Parses the protocol's textual integer: optional `+`/`-`, decimal digits, surrounding
    /// whitespace ignored, must fit in 64 bits.
    public init?(protocolText text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var digits = Substring(trimmed)
        var negative = false
        if let first = digits.first, first == "+" || first == "-" {
            negative = first == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        guard let value = Int64(negative ? "-" + digits : String(digits)) else { return nil }
        self = value
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue {
    public init(_ value: Int) { self = .int(Int64(value)) }
    public init(_ value: Int64?) { self = value.map { .int($0) } ?? .null }
    public init(_ value: String?) { self = value.map { .string($0) } ?? .null }
}

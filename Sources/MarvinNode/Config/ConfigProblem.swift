/// One problem found in marvind's configuration file (§2.2), printed as
/// `<file>:<line>:<column>: <key>: error: <message>` (or `warning:`).
public struct ConfigProblem: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable {
        case error, warning
    }

    public var severity: Severity
    public var line: Int
    public var column: Int
    /// The dotted key, e.g. `ssl.cert`.
    public var key: String
    public var message: String

    public var description: String { "\(line):\(column): \(key): \(severity.rawValue): \(message)" }

    public func rendered(file: String) -> String { "\(file):\(description)" }
}

/// Collects the problems of one reading; shared by the readers of all sections.
final class ConfigProblems {
    private(set) var all: [ConfigProblem] = []

    func error(_ key: String, at position: (line: Int, column: Int), _ message: String) {
        all.append(ConfigProblem(severity: .error, line: position.line, column: position.column, key: key, message: message))
    }

    func warning(_ key: String, at position: (line: Int, column: Int), _ message: String) {
        all.append(ConfigProblem(severity: .warning, line: position.line, column: position.column, key: key, message: message))
    }
}

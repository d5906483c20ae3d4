import Foundation

/// The configuration file on disk: its text and permissions (§2.1).
public struct NodeConfigFile: Sendable {
    public static let defaultPath = "/etc/marvind.conf"

    public let path: String
    public let text: String
    public let mode: UInt16?

    public init(path: String) throws {
        self.path = path
        text = try String(contentsOfFile: path, encoding: .utf8)
        mode = (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.uint16Value
    }

    public func read() -> NodeConfig.Reading {
        NodeConfig.read(yaml: text, checks: EnvironmentChecks(configFileMode: mode))
    }
}

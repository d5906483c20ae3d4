import Foundation
import Yams

/// Where the ctld is and who the caller is: the server URL and the client certificate, key and
/// CA. Each setting comes from its flag, else its environment variable, else the file
/// (`~/.config/marvin/config.yaml`, or `--config`): flags override the environment, which
/// overrides the file.
public struct CLIConfiguration: Sendable, Equatable {
    public var url: String
    public var certificate: String
    public var key: String
    public var ca: String?
    /// Where synced results land (`sync.repository:sync.target_directory` of the nodes), for
    /// `marvin results`; optional.
    public var resultsRepository: String?

    public struct Problem: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public struct Overrides: Sendable {
        public var url, certificate, key, ca: String?
        public init(url: String? = nil, certificate: String? = nil, key: String? = nil, ca: String? = nil) {
            (self.url, self.certificate, self.key, self.ca) = (url, certificate, key, ca)
        }
    }

    static let variables = (url: "MARVIN_URL", certificate: "MARVIN_CERT", key: "MARVIN_KEY", ca: "MARVIN_CA")

    public static var defaultFile: String {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        return "\(home)/.config/marvin/config.yaml"
    }

    /// Resolves every setting; names what is missing or unreadable.
    public static func resolve(flags: Overrides, environment: [String: String], file: String?) throws(Problem) -> CLIConfiguration {
        let path = file ?? defaultFile
        var stored: [String: String] = [:]
        if FileManager.default.fileExists(atPath: path) {
            stored = try read(path)
        } else if file != nil {
            throw Problem(description: "\(path): no such configuration file")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        func value(_ flag: String?, _ variable: String, _ key: String) -> String? {
            (flag ?? environment[variable] ?? stored[key]).flatMap { $0.isEmpty ? nil : $0 }
                .map { $0.hasPrefix("~/") ? home + $0.dropFirst() : $0 }
        }
        let url = value(flags.url, variables.url, "url")
        let certificate = value(flags.certificate, variables.certificate, "cert")
        let key = value(flags.key, variables.key, "key")
        var missing: [String] = []
        if url == nil { missing.append("the server URL (--url, \(variables.url) or `url:`)") }
        if certificate == nil { missing.append("the client certificate (--cert, \(variables.certificate) or `cert:`)") }
        if key == nil { missing.append("its key (--key, \(variables.key) or `key:`)") }
        guard let url, let certificate, let key, missing.isEmpty else {
            throw Problem(description: "missing " + missing.joined(separator: ", ") + "; the configuration file is \(path)")
        }
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else { throw Problem(description: "the server URL must start with https://: \(url)") }
        return CLIConfiguration(
            url: url.hasSuffix("/") ? String(url.dropLast()) : url, certificate: certificate, key: key,
            ca: value(flags.ca, variables.ca, "ca"), resultsRepository: stored["results_repository"])
    }

    /// The file's settings: a mapping of strings.
    static func read(_ path: String) throws(Problem) -> [String: String] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Problem(description: "\(path): cannot read the configuration file")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw Problem(description: "\(path): not valid YAML")
        }
        guard let root else { return [:] }
        guard let mapping = root.mapping else { throw Problem(description: "\(path): expected a mapping of settings") }
        var settings: [String: String] = [:]
        let known: Set<String> = ["url", "cert", "key", "ca", "results_repository"]
        for (key, value) in mapping {
            guard let name = key.string, known.contains(name) else {
                throw Problem(description: "\(path):\(key.mark?.line ?? 0): unknown setting \(key.string ?? "?"); known: \(known.sorted().joined(separator: ", "))")
            }
            guard let text = value.string else { throw Problem(description: "\(path):\(value.mark?.line ?? 0): \(name) must be a string") }
            settings[name] = text
        }
        return settings
    }
}

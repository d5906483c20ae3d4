import ArgumentParser
import Foundation
import Logging
import MarvinController

/// The version printed by `--version`.
let marvinVersion = "0.1.0"

struct Marvinctld: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "marvinctld",
        abstract: "The MONROE scheduling server (REST protocol on SQLite).",
        discussion: "Global option: --config FILE (default /etc/marvinctld.conf), accepted anywhere on the line.",
        version: marvinVersion,
        subcommands: [Serve.self, CheckConfig.self, Admin.self],
        defaultSubcommand: Serve.self)
}

/// A command that runs with the loaded configuration.
protocol CtldCommand {
    /// The legacy form `marvinctld FILE` names the configuration positionally.
    var legacyConfigPath: String? { get }
    func execute(config: CommandLineConfig) async throws
}

extension CtldCommand {
    var legacyConfigPath: String? { nil }
}

/// A malformed command line found after parsing (exit code 2).
struct UsageError: Error {
    let message: String
}

/// Where the configuration comes from: `--config FILE`, else the default path when it exists,
/// else the built-in defaults.
struct CommandLineConfig {
    static let defaultPath = "/etc/marvinctld.conf"
    let explicitPath: String?

    /// Removes `--config FILE` / `--config=FILE` from the arguments, wherever they are.
    static func extract(from arguments: inout [String]) -> String? {
        var path: String?
        var index = 0
        while index < arguments.count {
            if arguments[index] == "--config", index + 1 < arguments.count {
                path = arguments[index + 1]
                arguments.removeSubrange(index...index + 1)
            } else if arguments[index].hasPrefix("--config=") {
                path = String(arguments[index].dropFirst("--config=".count))
                arguments.remove(at: index)
            } else {
                index += 1
            }
        }
        return path
    }

    func load() throws -> ControllerConfig {
        if let explicitPath { return try ControllerConfig.load(path: explicitPath) }
        if FileManager.default.fileExists(atPath: Self.defaultPath) { return try ControllerConfig.load(path: Self.defaultPath) }
        return ControllerConfig()
    }

    func makeLogger(_ config: ControllerConfig) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = config.logLevel
            return handler
        }
        return Logger(label: "marvinctld")
    }

    func openServer() throws -> (ControllerServer, ControllerConfig) {
        let config = try load()
        do {
            return (try ControllerServer(config: config, logger: makeLogger(config)), config)
        } catch let error as ConfigError {
            throw error
        } catch {
            throw ConfigError("\(error)")
        }
    }
}

struct Serve: ParsableCommand, CtldCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server (the default command).")

    @Argument(help: "Legacy form: the configuration file.")
    var file: String?

    var legacyConfigPath: String? { file }

    func execute(config: CommandLineConfig) async throws {
        let (server, _) = try config.openServer()
        try await server.run()
    }
}

struct CheckConfig: ParsableCommand, CtldCommand {
    static let configuration = CommandConfiguration(commandName: "check-config", abstract: "Validate the configuration and open the database.")

    func execute(config: CommandLineConfig) async throws {
        let loaded = try config.load()
        for warning in loaded.warnings { print("warning: \(warning)") }
        let (server, _) = try config.openServer()
        try server.checkListeners()
        print("configuration ok; database \(loaded.database)")
    }
}

struct Admin: ParsableCommand, CtldCommand {
    static let configuration = CommandConfiguration(abstract: "Bootstrap users and nodes.", subcommands: [AddUser.self, AddNode.self])

    /// `marvinctld admin` alone names no command: a usage error.
    func execute(config: CommandLineConfig) async throws {
        throw UsageError(message: "admin needs a command: add-user or add-node\n" + Admin.helpMessage())
    }
}

struct AddUser: ParsableCommand, CtldCommand {
    static let configuration = CommandConfiguration(commandName: "add-user", abstract: "Create a principal; prints its id.")

    @Option var name: String
    @Option var ssl: String
    @Option var role: String
    @Option var project: String?

    func execute(config: CommandLineConfig) async throws {
        let (server, _) = try config.openServer()
        print(try server.addUser(name: name, ssl: ssl, role: role, project: project))
    }
}

struct AddNode: ParsableCommand, CtldCommand {
    static let configuration = CommandConfiguration(commandName: "add-node", abstract: "Register a node; prints its id.")

    @Option var id: Int64
    @Option var hostname: String
    @Option(help: "A tag k:v (repeatable).") var tag: [String] = []
    @Option(help: "iccid=…,imei=…,mccmnc=…,operator=…,quota=… (repeatable).") var interface: [String] = []
    @Option var status: String?

    /// Parses `--interface` specs; a malformed one is a usage error.
    func interfaceSpecs() throws -> [[String: String]] {
        let keys: Set<String> = ["iccid", "imei", "mccmnc", "operator", "quota"]
        return try interface.map { spec in
            var fields: [String: String] = [:]
            for element in spec.split(separator: ",", omittingEmptySubsequences: false) {
                let parts = element.split(separator: "=", omittingEmptySubsequences: false)
                guard parts.count == 2, keys.contains(String(parts[0])) else {
                    throw UsageError(message: "invalid --interface \(spec): expected key=value pairs with keys iccid, imei, mccmnc, operator, quota")
                }
                fields[String(parts[0])] = String(parts[1])
            }
            return fields
        }
    }

    func execute(config: CommandLineConfig) async throws {
        let specs = try interfaceSpecs()
        let (server, _) = try config.openServer()
        print(try server.addNode(id: id, hostname: hostname, tags: tag, interfaces: specs, status: status))
    }
}

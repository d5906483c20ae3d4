import ArgumentParser
import Foundation
import MarvinCore
import MarvinNode

// marvind: argument parsing and wiring only (node-runtime §1.5).

struct Marvind: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "marvind",
        abstract: "The Marvin node supervisor.",
        subcommands: [Run.self, CheckConfig.self, Status.self, Results.self, EmergencyStopCommand.self, ReplayMetadata.self, Version.self])
}

/// `marvind run [--config PATH]`: the daemon. Exit 0 after a clean shutdown, 1 on a fatal
/// error, 78 on an invalid configuration (§1.5).
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the node supervisor.")

    @Option(help: "The configuration file.") var config = NodeConfigFile.defaultPath

    func run() async throws {
        switch NodeDaemon.start(configPath: config) {
        case .failure(let exit): throw ExitCode(exit.rawValue)
        case .success(let daemon):
            let code = await daemon.run()
            if code != 0 { throw ExitCode(code) }
        }
    }
}

/// `marvind status [--json]`: the daemon's view, or the state database's when it is down
/// (then exit 3, §15.2).
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show tasks, reports and the ctld connection.")

    @Option(help: "The configuration file.") var config = NodeConfigFile.defaultPath
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        let view = try NodeStatusCommand.view(config: validConfiguration(config), configPath: config)
        print(json ? JSONWriter.write(view.json) : NodeStatusCommand.text(view.json))
        if !view.running { throw ExitCode(3) }
    }
}

/// `marvind results list|purge` (§1.5, §9.7): results kept on the node; deliberate deletion.
struct Results: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the results kept on this node, or delete one task's results.", subcommands: [List.self, Purge.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every task's results that are still on this node.")

        @Option(help: "The configuration file.") var config = NodeConfigFile.defaultPath
        @Flag(help: "Print one JSON object.") var json = false

        func run() throws {
            let entries = ResultsInventory(config: try validConfiguration(config)).list()
            print(json ? JSONWriter.write(ResultsInventory.json(entries)) : ResultsInventory.text(entries))
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete one task's results for good (its task must be done).")

        @Option(help: "The configuration file.") var config = NodeConfigFile.defaultPath
        @Argument(help: "The task's schedid.") var schedid: String
        @Flag(help: "Confirm the deletion; nothing is deleted without it.") var yes = false

        func validate() throws {
            guard yes else { throw ValidationError("purge deletes results that were never synced; add --yes to confirm") }
        }

        func run() async throws {
            let inventory = ResultsInventory(config: try validConfiguration(config))
            do {
                try await inventory.purge(schedid)
                print("results of task \(schedid) deleted")
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}

/// `marvind emergency-stop <schedid>`: the backup stop unit's command (§8.5). Exit 0 always.
struct EmergencyStopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "emergency-stop", abstract: "Stop a task's run past its stop time (backup stop unit).")

    @Option(help: "The configuration file.") var config = NodeConfigFile.defaultPath
    @Argument(help: "The task's schedid.") var schedid: String

    func run() async throws {
        guard let configuration = try? validConfiguration(config) else { return }
        for line in await EmergencyStop.run(schedid: schedid, config: configuration) { print(line) }
    }
}

/// The configuration, or its problems on stderr and exit 2 (unreadable) or 1 (invalid).
func validConfiguration(_ path: String) throws -> NodeConfig {
    guard let file = try? NodeConfigFile(path: path) else {
        FileHandle.standardError.write(Data("\(path): cannot read the configuration file\n".utf8))
        throw ExitCode(2)
    }
    let reading = file.read()
    guard reading.isValid else {
        for problem in reading.problems { FileHandle.standardError.write(Data("\(problem.rendered(file: path))\n".utf8)) }
        throw ExitCode(1)
    }
    return reading.config
}

/// `marvind check-config [PATH]`: every problem on its own line, `configuration OK` when valid.
/// Exit 0 valid (warnings allowed), 1 invalid, 2 file unreadable (§2.2).
struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-config", abstract: "Validate a configuration file.")

    @Argument(help: "The configuration file.") var path = NodeConfigFile.defaultPath

    func run() throws {
        let file: NodeConfigFile
        do {
            file = try NodeConfigFile(path: path)
        } catch {
            FileHandle.standardError.write(Data("\(path): cannot read the configuration file\n".utf8))
            throw ExitCode(2)
        }
        let reading = file.read()
        for problem in reading.problems { print(problem.rendered(file: path)) }
        guard reading.isValid else { throw ExitCode(1) }
        print("configuration OK")
    }
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version.")

    func run() {
        print("marvind \(MarvinNodeVersion.version)")
    }
}

/// Calls the async `run()` (on an existential, the synchronous one would be chosen).
func runAsync<Command: AsyncParsableCommand>(_ command: Command) async throws {
    var command = command
    try await command.run()
}

/// `marvind` alone and the legacy `marvind PATH` run the daemon.
func arguments() -> [String] {
    let given = Array(CommandLine.arguments.dropFirst())
    guard let first = given.first else { return ["run"] }
    let commands = Marvind.configuration.subcommands.map { $0._commandName } + ["help"]
    if !first.hasPrefix("-") && !commands.contains(first) { return ["run", "--config", first] + given.dropFirst() }
    return given
}

do {
    var command = try Marvind.parseAsRoot(arguments())
    if let asynchronous = command as? any AsyncParsableCommand {
        try await runAsync(asynchronous)
    } else {
        try command.run()
    }
} catch {
    guard error.isUsageError else { Marvind.exit(withError: error) }
    // The message as ArgumentParser words it, with the exit code of §1.5.
    FileHandle.standardError.write(Data((Marvind.fullMessage(for: error) + "\n").utf8))
    Marvind.exit(withError: ExitCode(2))
}

extension Error {
    /// Argument errors are usage errors (exit 2), not ArgumentParser's default 64.
    var isUsageError: Bool {
        Marvind.exitCode(for: self) == .validationFailure
    }
}

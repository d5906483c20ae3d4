import ArgumentParser
import Foundation
import MarvinNode

// marvind: argument parsing and wiring only (node-runtime §1.5).

struct Marvind: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "marvind",
        abstract: "The Marvin node supervisor.",
        discussion: "The supervisor itself (`marvind run`) is being built; this version validates configurations.",
        subcommands: [CheckConfig.self, Version.self])
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

do {
    var command = try Marvind.parseAsRoot()
    try command.run()
} catch {
    Marvind.exit(withError: error.isUsageError ? ExitCode(2) : error)
}

extension Error {
    /// Argument errors are usage errors (exit 2), not ArgumentParser's default 64.
    var isUsageError: Bool {
        Marvind.exitCode(for: self) == .validationFailure
    }
}

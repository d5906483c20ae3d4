import ArgumentParser
import Foundation

// marvin: the command line of experimenters and admins. Argument parsing and wiring only; the
// requests and their rendering live in MarvinCLI.

struct Marvin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "marvin",
        abstract: "Schedule experiments on the Marvin testbed and look after its users and nodes.",
        discussion: """
            The ctld's URL and your client certificate, key and CA come from --url, --cert, --key \
            and --ca, else from MARVIN_URL, MARVIN_CERT, MARVIN_KEY and MARVIN_CA, else from \
            ~/.config/marvin/config.yaml (keys url, cert, key, ca). Exit codes: 0 done, 1 refused \
            by the ctld (its message is printed), 2 usage or settings, 3 the ctld did not answer.
            """,
        subcommands: [Submit.self, Find.self, List.self, Show.self, Delete.self, Results.self, Users.self, Nodes.self, Dev.self])
}

/// Calls the async `run()` (on an existential, the synchronous one would be chosen).
func runAsync<Command: AsyncParsableCommand>(_ command: Command) async throws {
    var command = command
    try await command.run()
}

do {
    var command = try Marvin.parseAsRoot()
    if let asynchronous = command as? any AsyncParsableCommand {
        try await runAsync(asynchronous)
    } else {
        try command.run()
    }
} catch let failure as Failure {
    FileHandle.standardError.write(Data("marvin: \(failure.description)\n".utf8))
    exit(failure.code)
} catch {
    let code = Marvin.exitCode(for: error)
    if code == .validationFailure {
        FileHandle.standardError.write(Data((Marvin.fullMessage(for: error) + "\n").utf8))
        exit(2)
    }
    Marvin.exit(withError: error)
}

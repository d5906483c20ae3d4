import ArgumentParser
import Foundation
import MarvinCLI
import MarvinCore

/// Where the ctld is and who calls it, shared by every command that talks to it.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "The ctld's API, e.g. https://ctld.example.org/v1 (or MARVIN_URL).") var url: String?
    @Option(help: "Your client certificate, PEM (or MARVIN_CERT).") var cert: String?
    @Option(help: "Its private key, PEM (or MARVIN_KEY).") var key: String?
    @Option(help: "The CA that signed the ctld's certificate, PEM (or MARVIN_CA).") var ca: String?
    @Option(help: "The settings file (default ~/.config/marvin/config.yaml).") var config: String?
    @Flag(help: "Print the ctld's answer as JSON, for scripts.") var json = false

    func configuration() throws -> CLIConfiguration {
        do {
            return try CLIConfiguration.resolve(
                flags: .init(url: url, certificate: cert, key: key, ca: ca), environment: ProcessInfo.processInfo.environment, file: config)
        } catch {
            throw Failure.usage(error.description)
        }
    }

    /// Runs `body` with a connection; a refusal prints the server's message and exits 1,
    /// no answer exits 3.
    func withConnection(_ body: (CtldConnection) async throws -> Void) async throws {
        let connection: CtldConnection
        do {
            connection = try CtldConnection(try configuration())
        } catch let refusal as CtldConnection.Refusal {
            throw Failure.usage(refusal.description)
        }
        do {
            try await body(connection)
        } catch let refusal as CtldConnection.Refusal {
            await connection.shutdown()
            throw refusal.status == nil ? Failure.unreachable(refusal.description) : Failure.refused(refusal.description)
        } catch {
            await connection.shutdown()
            throw error
        }
        await connection.shutdown()
    }

    /// One request whose answer is a message: prints it (or the answer as JSON).
    func request(_ method: CtldConnection.Method, _ path: String, body: JSONValue? = nil) async throws {
        try await withConnection { ctld in
            let answer = try await ctld.call(method, path, body: body)
            output(answer) { answer["message"]?.stringValue ?? "done" }
        }
    }

    /// Prints `value` as JSON with `--json`, else the text.
    func output(_ value: JSONValue, _ text: () -> String) {
        print(json ? JSONWriter.write(value) : text())
    }
}

/// How a command fails: one line on stderr and an exit code (1 refused by the ctld, 2 usage or
/// settings, 3 the ctld did not answer).
enum Failure: Error, CustomStringConvertible {
    case refused(String)
    case usage(String)
    case unreachable(String)
    /// `marvin dev` could not bring up or run its local testbed.
    case testbed(String)

    var description: String {
        switch self {
        case .refused(let text), .usage(let text), .unreachable(let text), .testbed(let text): text
        }
    }

    var code: Int32 {
        switch self {
        case .refused, .testbed: 1
        case .usage: 2
        case .unreachable: 3
        }
    }
}

extension JSONValue {
    /// A cell of a table: text as is, numbers in decimal, nothing as `-`.
    var cell: String {
        switch self {
        case .string(let text): text
        case .int(let number): String(number)
        case .null: "-"
        default: JSONWriter.write(self, pretty: false)
        }
    }
}

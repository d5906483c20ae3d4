import ArgumentParser
import Foundation
import MarvinMetadata

/// `marvind replay-metadata FILE`: the development node's replay in the foreground (node-runtime
/// §13.4). Exit 0 when a single pass ends, 1 when the file or the endpoint is unusable.
struct ReplayMetadata: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay-metadata", abstract: "Replay a metadata recording on a ZeroMQ PUB socket.")

    @Argument(help: "The recording (<timestamp> <TOPIC> <JSON> per line).") var file: String
    @Option(help: "Where to bind the PUB socket.") var endpoint = "tcp://172.17.0.1:5556"
    @Option(help: "Time scale: 2 plays twice as fast.") var speed = 1.0
    @Option(help: "Longer gaps of the recording are shortened to this many seconds.") var maxGap = 60.0
    @Option(help: "A recorded InterfaceName and the interface it stands for here, e.g. wwan0=op0 (repeatable).") var interface: [String] = []
    @Flag(help: "One pass instead of starting over after the last line.") var once = false

    func validate() throws {
        guard speed > 0 else { throw ValidationError("--speed must be greater than 0") }
        guard maxGap > 0 else { throw ValidationError("--max-gap must be greater than 0") }
        _ = try interfaceMap()
    }

    func interfaceMap() throws -> [String: String] {
        try interface.reduce(into: [:]) { map, pair in
            let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw ValidationError("--interface \(pair): expected RECORDED=LOCAL, e.g. wwan0=op0") }
            map[String(parts[0])] = String(parts[1])
        }
    }

    func run() async throws {
        do {
            let recording = try MetadataRecording(text: String(contentsOfFile: file, encoding: .utf8))
            let publisher = try ZeroMQSocket.publisher(bind: endpoint)
            print("replaying \(recording.messages.count) messages on \(endpoint)")
            let replay = MetadataReplay(recording: recording, settings: .init(speed: speed, loop: !once, maxGap: maxGap, interfaceMap: try interfaceMap()))
            try await replay.run(publish: { try publisher.send($0) })
        } catch let failure as MetadataRecording.Failure {
            throw ReplayFailure(message: "\(file), \(failure)")
        } catch let failure as ZeroMQSocket.Failure {
            throw ReplayFailure(message: "\(failure)")
        } catch is CocoaError {
            throw ReplayFailure(message: "cannot read \(file)")
        }
    }

    struct ReplayFailure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}

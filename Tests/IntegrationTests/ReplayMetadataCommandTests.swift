import Foundation
import MarvinCore
import MarvinMetadata
import Testing

/// `marvind replay-metadata FILE` (node-runtime §1.5, §13.4): the shipped sample recording on a
/// real ZeroMQ PUB socket, and the errors a user can cause.
struct ReplayMetadataCommandTests {
    @Test func replaysTheSampleRecordingOnce() async throws {
        let marvind = try Integration.productPath("marvind")
        let directory = try Integration.temporaryDirectory("replay-metadata")
        defer { try? FileManager.default.removeItem(at: directory) }
        let endpoint = "tcp://127.0.0.1:\(Integration.freePort())"
        let subscriber = try ZeroMQSocket.subscriber(connect: endpoint)
        let sample = Integration.repositoryRoot.appendingPathComponent("files/metadata/sample-recording.txt").path
        // 180 s of recording at 60 times the speed.
        let replay = try Program.start(marvind, ["replay-metadata", sample, "--endpoint", endpoint, "--speed", "60", "--once"],
                                       log: directory.appendingPathComponent("replay.out"))
        var frames: [String] = []
        // Until the replay has ended and a second passed without a message (3 s of replay).
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let frame = try subscriber.receive(waitingAtMost: 1000) {
                frames.append(frame)
            } else if replay.exitCode != nil {
                break
            }
        }
        #expect(replay.exitCode == 0)
        let sequence = frames.compactMap { frame in
            (try? JSONParser.parse(String(frame.split(separator: " ", maxSplits: 1)[1])))?["SequenceNumber"]?.integerValue
        }
        // A subscriber joins a moment after the bind and misses what came before: the rest arrives in order.
        #expect(frames.count > 250, "most of the 339 messages arrived: \(frames.count)")
        #expect(sequence == Array((sequence.first ?? 0)...(sequence.last ?? 0)), "consecutive, in order")
        #expect(frames.allSatisfy { $0.hasPrefix("MONROE.META.") })
    }

    @Test func errorsAreNamed() async throws {
        let marvind = try Integration.productPath("marvind")
        let directory = try Integration.temporaryDirectory("replay-metadata-errors")
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = try await Program.run(marvind, ["replay-metadata", directory.appendingPathComponent("none.txt").path, "--once"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot read"), "\(missing.stderr)")
        let broken = directory.appendingPathComponent("broken.txt")
        try "1.0 MONROE.META.X {}\nnot a line\n".write(to: broken, atomically: true, encoding: .utf8)
        let bad = try await Program.run(marvind, ["replay-metadata", broken.path, "--once"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("line 2: the message body is not a JSON object"), "\(bad.stderr)")
        let sample = Integration.repositoryRoot.appendingPathComponent("files/metadata/sample-recording.txt").path
        let unbindable = try await Program.run(marvind, ["replay-metadata", sample, "--endpoint", "tcp://192.0.2.1:5556", "--once"])
        #expect(unbindable.status == 1)
        #expect(unbindable.stderr.contains("cannot bind tcp://192.0.2.1:5556"), "\(unbindable.stderr)")
        let speed = try await Program.run(marvind, ["replay-metadata", sample, "--speed", "0"])
        #expect(speed.status == 2)
        #expect(speed.stderr.contains("--speed must be greater than 0"), "\(speed.stderr)")
    }
}

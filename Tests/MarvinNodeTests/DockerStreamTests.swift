import Foundation
import NIOCore
import Testing

@testable import MarvinNode

/// Reading the engine's streams: pull progress (deployment bytes, §6.3) and the multiplexed,
/// timestamped log stream (§8.3).
@Suite struct DockerStreamTests {
    static let pull = """
        {"status":"Pulling from marvin/experiment","id":"1"}
        {"status":"Pulling fs layer","progressDetail":{},"id":"5fe55a2e6f2a"}
        {"status":"Already exists","progressDetail":{},"id":"aaaaaaaaaaaa"}
        {"status":"Downloading","progressDetail":{"current":36445,"total":1065241},"progress":"[=\\u003e   ]  36.45kB/1.065MB","id":"5fe55a2e6f2a"}
        {"status":"Verifying Checksum","progressDetail":{},"id":"5fe55a2e6f2a"}
        {"status":"Download complete","progressDetail":{},"id":"5fe55a2e6f2a"}
        {"status":"Pull complete","progressDetail":{},"id":"5fe55a2e6f2a"}
        {"status":"Status: Downloaded newer image for 127.0.0.1:40183/marvin/experiment:1"}

        """

    @Test func deploymentBytesAreTheLayersThisPullDownloaded() {
        var progress = PullProgress()
        // Split mid-line, as the engine's chunks are.
        let bytes = Array(Self.pull.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        progress.read(ByteBuffer(bytes: bytes[0..<200]))
        progress.read(ByteBuffer(bytes: bytes[200...]))
        #expect(progress.downloadedBytes == 1_065_241)
        #expect(progress.error == nil)
        var failed = PullProgress()
        failed.read(ByteBuffer(string: #"{"error":"manifest for x:nope not found: manifest unknown","errorDetail":{}}"# + "\n"))
        #expect(failed.error?.contains("manifest unknown") == true)
        #expect(!PullProgress.isConnectivity(failed.error!))
        #expect(PullProgress.isConnectivity(#"Get "http://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused"#))
    }

    @Test func logFramesAreSplitIntoTimestampedLines() {
        func frame(_ stream: UInt8, _ text: String) -> [UInt8] {
            let payload = Array(text.utf8)
            let size = UInt32(payload.count)
            return [stream, 0, 0, 0, UInt8(size >> 24), UInt8((size >> 16) & 0xff), UInt8((size >> 8) & 0xff), UInt8(size & 0xff)] + payload
        }
        var demux = LogDemultiplexer()
        let bytes = frame(1, "2026-12-01T10:00:00.1Z out-1\n2026-12-01T10:00:00.2Z out") + frame(2, "2026-12-01T10:00:00.15Z err-1\n") + frame(1, "-2\n")
            + frame(1, "2026-12-01T10:00:00.3Z partial")
        var lines = demux.read(ByteBuffer(bytes: bytes[0..<13]))
        lines += demux.read(ByteBuffer(bytes: bytes[13...]))
        #expect(lines.map(\.text) == ["out-1", "err-1", "out-2"])
        #expect(lines.map(\.timestamp) == ["2026-12-01T10:00:00.1Z", "2026-12-01T10:00:00.15Z", "2026-12-01T10:00:00.2Z"])
        #expect(demux.finish().map(\.text) == ["partial"], "a final partial line is written at the end")
        #expect(DockerTime("2026-12-01T10:00:00.2Z")! > DockerTime("2026-12-01T10:00:00.15Z")!)
        #expect(DockerTime("2026-12-01T10:00:00.000000001Z")?.unix == "1796119200.000000001")
    }

    /// A pull redone after kill -9: a layer the first pull downloaded is present now ("Already
    /// exists") and still counts, once; one that is downloaded again counts once too (§6.3).
    @Test func layersOfAnInterruptedPullCountOnce() {
        let events = """
            {"status":"Already exists","progressDetail":{},"id":"aaa"}
            {"status":"Downloading","progressDetail":{"current":10,"total":500},"id":"bbb"}
            {"status":"Downloading","progressDetail":{"current":40,"total":300},"id":"ccc"}
            {"status":"Download complete","progressDetail":{},"id":"bbb"}

            """
        var completed: [String: Int64] = [:]
        var progress = PullProgress()
        progress.earlier = ["aaa": 700, "bbb": 500]
        progress.completed = { completed[$0] = $1 }
        progress.read(ByteBuffer(string: events))
        #expect(progress.downloadedBytes == 1200, "aaa from the first pull, bbb once")
        #expect(progress.receivedBytes == 1240, "and 40 bytes of ccc so far")
        #expect(completed == ["bbb": 500], "each layer reported when its download completes")
    }
}

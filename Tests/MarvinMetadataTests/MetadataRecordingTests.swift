import MarvinCore
import Testing
@testable import MarvinMetadata

/// The recording format of node-runtime §13.3.
struct MetadataRecordingTests {
    @Test func timestampedLinesCommentsAndBlankLines() throws {
        let recording = try MetadataRecording(text: """
            # a comment
            1457662181.355406 MONROE.META.DEVICE.GPS {"Latitude":59.4,"Timestamp":1.0}

            1457662184.718787 MONROE.META.DEVICE.MODEM.8946071511940023654.UPDATE {"ICCID":"8946071511940023654","Note":"a b c"}
            """)
        #expect(recording.messages.count == 2)
        #expect(recording.messages[0].offset == 0)
        #expect(abs(recording.messages[1].offset - 3.363381) < 1e-6, "the leading number is the time, not the JSON's Timestamp")
        #expect(recording.messages[1].topic == "MONROE.META.DEVICE.MODEM.8946071511940023654.UPDATE")
        #expect(recording.messages[1].body["Note"] == .string("a b c"), "the JSON is everything after the second space")
    }

    @Test func legacyDumpTakesTheTimeFromTheJSON() throws {
        let recording = try MetadataRecording(text: """
            MONROE.META.DEVICE.GPS {"Timestamp":100.5,"Latitude":1}
            MONROE.META.NODE.SENSOR.cpu {"cpu":{}}
            MONROE.META.DEVICE.GPS {"Timestamp":102.0}
            """)
        // The second line has no Timestamp: it takes the previous line's.
        #expect(recording.messages.map(\.offset) == [0, 0, 1.5])
    }

    @Test func decreasingTimestampsCountAsNoGap() throws {
        let recording = try MetadataRecording(text: "10 A {}\n12 B {}\n11 C {}\n15 D {}\n")
        #expect(recording.messages.map(\.offset) == [0, 2, 2, 5])
    }

    @Test func badLinesAreNamed() {
        #expect(throws: MetadataRecording.Failure.self) { try MetadataRecording(text: "10 A {}\n11 B [1]\n") }
        let notJSON = #expect(throws: MetadataRecording.Failure.self) { try MetadataRecording(text: "10 A {}\n11 B not-json\n") }
        #expect(notJSON?.description == "line 2: the message body is not a JSON object")
        let untimed = #expect(throws: MetadataRecording.Failure.self) { try MetadataRecording(text: "A {\"x\":1}\n") }
        #expect(untimed?.description.hasPrefix("line 1: no timestamp") == true)
    }

    @Test func windowsLineEnds() throws {
        let recording = try MetadataRecording(text: "10 A {\"a\":1}\r\n11 B {\"b\":2}\r\n")
        #expect(recording.messages.map(\.topic) == ["A", "B"])
    }
}

/// Timing and rewriting of the replay (node-runtime §13.4).
struct MetadataReplayTests {
    let recording = try! MetadataRecording(text: """
        100 MONROE.META.DEVICE.GPS {"SequenceNumber":7,"Timestamp":100}
        102 MONROE.META.DEVICE.MODEM.1.UPDATE {"InterfaceName":"wwan0","ICCID":"1"}
        300 MONROE.META.DEVICE.MODEM.2.UPDATE {"InterfaceName":"wwan2","ICCID":"2"}
        """)

    @Test func scheduleScalesBySpeedAndCapsGaps() {
        let replay = MetadataReplay(recording: recording, settings: .init(speed: 2, maxGap: 60))
        #expect(replay.schedule == [0, 1, 31])
    }

    @Test func rewriteSetsSequenceTimestampAndMappedInterface() throws {
        let replay = MetadataReplay(recording: recording, settings: .init(interfaceMap: ["wwan0": "op0", "wwan2": "op1"]),
                                    address: { $0 == "op0" ? "172.18.1.2" : nil })
        let gps = try #require(replay.rewrite(recording.messages[0], sequence: 41))
        #expect(gps.hasPrefix("MONROE.META.DEVICE.GPS {"))
        let body = try JSONParser.parse(String(gps.dropFirst("MONROE.META.DEVICE.GPS ".count)))
        #expect(body["SequenceNumber"] == .int(41))
        let stamp = try #require(body["Timestamp"]?.doubleValue)
        #expect(stamp > 1_700_000_000, "the current time, not the recorded one")
        let modem = try #require(replay.rewrite(recording.messages[1], sequence: 42))
        let modemBody = try JSONParser.parse(String(modem.split(separator: " ", maxSplits: 1)[1]))
        #expect(modemBody["InternalInterface"] == .string("op0"))
        #expect(modemBody["InternalIPAddress"] == .string("172.18.1.2"))
        #expect(modemBody["InterfaceName"] == .string("wwan0"), "recorded fields stay")
        #expect(replay.rewrite(recording.messages[2], sequence: 43) == nil, "a mapped interface that does not exist drops the message")
    }

    @Test func unmappedInterfacesPassUnchanged() throws {
        let replay = MetadataReplay(recording: recording, settings: .init(), address: { _ in nil })
        let modem = try #require(replay.rewrite(recording.messages[2], sequence: 1))
        #expect(!modem.contains("InternalInterface"))
    }
}

/// A real ZeroMQ PUB socket and a SUB socket over TCP on loopback.
struct ZeroMQReplayTests {
    @Test func replayArrivesInOrderWithItsOwnSequence() async throws {
        var lines = ["# 40 messages, 50 ms apart"]
        for index in 0..<40 { lines.append("\(1000 + Double(index) * 0.05) MONROE.META.TEST.\(index % 2) {\"Index\":\(index)}") }
        let recording = try MetadataRecording(text: lines.joined(separator: "\n"))
        let publisher = try ZeroMQSocket.publisher(bind: "tcp://127.0.0.1:*")
        let endpoint = try #require(publisher.boundEndpoint)
        let subscriber = try ZeroMQSocket.subscriber(connect: endpoint, prefix: "MONROE.META.TEST.1")
        // A subscription takes a moment to reach the publisher (ZeroMQ's slow joiner).
        try await Task.sleep(nanoseconds: 300_000_000)
        let replay = MetadataReplay(recording: recording, settings: .init(loop: false))
        let published = PublishedCount()
        try await replay.run(publish: { try publisher.send($0) }, published: { published.value = $0 })
        var received: [JSONValue] = []
        while let frame = try subscriber.receive(waitingAtMost: 500) {
            received.append(try JSONParser.parse(String(frame.split(separator: " ", maxSplits: 1)[1])))
        }
        #expect(published.value == 40)
        #expect(received.map { $0["Index"]?.integerValue } == stride(from: 1, to: 40, by: 2).map { Int64($0) }, "only the subscribed topic, in order")
        #expect(received.map { $0["SequenceNumber"]?.integerValue } == stride(from: 2, through: 40, by: 2).map { Int64($0) })
    }

    @Test func bindFailureIsNamed() throws {
        // An address this machine does not have, as 172.17.0.1 before the metadata veth exists.
        let error = #expect(throws: ZeroMQSocket.Failure.self) { try ZeroMQSocket.publisher(bind: "tcp://192.0.2.1:5556") }
        #expect(error?.description.hasPrefix("cannot bind tcp://192.0.2.1:5556: ") == true, "\(String(describing: error))")
    }
}

final class PublishedCount: @unchecked Sendable {
    var value = 0
}

import Foundation
import MarvinCore
import MarvinMetadata
import Testing

/// Node events (node-runtime §13.2) from the real marvind: to the exporter's sysevent socket
/// (a REP socket of the test) and, on a development node, on its own metadata bus (a SUB
/// socket of the test), in the order of the task's life.
@Suite(.enabled(if: Integration.enabled("openssl", "curl")))
struct NodeEventsTests {
    /// The exporter's side of the sysevent socket: answers every request and keeps its body.
    final class Exporter: @unchecked Sendable {
        private let lock = NSLock()
        private var received: [JSONValue] = []
        private var running = true

        var events: [JSONValue] { lock.withLock { received } }

        func serve(_ socket: ZeroMQSocket) {
            Thread.detachNewThread { [self] in
                while lock.withLock({ running }) {
                    guard let request = try? socket.receive(waitingAtMost: 200) else { continue }
                    if let body = try? JSONParser.parse(request) { lock.withLock { received.append(body) } }
                    try? socket.send("ok", waitingAtMost: 1000)
                }
            }
        }

        func stop() { lock.withLock { running = false } }
    }

    static let taskEvents = ["Scheduling.Task.Deploying", "Scheduling.Task.Deployed", "Scheduling.Task.Started", "Scheduling.Task.Stopped"]

    @Test func eventsOnTheSyseventSocketAndTheBus() async throws {
        let directory = try Integration.temporaryDirectory("node-events")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sysevent = "ipc://\(directory.path)/sysevent"
        let bus = "tcp://127.0.0.1:\(Integration.freePort())"
        let exporter = Exporter()
        let replier = try ZeroMQSocket.replier(bind: sysevent)
        exporter.serve(replier)
        defer { exporter.stop() }
        let subscriber = try ZeroMQSocket.subscriber(connect: bus, prefix: "MONROE.META.NODE.EVENT")
        try await StubbedNode.with("node-events", config: ["metadata": ["sysevent": .string(sysevent), "publish": .string(bus)]]) { node in
            let start = NodeTestbed.inSeconds(15)
            let finished = try await node.start(with: [CtldStub.task("5001", start: start, stop: start + 60, script: "quick")],
                                                until: "5001", reports: "finished", seconds: 60)
            #expect(finished, "\(node.bed.daemonLog)")
            // Stopped is sent right after the move; give the queue its moment.
            let deadline = Date().addingTimeInterval(5)
            while exporter.events.count < 5, Date() < deadline { try await Task.sleep(nanoseconds: 100_000_000) }
            // Readiness waits for the first heartbeat, whose answer may already have begun the deploy.
            let events = exporter.events
            #expect(events.filter { $0["EventType"] == "Scheduling.Started" }.count == 1, "\(events)")
            #expect(events.filter { $0["id"] == .string("5001") }.compactMap { $0["EventType"]?.stringValue } == Self.taskEvents, "\(events)")
        }
        var published: [JSONValue] = []
        while let frame = try subscriber.receive(waitingAtMost: 300) {
            published.append(try JSONParser.parse(String(frame.dropFirst("MONROE.META.NODE.EVENT ".count))))
        }
        // The subscriber may join after the first event; the task's events come later.
        let types = published.filter { $0["id"] == .string("5001") }.compactMap { $0["EventType"]?.stringValue }
        #expect(types.count >= 2 && Array(Self.taskEvents.suffix(types.count)) == types, "\(published)")
        #expect(published.allSatisfy { $0["DataId"] == "MONROE.META.NODE.EVENT" && $0["DataVersion"] == 2 && $0["Timestamp"]?.doubleValue != nil })
        let sequence = published.compactMap { $0["SequenceNumber"]?.integerValue }
        #expect(sequence == sequence.sorted() && Set(sequence).count == sequence.count, "increasing: \(sequence)")
    }
}

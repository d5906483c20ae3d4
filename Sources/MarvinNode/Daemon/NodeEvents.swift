import Foundation
import Logging
import MarvinCore
import MarvinMetadata

/// Node events (node-runtime §13.2): `Scheduling.Started` when the daemon has recovered, and
/// `Scheduling.Task.Deploying`, `.Deployed`, `.Started`, `.Stopped` as a task moves. Each is
/// sent to the exporter's sysevent socket (one REQ, at most 1 s in all, from a queue of its own
/// so that nothing waits for it) and, on a development node, published on the node's own
/// metadata bus (a send that never blocks). A failure is logged at debug level.
final class NodeEvents: @unchecked Sendable {
    private let sysevent: String
    private let logger: Logger
    private let queue = DispatchQueue(label: "marvind.node-events")
    private let lock = NSLock()
    /// The development node's PUB socket, once bound; the replay publishes through it too.
    private var bus: ZeroMQSocket?
    private var sequence: Int64 = 0

    init(sysevent: String, logger: Logger) {
        self.sysevent = sysevent
        self.logger = logger
    }

    /// The bound metadata bus; from now on events are published on it as well.
    func attach(bus: ZeroMQSocket) {
        lock.withLock { self.bus = bus }
    }

    /// A frame on the metadata bus (sends on one socket never overlap).
    func publish(_ frame: String) throws {
        try lock.withLock { try bus?.send(frame) }
    }

    /// The event a task's move from `old` to `new` makes, if any. `Stopped` is the run's end:
    /// when a stop has finished, or when the run ended by itself.
    static func event(from old: TaskState, to new: TaskState) -> String? {
        if new == old { return nil }
        switch (old, new) {
        case (_, .deploying): return "Scheduling.Task.Deploying"
        case (_, .deployed): return "Scheduling.Task.Deployed"
        case (_, .running): return "Scheduling.Task.Started"
        case (.running, .stopping): return nil
        case (.running, _), (.stopping, _): return "Scheduling.Task.Stopped"
        default: return nil
        }
    }

    func emit(_ type: String, id: String? = nil) {
        var body: [String: JSONValue] = ["EventType": .string(type)]
        if let id { body["id"] = .string(id) }
        // Numbered and sent under one lock, so that the bus sees the numbers in order.
        lock.withLock {
            guard let bus else { return }
            sequence += 1
            var full = body
            full["SequenceNumber"] = .int(sequence)
            full["Timestamp"] = .double(NodeServices.now())
            full["DataVersion"] = 2
            full["DataId"] = "MONROE.META.NODE.EVENT"
            do {
                try bus.send("MONROE.META.NODE.EVENT \(JSONWriter.write(.object(full), pretty: false))")
            } catch {
                logger.debug("node event \(type): \(error)")
            }
        }
        guard !sysevent.isEmpty else { return }
        let frame = JSONWriter.write(.object(body), pretty: false)
        queue.async { [sysevent, logger] in
            // One second in all for the request and its reply; a new socket each time, since a
            // REQ socket whose reply never came cannot send again.
            let began = NodeServices.monotonic()
            do {
                let request = try ZeroMQSocket.requester(connect: sysevent)
                try request.send(frame, waitingAtMost: 1000)
                let left = Int32(max(0, 1000 - (NodeServices.monotonic() - began) * 1000))
                if try request.receive(waitingAtMost: left) == nil { logger.debug("node event \(type): no reply from \(sysevent) within 1 s") }
            } catch {
                logger.debug("node event \(type): \(error)")
            }
        }
    }
}

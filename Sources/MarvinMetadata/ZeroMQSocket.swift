import CZMQ
import Glibc

/// One ZeroMQ socket of the metadata bus (node-runtime §13): a PUB socket that marvind binds on
/// a development node, a SUB socket an experiment connects, or the REQ/REP pair of node events.
/// Messages are single frames (`"<TOPIC> <JSON>"` on the bus). Not shared between threads: each owner uses it from one task at a time.
public final class ZeroMQSocket: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
        init(_ what: String) { description = "\(what): \(String(cString: zmq_strerror(zmq_errno())))" }
    }

    private let context: UnsafeMutableRawPointer
    private let socket: UnsafeMutableRawPointer

    private init(type: Int32) throws(Failure) {
        guard let context = zmq_ctx_new() else { throw Failure("zmq_ctx_new") }
        guard let socket = zmq_socket(context, type) else {
            let failure = Failure("zmq_socket")
            zmq_ctx_term(context)
            throw failure
        }
        self.context = context
        self.socket = socket
        // Unsent messages are dropped at close: nothing may hold up a stop.
        var linger: Int32 = 0
        zmq_setsockopt(socket, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
    }

    deinit {
        zmq_close(socket)
        zmq_ctx_term(context)
    }

    /// A PUB socket bound at `endpoint` (e.g. `tcp://172.17.0.1:5556`).
    public static func publisher(bind endpoint: String) throws(Failure) -> ZeroMQSocket {
        let publisher = try ZeroMQSocket(type: ZMQ_PUB)
        guard zmq_bind(publisher.socket, endpoint) == 0 else { throw Failure("cannot bind \(endpoint)") }
        return publisher
    }

    /// A SUB socket connected to `endpoint`, subscribed to topics starting with `prefix`.
    public static func subscriber(connect endpoint: String, prefix: String = "") throws(Failure) -> ZeroMQSocket {
        let subscriber = try ZeroMQSocket(type: ZMQ_SUB)
        guard zmq_connect(subscriber.socket, endpoint) == 0 else { throw Failure("cannot connect to \(endpoint)") }
        let bytes = Array(prefix.utf8)
        guard zmq_setsockopt(subscriber.socket, ZMQ_SUBSCRIBE, bytes, bytes.count) == 0 else { throw Failure("cannot subscribe") }
        return subscriber
    }

    /// A REQ socket connected to `endpoint` (marvind's node events to the exporter's sysevent
    /// socket, §13.2). One request and its reply per socket: a REQ socket whose reply never
    /// came cannot send again.
    public static func requester(connect endpoint: String) throws(Failure) -> ZeroMQSocket {
        let requester = try ZeroMQSocket(type: ZMQ_REQ)
        guard zmq_connect(requester.socket, endpoint) == 0 else { throw Failure("cannot connect to \(endpoint)") }
        return requester
    }

    /// A REP socket bound at `endpoint`: the exporter's side of the sysevent socket.
    public static func replier(bind endpoint: String) throws(Failure) -> ZeroMQSocket {
        let replier = try ZeroMQSocket(type: ZMQ_REP)
        guard zmq_bind(replier.socket, endpoint) == 0 else { throw Failure("cannot bind \(endpoint)") }
        return replier
    }

    /// The address a socket is bound to, with the port the system chose for `tcp://host:*`.
    public var boundEndpoint: String? {
        var buffer = [CChar](repeating: 0, count: 256)
        var size = buffer.count
        guard zmq_getsockopt(socket, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else { return nil }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Publishes one frame; a PUB socket drops it when no subscriber keeps up (never blocks).
    public func send(_ frame: String) throws(Failure) {
        let bytes = Array(frame.utf8)
        guard zmq_send(socket, bytes, bytes.count, ZMQ_DONTWAIT) >= 0 || zmq_errno() == EAGAIN else { throw Failure("zmq_send") }
    }

    /// Sends one frame, waiting at most `milliseconds` for a peer to take it (REQ, REP).
    public func send(_ frame: String, waitingAtMost milliseconds: Int32) throws(Failure) {
        var timeout = milliseconds
        zmq_setsockopt(socket, ZMQ_SNDTIMEO, &timeout, MemoryLayout<Int32>.size)
        let bytes = Array(frame.utf8)
        guard zmq_send(socket, bytes, bytes.count, 0) >= 0 else { throw Failure("zmq_send") }
    }

    /// The next frame, or nil when none arrives within `milliseconds`.
    public func receive(waitingAtMost milliseconds: Int32) throws(Failure) -> String? {
        var item = zmq_pollitem_t(socket: socket, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0)
        let ready = zmq_poll(&item, 1, Int(milliseconds))
        if ready < 0 {
            if zmq_errno() == EINTR { return nil }
            throw Failure("zmq_poll")
        }
        guard ready > 0 else { return nil }
        var message = zmq_msg_t()
        zmq_msg_init(&message)
        defer { zmq_msg_close(&message) }
        guard zmq_msg_recv(&message, socket, ZMQ_DONTWAIT) >= 0 else {
            if zmq_errno() == EAGAIN { return nil }
            throw Failure("zmq_msg_recv")
        }
        let bytes = UnsafeRawBufferPointer(start: zmq_msg_data(&message), count: zmq_msg_size(&message))
        return String(decoding: bytes, as: UTF8.self)
    }
}

import NIOCore
import NIOHTTP1
import NIOPosix

/// The local HTTP endpoint `observability.listen` (node-runtime §15.3): `GET /status` (the JSON
/// of `marvind status`) and `GET /metrics` (Prometheus text). Loopback by default; it serves
/// nothing else and never a hidden value.
public final class ObservabilityServer: Sendable {
    public typealias Responder = @Sendable (_ path: String) async -> (status: HTTPResponseStatus, contentType: String, body: String)
    let channel: any Channel

    /// Binds `host:port`; throws when the address cannot be used.
    public init(listen: String, respond: @escaping Responder) async throws {
        let parts = listen.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]) else { throw ChannelError.inappropriateOperationForState }
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(respond: respond))
                }
            }
            .bind(host: String(parts[0]), port: port).get()
    }

    public var port: Int? { channel.localAddress?.port }

    public func close() async {
        try? await channel.close()
    }

    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let respond: Responder
        private var head: HTTPRequestHead?

        init(respond: @escaping Responder) {
            self.respond = respond
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let request): head = request
            case .body: break
            case .end:
                guard let request = head else { return }
                head = nil
                let path = String(request.uri.split(separator: "?").first ?? "")
                let respond = self.respond
                let loop = context.eventLoop
                let answer = request.method == .GET ? loop.makeFutureWithTask { await respond(path) }
                    : loop.makeSucceededFuture((HTTPResponseStatus.methodNotAllowed, "text/plain", "method not allowed\n"))
                let bound = NIOLoopBound(context, eventLoop: loop)
                answer.whenSuccess { status, contentType, body in
                    let context = bound.value
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Type", value: contentType)
                    headers.add(name: "Content-Length", value: String(body.utf8.count))
                    headers.add(name: "Connection", value: "close")
                    context.write(self.wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
                    context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
                    context.writeAndFlush(self.wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
                }
            }
        }
    }
}

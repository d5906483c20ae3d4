import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// marvind's two small local HTTP servers: the endpoint `observability.listen` (node-runtime
/// §15.3, `GET /status` and `GET /metrics`, loopback by default) and the control socket
/// `observability.control_socket` (mode 0600, used by `marvind emergency-stop`, §8.5). Neither
/// ever serves a hidden value.
public final class LocalHTTPServer: Sendable {
    public typealias Responder = @Sendable (_ method: HTTPMethod, _ path: String) async -> (status: HTTPResponseStatus, contentType: String, body: String)
    let channel: any Channel

    /// Binds `host:port`; throws when the address cannot be used.
    public init(listen: String, respond: @escaping Responder) async throws {
        let parts = listen.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]) else { throw ChannelError.inappropriateOperationForState }
        channel = try await Self.bootstrap(respond).serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .bind(host: String(parts[0]), port: port).get()
    }

    /// Binds a unix socket readable by root only, replacing a stale socket file (the caller
    /// holds the instance lock, so no other daemon uses it).
    public init(unixSocket path: String, respond: @escaping Responder) async throws {
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        unlink(path)
        // Connecting needs write permission: under the usual umask only root can from the start.
        channel = try await Self.bootstrap(respond).bind(unixDomainSocketPath: path).get()
        chmod(path, 0o600)
    }

    private static func bootstrap(_ respond: @escaping Responder) -> ServerBootstrap {
        ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).childChannelInitializer { channel in
            channel.pipeline.configureHTTPServerPipeline().flatMap {
                channel.pipeline.addHandler(Handler(respond: respond))
            }
        }
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
                let method = request.method
                let answer = loop.makeFutureWithTask { await respond(method, path) }
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

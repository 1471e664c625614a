import NIOCore

/// Tells when the client of a connection goes away while its request is being worked on. The server allows
/// half-closed connections, so a client that closes its socket shows up as an "input closed" event rather than a
/// closed channel; this handler, put first in the connection's pipeline for the time of one job, reports either.
final class DisconnectWatcher: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = NIOAny

    private let onDisconnect: @Sendable () -> Void

    init(_ onDisconnect: @escaping @Sendable () -> Void) { self.onDisconnect = onDisconnect }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .some(.inputClosed) = event as? ChannelEvent { onDisconnect() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        onDisconnect()
        context.fireChannelInactive()
    }

    /// Runs `body`, cancelling it when the client of `channel` disconnects (or the calling task is cancelled).
    static func run<T: Sendable>(on channel: any Channel, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let job = Task { try await body() }
        let watcher = DisconnectWatcher { job.cancel() }
        try? await channel.pipeline.addHandler(watcher, position: .first).get()
        channel.closeFuture.whenComplete { _ in job.cancel() }
        defer { channel.pipeline.removeHandler(watcher, promise: nil) }
        return try await withTaskCancellationHandler { try await job.value } onCancel: { job.cancel() }
    }
}

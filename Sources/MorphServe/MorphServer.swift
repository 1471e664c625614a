import Foundation
import Hummingbird
import Logging
import NIOCore

/// The `morph serve` web app: pages, their assets and the JSON/PNG API on one Hummingbird router.
public struct MorphServer: Sendable {
    /// The settings it was made with.
    public let configuration: ServeConfiguration
    /// The models requests may name.
    public let catalog: ModelCatalog
    /// The runs requests may name (nil without `--runs`).
    public let runs: RunCatalog?
    /// The inference jobs and their queue.
    public let inference: InferenceService

    /// A server for `configuration` (checked with `validate()` first by the caller).
    public init(configuration: ServeConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.configuration = configuration
        catalog = ModelCatalog(modelsFolder: configuration.modelsFolder, runsFolder: configuration.runsFolder,
                               environment: environment)
        runs = configuration.runsFolder.map(RunCatalog.init(root:))
        inference = InferenceService(configuration: configuration, catalog: catalog)
    }

    /// Warnings and errors only: the server prints its address and stays quiet.
    static var logger: Logger {
        var logger = Logger(label: "morph.serve")
        logger.logLevel = .warning
        return logger
    }

    /// The router with every page and endpoint.
    public func router() -> Router<ServeContext> {
        let router = Router(context: ServeContext.self)
        router.add(middleware: ServeErrorMiddleware())
        router.add(middleware: AccessMiddleware(token: configuration.token))
        PageRoutes.add(to: router)
        ImageRoutes(server: self).add(to: router)
        RunRoutes(runs: runs).add(to: router)
        return router
    }

    /// The application listening on the configured host and port; `onRunning` gets the bound port.
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        Application(router: router(),
                    configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                                         serverName: "morph"),
                    onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
                    logger: MorphServer.logger)
    }
}

/// `POST /api/inpaint|upscale|translate` and `GET /api/models`, `GET /api/jobs/{id}`.
struct ImageRoutes {
    let server: MorphServer

    func add(to router: Router<ServeContext>) {
        router.get("/api/models") { _, _ -> Response in
            let models = server.catalog.list().map { entry -> [String: Any] in
                ["name": entry.name, "kind": entry.kind.rawValue, "source": entry.source, "summary": entry.summary,
                 "scale": entry.scale]
            }
            return JSONText.response(["models": models])
        }
        router.get("/api/jobs/{id}") { _, context -> Response in
            let id = try RunRoutes.parameter("id", context)
            guard let standing = await server.inference.queue.standing(of: id) else {
                return JSONText.response(["id": id, "state": "unknown"])
            }
            switch standing {
            case let .running(model): return JSONText.response(["id": id, "state": "running", "model": model])
            case let .queued(model, position):
                return JSONText.response(["id": id, "state": "queued", "model": model, "position": position])
            }
        }
        for kind in ModelKind.allCases {
            router.post("/api/\(kind.rawValue)") { request, context -> Response in
                try await run(kind, request: request, context: context)
            }
            router.get("/api/\(kind.rawValue)") { _, _ -> Response in
                throw ServeError(status: 405, error: "method_not_allowed", detail: "POST a multipart/form-data body to /api/\(kind.rawValue)")
            }
        }
    }

    /// Reads the multipart body within the upload limit, runs the job (stopping it when the client disconnects),
    /// and answers with the PNG.
    private func run(_ kind: ModelKind, request: Request, context: ServeContext) async throws -> Response {
        let limit = server.configuration.maxUploadBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw ServeError.tooLarge("the upload is \(length) bytes; the limit is \(limit)")
        }
        let boundary = try MultipartForm.boundary(contentType: request.headers[.contentType])
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: limit) } catch is NIOTooManyBytesError {
            throw ServeError.tooLarge("the upload is larger than the limit of \(limit) bytes")
        }
        let form = try MultipartForm(body: Data(buffer.readableBytesView), boundary: boundary)
        let service = server.inference
        let png: Data
        do {
            png = try await DisconnectWatcher.run(on: context.channel) { try await service.run(kind, form: form) }
        } catch is CancellationError {
            throw ServeError.cancelled("the request was cancelled")
        }
        var headers = HTTPFields()
        headers[.contentType] = "image/png"
        headers[.cacheControl] = "no-store"
        headers[.contentDisposition] = "attachment; filename=\"\(kind.rawValue).png\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: png)))
    }
}

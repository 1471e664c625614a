import Foundation
import Hummingbird
import NIOCore

/// `GET /api/runs`, `/api/runs/{name}`, `/api/runs/{name}/log`, `/api/runs/{name}/events` (Server-Sent Events)
/// and `/api/runs/{name}/samples/{file}`.
struct RunRoutes {
    let runs: RunCatalog?

    func add(to router: Router<ServeContext>) {
        router.get("/api/runs") { _, _ -> Response in
            JSONText.response(["runs": runs?.list() ?? []])
        }
        router.get("/api/runs/{name}") { _, context -> Response in
            JSONText.response(try catalog().summary(of: try RunRoutes.parameter("name", context)))
        }
        router.get("/api/runs/{name}/log") { _, context -> Response in
            let log = try catalog().log(of: try RunRoutes.parameter("name", context))
            return JSONText.response(["columns": log.columns, "rows": RunRoutes.json(log.rows)])
        }
        router.get("/api/runs/{name}/samples/{file}") { _, context -> Response in
            let url = try catalog().sample(try RunRoutes.parameter("file", context), of: try RunRoutes.parameter("name", context))
            guard let data = FileManager.default.contents(atPath: url.path), data.count <= 64 << 20 else {
                throw ServeError.notFound("sample cannot be read")
            }
            var headers = HTTPFields()
            headers[.contentType] = "image/png"
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        router.get("/api/runs/{name}/events") { request, context -> Response in
            let name = try RunRoutes.parameter("name", context)
            let catalog = try catalog()
            _ = try catalog.summary(of: name)
            let until = request.uri.queryParameters["until"].flatMap { Int(String($0)) }
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-store"
            let follower = LogFollower(catalog: catalog, name: name, until: until)
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                try await follower.stream { text in try await writer.write(ByteBuffer(string: text)) }
                try await writer.finish(nil)
            })
        }
    }

    private func catalog() throws -> RunCatalog {
        guard let runs else { throw ServeError.notFound("the server was started without --runs") }
        return runs
    }

    /// A path parameter, percent-decoded (so that `%2e%2e` is seen, and refused, as `..`).
    static func parameter(_ key: String, _ context: ServeContext) throws -> String {
        guard let raw = context.parameters.get(key), let decoded = raw.removingPercentEncoding else {
            throw ServeError.badRequest("the '\(key)' part of the address is not valid percent-encoded text")
        }
        return decoded
    }

    /// Rows as JSON arrays (non-finite losses as null).
    static func json(_ rows: [[Double]]) -> [[Any]] {
        rows.map { row in row.map { $0.isFinite ? $0 as Any : NSNull() } }
    }
}

/// Follows one run's `log.csv` and `samples/` and sends Server-Sent Events: `log` with the whole log first,
/// `rows` with each batch of new rows, `log` again when the file is rewritten (a resumed run), `samples` when the
/// sample grids change, `summary` with the run's state every few seconds, and a comment line as a keep-alive.
/// It stops when a write fails (the client left), or after a row at or past step `until` when given.
struct LogFollower: Sendable {
    let catalog: RunCatalog
    let name: String
    let until: Int?

    func stream(_ send: (String) async throws -> Void) async throws {
        let url = try catalog.logFile(of: name)
        var known = FileIdentity(url)
        var log = (try? RunCatalog.readLog(url)) ?? RunCatalog.Log(columns: [], rows: [])
        try await send(event("log", ["columns": log.columns, "rows": RunRoutes.json(log.rows)]))
        var samplesStamp = LogFollower.samplesStamp(url.deletingLastPathComponent())
        var ticks = 0
        while !Task.isCancelled {
            if let until, let last = log.rows.last, Int(last[0]) >= until { return }
            try await Task.sleep(for: .milliseconds(400))
            ticks += 1
            let now = FileIdentity(url)
            if now != known {
                let fresh = (try? RunCatalog.readLog(url)) ?? RunCatalog.Log(columns: [], rows: [])
                let grows = now.inode == known.inode && fresh.columns == log.columns && fresh.rows.count >= log.rows.count
                    && zip(fresh.rows, log.rows).allSatisfy { $0.0.first == $0.1.first }
                if grows {
                    let added = Array(fresh.rows.dropFirst(log.rows.count))
                    if !added.isEmpty { try await send(event("rows", ["rows": RunRoutes.json(added)])) }
                } else {
                    try await send(event("log", ["columns": fresh.columns, "rows": RunRoutes.json(fresh.rows)]))
                }
                log = fresh
                known = now
            }
            let stamp = LogFollower.samplesStamp(url.deletingLastPathComponent())
            if stamp != samplesStamp {
                samplesStamp = stamp
                try await send(event("samples", ["samples": RunCatalog.samples(url.deletingLastPathComponent())]))
            }
            if ticks % 10 == 0 {
                if let summary = try? catalog.summary(of: name) { try await send(event("summary", summary)) }
                try await send(": keep-alive\n\n")
            }
        }
    }

    private func event(_ name: String, _ value: Any) -> String {
        "event: \(name)\ndata: \(JSONText.encode(value))\n\n"
    }

    /// Names and modification times of the sample grids, as one string.
    static func samplesStamp(_ root: URL) -> String {
        RunCatalog.samples(root).map { file -> String in
            let path = root.appendingPathComponent("samples/\(file)").path
            let date = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
            return "\(file)@\(date?.timeIntervalSince1970 ?? 0)"
        }.joined(separator: ",")
    }
}

/// Inode, size and modification time of a file: a change means it grew or was replaced.
struct FileIdentity: Equatable {
    let inode: UInt64
    let size: UInt64
    let modified: Double

    init(_ url: URL) {
        let attributes = (try? FileManager.default.attributesOfItem(atPath: url.path)) ?? [:]
        inode = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
        size = (attributes[.size] as? NSNumber)?.uint64Value ?? 0
        modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
    }
}

import Hummingbird
import NIOCore

/// The request context of the web app: Hummingbird's core storage plus the connection, so that a request whose
/// client goes away can stop its job.
public struct ServeContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The connection the request came on.
    public let channel: any Channel

    /// A context for a request arriving on `source`'s channel.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Checks access before any route runs.
///
/// With a token: API calls carry `Authorization: Bearer T` (GETs may carry the `morph_token` cookie instead, so
/// that images and event streams work); a page opened with `?token=T` gets the cookie and is redirected to its
/// address without the token; anything else is 401. `/assets/` (code and styles, no data) is always served.
/// Without a token (loopback only): requests naming another host are refused (403), so a web page elsewhere
/// cannot reach the server through DNS rebinding.
struct AccessMiddleware: RouterMiddleware {
    typealias Context = ServeContext
    let token: String?

    static let cookieName = "morph_token"
    /// A `Host` header that did not become the request's authority (HTTP/1 requests carry it as the authority).
    static func hostHeader(_ request: Request) -> String? {
        request.headers.first { $0.name.canonicalName == "host" }?.value
    }

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path.hasPrefix("/assets/") { return try await next(request, context) }
        guard let token else {
            if let host = [request.head.authority, AccessMiddleware.hostHeader(request)].compactMap({ $0 })
                .first(where: { !AccessMiddleware.isLocalHost($0) }) {
                throw ServeError.forbidden("this server answers to localhost names only, not '\(host)' (start it with --host and --token to share it)")
            }
            return try await next(request, context)
        }
        if let header = request.headers[.authorization] {
            guard AccessMiddleware.constantTimeEqual(header, "Bearer \(token)") else {
                throw ServeError.unauthorized("wrong token in the Authorization header")
            }
            return try await next(request, context)
        }
        let isRead = request.method == .get || request.method == .head
        if isRead, let cookie = request.cookies[AccessMiddleware.cookieName]?.value,
           AccessMiddleware.constantTimeEqual(cookie, token) {
            return try await next(request, context)
        }
        if isRead, !path.hasPrefix("/api/"), let given = request.uri.queryParameters["token"].map(String.init) {
            guard AccessMiddleware.constantTimeEqual(given, token) else { throw ServeError.unauthorized("wrong ?token=") }
            var headers = HTTPFields()
            headers[.location] = path
            headers[.setCookie] = "\(AccessMiddleware.cookieName)=\(token); Path=/; SameSite=Strict"
            return Response(status: .seeOther, headers: headers)
        }
        throw ServeError.unauthorized("this server needs its token: open the address `morph serve` printed (with ?token=), "
            + "or send Authorization: Bearer <token>")
    }

    /// Whether a Host header names this machine's loopback (`localhost`, `127.x.x.x`, `[::1]`, with any port).
    static func isLocalHost(_ host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("[") { name = String(name.dropFirst().prefix { $0 != "]" }) } else if let colon = name.lastIndex(of: ":") {
            name = String(name[..<colon])
        }
        return name == "localhost" || name == "::1" || name.hasPrefix("127.")
    }

    /// String equality whose time does not depend on where the strings first differ.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) { difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0) }
        return difference == 0
    }
}

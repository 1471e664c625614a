import Hummingbird
import NIOCore

/// The pages (`/`, `/batch`, `/runs`) and their assets (`/assets/<name>`), all compiled into the binary as string
/// literals: nothing is read from disk, so a `morph` copied anywhere serves them, offline.
enum PageRoutes {
    /// An asset: its media type and text.
    struct Asset: Sendable {
        let contentType: String
        let text: String
    }

    /// Every asset by the name it is served under.
    static let assets: [String: Asset] = [
        "style.css": Asset(contentType: "text/css; charset=utf-8", text: Assets.styleCSS),
        "common.js": Asset(contentType: "text/javascript; charset=utf-8", text: Assets.commonJS),
        "inpaint.js": Asset(contentType: "text/javascript; charset=utf-8", text: Assets.inpaintJS),
        "canvas.js": Asset(contentType: "text/javascript; charset=utf-8", text: Assets.canvasJS),
        "batch.js": Asset(contentType: "text/javascript; charset=utf-8", text: Assets.batchJS),
        "zip.js": Asset(contentType: "text/javascript; charset=utf-8", text: Assets.zipJS),
        "runs.js": Asset(contentType: "text/javascript; charset=utf-8", text: Assets.runsJS),
        "chart.js": Asset(contentType: "text/javascript; charset=utf-8", text: Assets.chartJS),
        "icon.svg": Asset(contentType: "image/svg+xml", text: Assets.iconSVG),
    ]

    /// The pages by path.
    static let pages: [String: String] = [
        "/": Assets.inpaintHTML,
        "/batch": Assets.batchHTML,
        "/runs": Assets.runsHTML,
    ]

    static func add(to router: Router<ServeContext>) {
        for (path, html) in pages {
            router.get(RouterPath(stringLiteral: path)) { _, _ -> Response in
                respond(html, type: "text/html; charset=utf-8")
            }
        }
        router.get("/assets/{name}") { _, context -> Response in
            let name = try context.parameters.require("name")
            guard let asset = assets[name] else { throw ServeError.notFound("no asset '\(name)'") }
            return respond(asset.text, type: asset.contentType)
        }
        router.get("/favicon.ico") { _, _ -> Response in
            respond(Assets.iconSVG, type: "image/svg+xml")
        }
    }

    private static func respond(_ text: String, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-cache"
        headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; connect-src 'self'"
        headers[.xContentTypeOptions] = "nosniff"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

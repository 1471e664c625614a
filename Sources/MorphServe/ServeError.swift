import Foundation
import Hummingbird
import NIOCore

/// An API failure: an HTTP status, a short machine-readable `error` code and a one-line `detail`, sent as
/// JSON `{"error": …, "detail": …}`.
public struct ServeError: Error, CustomStringConvertible, Equatable {
    /// The HTTP status code.
    public let status: Int
    /// A short code (`bad_request`, `too_large`, `wrong_model_kind`, …).
    public let error: String
    /// One line saying what was wrong.
    public let detail: String

    /// Creates an error.
    public init(status: Int, error: String, detail: String) {
        self.status = status
        self.error = error
        self.detail = detail
    }

    public var description: String { "\(status) \(error): \(detail)" }

    /// 400: the request is malformed or names something invalid.
    public static func badRequest(_ detail: String) -> ServeError { ServeError(status: 400, error: "bad_request", detail: detail) }
    /// 401: a token is required and missing or wrong.
    public static func unauthorized(_ detail: String) -> ServeError { ServeError(status: 401, error: "unauthorized", detail: detail) }
    /// 403: the request comes through a host name the server does not answer to.
    public static func forbidden(_ detail: String) -> ServeError { ServeError(status: 403, error: "forbidden", detail: detail) }
    /// 404: no such model, run, file or page.
    public static func notFound(_ detail: String) -> ServeError { ServeError(status: 404, error: "not_found", detail: detail) }
    /// 413: the upload or the image is larger than the configured limits.
    public static func tooLarge(_ detail: String) -> ServeError { ServeError(status: 413, error: "too_large", detail: detail) }
    /// 422: the model exists but cannot do what was asked (wrong kind, unusable checkpoint).
    public static func wrongModel(_ detail: String) -> ServeError { ServeError(status: 422, error: "wrong_model_kind", detail: detail) }
    /// 499: the client went away or cancelled (never seen by that client; logged only).
    public static func cancelled(_ detail: String) -> ServeError { ServeError(status: 499, error: "cancelled", detail: detail) }
    /// 500: a bug in the server.
    public static func `internal`(_ detail: String) -> ServeError { ServeError(status: 500, error: "internal", detail: detail) }

    /// The JSON response.
    func response() -> Response {
        let text = JSONText.object(["error": error, "detail": detail])
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        let status = HTTPResponse.Status(code: status)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Turns every error thrown below it into the JSON error shape: `ServeError`s as they are, Hummingbird's own
/// errors (no route, body too large) with their status, anything else as a 500 naming the error.
struct ServeErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ServeError {
            return error.response()
        } catch is NIOTooManyBytesError {
            return ServeError.tooLarge("the request body is larger than the upload limit").response()
        } catch let error as HTTPResponseError {
            let code = Int(error.status.code)
            switch code {
            case 404: return ServeError.notFound("no such page or endpoint: \(request.uri.path)").response()
            case 405: return ServeError(status: 405, error: "method_not_allowed",
                                        detail: "\(request.method) is not allowed on \(request.uri.path)").response()
            case 413: return ServeError.tooLarge("the request body is larger than the upload limit").response()
            default: return ServeError(status: code, error: "http_\(code)", detail: "\(error)").response()
            }
        } catch {
            return ServeError.internal("\(error)").response()
        }
    }
}

/// Small JSON writer for responses whose shape is fixed (keys sorted, strings escaped by JSONSerialization).
enum JSONText {
    /// `value` (dictionaries, arrays, strings, numbers, booleans, NSNull) as compact JSON with sorted keys.
    static func encode(_ value: Any) -> String {
        guard JSONSerialization.isValidJSONObject(value),
              let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
        else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    /// A flat object of strings.
    static func object(_ fields: [String: String]) -> String { encode(fields) }

    /// A JSON response with status 200.
    static func response(_ value: Any) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: encode(value))))
    }
}

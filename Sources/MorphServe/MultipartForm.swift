import Foundation

/// A `multipart/form-data` body split into its named parts. Parsing is bounded: at most `maxParts` parts,
/// part headers at most 8 KiB, and no part larger than the body it came in.
public struct MultipartForm: Sendable {
    /// One part: its field name, the file name when it is an upload, and its bytes.
    public struct Part: Sendable {
        public let name: String
        public let filename: String?
        public let data: Data
    }

    /// The parts in body order.
    public let parts: [Part]

    /// The most parts one body may hold.
    public static let maxParts = 64

    /// The boundary of a `Content-Type: multipart/form-data; boundary=…` header value.
    /// - Throws: `ServeError.badRequest` when the header is not multipart/form-data or has no usable boundary.
    public static func boundary(contentType: String?) throws -> String {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else {
            throw ServeError.badRequest("expected a multipart/form-data body (Content-Type: \(contentType ?? "none"))")
        }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            guard (1...70).contains(value.utf8.count) else { break }
            return value
        }
        throw ServeError.badRequest("multipart/form-data without a boundary of 1 to 70 characters")
    }

    /// Splits `body` at `boundary`.
    /// - Throws: `ServeError.badRequest` for a body with no closing boundary, a part without a
    ///   `Content-Disposition: form-data; name=…` header, or too many parts.
    public init(body: Data, boundary: String) throws {
        let delimiter = Data("--\(boundary)".utf8)
        let crlf = Data("\r\n".utf8), headerEnd = Data("\r\n\r\n".utf8)
        guard var cursor = body.range(of: delimiter)?.upperBound else {
            throw ServeError.badRequest("multipart body has no boundary line")
        }
        var parts: [Part] = []
        let partDelimiter = crlf + delimiter
        while true {
            // After a boundary: "--" ends the body, CRLF starts a part.
            if body[cursor...].starts(with: Data("--".utf8)) { break }
            guard body[cursor...].starts(with: crlf) else { throw ServeError.badRequest("malformed multipart boundary line") }
            cursor += 2
            guard let headersEnd = body.range(of: headerEnd, in: cursor..<body.endIndex),
                  headersEnd.lowerBound - cursor <= 8192 else {
                throw ServeError.badRequest("multipart part without an end of headers (or headers over 8 KiB)")
            }
            let headers = String(decoding: body[cursor..<headersEnd.lowerBound], as: UTF8.self)
            guard let next = body.range(of: partDelimiter, in: headersEnd.upperBound..<body.endIndex) else {
                throw ServeError.badRequest("multipart body ends without a closing boundary")
            }
            let (name, filename) = try MultipartForm.disposition(headers)
            parts.append(Part(name: name, filename: filename, data: Data(body[headersEnd.upperBound..<next.lowerBound])))
            guard parts.count <= MultipartForm.maxParts else {
                throw ServeError.badRequest("multipart body has more than \(MultipartForm.maxParts) parts")
            }
            cursor = next.upperBound
        }
        self.parts = parts
    }

    /// The bytes of the first part named `name`.
    public func data(_ name: String) -> Data? { parts.first { $0.name == name }?.data }

    /// The first part named `name` as UTF-8 text (nil when absent).
    public func text(_ name: String) -> String? {
        data(name).map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// The name and file name of a part's `Content-Disposition` header.
    static func disposition(_ headers: String) throws -> (String, String?) {
        for line in headers.components(separatedBy: "\r\n") {
            let pieces = line.split(separator: ":", maxSplits: 1)
            guard pieces.count == 2, pieces[0].lowercased() == "content-disposition" else { continue }
            var name: String?, filename: String?
            for parameter in pieces[1].split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                let pair = parameter.split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2 else { continue }
                let value = pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2
                    ? String(pair[1].dropFirst().dropLast()) : pair[1]
                switch pair[0].lowercased() {
                case "name": name = value
                case "filename": filename = value
                default: break
                }
            }
            if let name { return (name, filename) }
        }
        throw ServeError.badRequest("multipart part without Content-Disposition: form-data; name=…")
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import MorphImage
import MorphServe
import TestSupport
import XCTest

/// Folders, images, multipart bodies and a router-level client for the server tests.
struct ServeSandbox {
    let root: URL
    var models: URL { root.appendingPathComponent("models") }
    var runs: URL { root.appendingPathComponent("runs") }
    var temporary: URL { root.appendingPathComponent("tmp") }
    var outside: URL { root.appendingPathComponent("outside") }

    /// The repository's built-in models.
    static let builtins = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("models")

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("morph-serve-test-\(UUID().uuidString)")
        for folder in [models, runs, temporary, outside] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    func configuration(token: String? = nil, maxUploadBytes: Int = 16 << 20, maxPixels: Int = 4_000_000,
                       host: String = "127.0.0.1") -> ServeConfiguration {
        var environment = ProcessInfo.processInfo.environment
        environment["MORPH_MODELS"] = ServeSandbox.builtins.path
        return ServeConfiguration(host: host, port: 0, modelsFolder: models, runsFolder: runs, token: token,
                                  maxUploadBytes: maxUploadBytes, maxPixels: maxPixels, executable: MorphBinary.url,
                                  temporaryRoot: temporary, childEnvironment: environment)
    }

    func server(_ configuration: ServeConfiguration) -> MorphServer {
        var environment = ProcessInfo.processInfo.environment
        environment["MORPH_MODELS"] = ServeSandbox.builtins.path
        return MorphServer(configuration: configuration, environment: environment)
    }

    /// Runs `body` against the router of a server with `configuration`.
    func withClient(_ configuration: ServeConfiguration,
                    _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: server(configuration).router())
        try await app.test(.router) { client in try await body(client) }
    }
}

/// Test images and bodies.
enum ServeFixtures {
    /// A textured RGB PNG: smooth gradients plus a checker, so a filled hole differs from what was there.
    static func png(width: Int, height: Int, seed: Int = 0) throws -> Data {
        var samples = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                let checker = ((x / 6 + y / 6 + seed) % 2) * 60
                samples[i] = UInt8((x * 255 / max(width - 1, 1) + checker) % 256)
                samples[i + 1] = UInt8((y * 255 / max(height - 1, 1) + 30) % 256)
                samples[i + 2] = UInt8((((x + y) * 3) + checker + seed * 17) % 256)
            }
        }
        return try encode(samples, width: width, height: height, bands: 3)
    }

    /// A gray mask PNG, white inside `hole` (x, y, width, height), black elsewhere.
    static func mask(width: Int, height: Int, hole: (Int, Int, Int, Int)) throws -> Data {
        var samples = [UInt8](repeating: 0, count: width * height)
        for y in hole.1..<(hole.1 + hole.3) { for x in hole.0..<(hole.0 + hole.2) { samples[y * width + x] = 255 } }
        return try encode(samples, width: width, height: height, bands: 1)
    }

    static func encode(_ samples: [UInt8], width: Int, height: Int, bands: Int) throws -> Data {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fixture-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: url) }
        let image = try samples.withUnsafeBytes { try VipsImage.fromSamples($0, width: width, height: height, bands: bands, bitDepth: 8) }
        try ImageWriter.save(image, to: url)
        return try Data(contentsOf: url)
    }

    /// Width, height, bands and interleaved 8-bit samples of an encoded image.
    static func decode(_ data: Data) throws -> (width: Int, height: Int, bands: Int, samples: [UInt8]) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("decode-\(UUID().uuidString).png")
        try data.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let image = try ImageLoader.load(url)
        let samples = try image.withSamples { Array($0.bindMemory(to: UInt8.self)) }
        return (image.width, image.height, image.bands, samples)
    }

    /// A multipart/form-data body of `parts` (name, optional file name, bytes), with its Content-Type.
    static func multipart(_ parts: [(String, String?, Data)]) -> (contentType: String, body: ByteBuffer) {
        let boundary = "morph-test-\(UUID().uuidString)"
        var data = Data()
        for (name, filename, bytes) in parts {
            data += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"".utf8)
            if let filename { data += Data("; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream".utf8) }
            data += Data("\r\n\r\n".utf8) + bytes + Data("\r\n".utf8)
        }
        data += Data("--\(boundary)--\r\n".utf8)
        return ("multipart/form-data; boundary=\(boundary)", ByteBuffer(bytes: data))
    }

    static func text(_ value: String) -> Data { Data(value.utf8) }
}

extension TestResponse {
    /// The body as a JSON dictionary (empty when it is not one).
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]) ?? [:]
    }

    var data: Data { Data(body.readableBytesView) }
}

extension TestClientProtocol {
    /// POSTs a multipart form to `uri`.
    func post(_ uri: String, form parts: [(String, String?, Data)], headers extra: HTTPFields = [:]) async throws -> TestResponse {
        let (type, body) = ServeFixtures.multipart(parts)
        var headers = extra
        headers[.contentType] = type
        return try await execute(uri: uri, method: .post, headers: headers, body: body)
    }
}

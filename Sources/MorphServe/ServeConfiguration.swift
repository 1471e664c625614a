import Foundation

/// Everything `morph serve` is started with: where it listens, the folders it may read, the token, the limits,
/// and the `morph` executable that runs each inference job as a child process.
public struct ServeConfiguration: Sendable {
    /// Address to bind (default loopback).
    public var host: String
    /// TCP port (0 picks a free one).
    public var port: Int
    /// Extra checkpoints, chosen by their path relative to this folder (nil: built-ins only).
    public var modelsFolder: URL?
    /// Training run folders, chosen by name (nil: no runs page data).
    public var runsFolder: URL?
    /// Bearer token every API call must carry (nil: no token, allowed on loopback only).
    public var token: String?
    /// Largest request body accepted, in bytes.
    public var maxUploadBytes: Int
    /// Largest image accepted, in pixels (width × height).
    public var maxPixels: Int
    /// The `morph` executable run for each job.
    public var executable: URL
    /// Parent of the per-request temporary folders.
    public var temporaryRoot: URL
    /// Environment of the child jobs (nil: the server's own).
    public var childEnvironment: [String: String]?

    /// A configuration with Morph's defaults: 127.0.0.1:8080, 64 MiB uploads, 50 megapixels.
    public init(host: String = "127.0.0.1", port: Int = 8080, modelsFolder: URL? = nil, runsFolder: URL? = nil,
                token: String? = nil, maxUploadBytes: Int = 64 << 20, maxPixels: Int = 50_000_000,
                executable: URL, temporaryRoot: URL = FileManager.default.temporaryDirectory,
                childEnvironment: [String: String]? = nil) {
        self.host = host
        self.port = port
        self.modelsFolder = modelsFolder
        self.runsFolder = runsFolder
        self.token = token
        self.maxUploadBytes = maxUploadBytes
        self.maxPixels = maxPixels
        self.executable = executable
        self.temporaryRoot = temporaryRoot
        self.childEnvironment = childEnvironment
    }

    /// Whether `host` is a loopback address (only those may be served without a token).
    public static func isLoopback(_ host: String) -> Bool {
        host == "127.0.0.1" || host == "::1" || host == "localhost" || host.hasPrefix("127.")
    }

    /// A random 32-character token (hex of 16 random bytes from the system generator).
    public static func generateToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// Checks the settings before the server starts.
    /// - Throws: `ServeError.badRequest` for a port out of range, limits that are not positive, folders that do
    ///   not exist, or a non-loopback host without a token.
    public func validate() throws {
        guard (0...65535).contains(port) else { throw ServeError.badRequest("--port \(port) is not between 0 and 65535") }
        guard maxUploadBytes > 0, maxPixels > 0 else { throw ServeError.badRequest("the upload and pixel limits must be positive") }
        for (flag, folder) in [("--models", modelsFolder), ("--runs", runsFolder)] {
            guard let folder else { continue }
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDir), isDir.boolValue else {
                throw ServeError.badRequest("\(flag) \(folder.path): no such folder")
            }
        }
        if token == nil && !ServeConfiguration.isLoopback(host) {
            throw ServeError.badRequest("binding to \(host) needs --token (every API call must then carry it)")
        }
        if let token, token.count < 8 || !token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.~".contains($0)) }) {
            throw ServeError.badRequest("--token must be at least 8 characters of letters, digits, '-', '_', '.' or '~'")
        }
    }

    /// The address to open in a browser (with `?token=` when a token is set).
    public func url(port actualPort: Int) -> String {
        let shown = host.contains(":") ? "[\(host)]" : host
        return "http://\(shown):\(actualPort)/" + (token.map { "?token=\($0)" } ?? "")
    }
}

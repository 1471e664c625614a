import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 file server on 127.0.0.1 for download tests (no test touches the internet): it serves `files`
/// by path, honours `Range: bytes=N-` with 206, and can cut its first `cutFirstResponses` responses short after
/// `cutAfter` bytes (announcing the full length) to simulate an interrupted transfer.
public final class LocalHTTPServer {
    /// The port it listens on.
    public private(set) var port: UInt16 = 0
    /// Bodies by request path (`/name.pth`).
    public let files: [String: Data]
    /// Responses to cut short, counted from the first request.
    public let cutFirstResponses: Int
    /// Body bytes sent before a cut response closes the connection.
    public let cutAfter: Int
    private let lock = NSLock()
    private var log: [String] = []
    private var socketFD: Int32 = -1
    private var served = 0

    /// The base URL, `http://127.0.0.1:PORT`.
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// The requests so far, as `PATH RANGE` (RANGE is `-` without a Range header).
    public var requests: [String] { lock.lock(); defer { lock.unlock() }; return log }

    /// Starts serving at once on a free port.
    public init(files: [String: Data], cutFirstResponses: Int = 0, cutAfter: Int = 0) throws {
        self.files = files
        self.cutFirstResponses = cutFirstResponses
        self.cutAfter = cutAfter
        socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(socketFD, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        let fd = socketFD
        Thread.detachNewThread { [weak self] in
            while true {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }
                self?.handle(client)
                close(client)
            }
        }
    }

    /// Stops listening.
    public func stop() {
        if socketFD >= 0 { shutdown(socketFD, Int32(SHUT_RDWR)); close(socketFD) }
        socketFD = -1
    }

    deinit { stop() }

    private func handle(_ client: Int32) {
        var request = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !request.contains("\r\n\r\n".data(using: .utf8)!) {
            let n = read(client, &buffer, buffer.count)
            guard n > 0 else { return }
            request.append(contentsOf: buffer[0..<n])
        }
        let text = String(decoding: request, as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        let parts = lines.first?.split(separator: " ") ?? []
        let path = parts.count > 1 ? String(parts[1]) : "/"
        let range = lines.first { $0.lowercased().hasPrefix("range:") }
            .map { $0.dropFirst(6).trimmingCharacters(in: .whitespaces) }
        lock.lock()
        log.append("\(path) \(range ?? "-")")
        let index = served
        served += 1
        lock.unlock()
        guard let body = files[path] else {
            send(client, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", Data())
            return
        }
        var start = 0
        var head = "HTTP/1.1 200 OK\r\n"
        if let range, range.hasPrefix("bytes="), let from = Int(range.dropFirst(6).prefix { $0 != "-" }) {
            guard from < body.count else {
                send(client, "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", Data())
                return
            }
            start = from
            head = "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes \(from)-\(body.count - 1)/\(body.count)\r\n"
        }
        let slice = body.subdata(in: start..<body.count)
        head += "Content-Length: \(slice.count)\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n"
        let cut = index < cutFirstResponses
        send(client, head, cut ? slice.prefix(min(cutAfter, slice.count)) : slice)
    }

    private func send(_ client: Int32, _ head: String, _ body: Data) {
        var data = Data(head.utf8)
        data.append(body)
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(client, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }
}

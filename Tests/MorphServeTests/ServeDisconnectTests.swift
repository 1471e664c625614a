import Foundation
import Hummingbird
import HummingbirdTesting
import MorphServe
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A client that goes away stops its job: on a live server, a POST whose connection closes mid-job has its child
/// process killed and its job folder removed. The child here is a script that would sleep for a minute, so only
/// the kill can end it in time.
final class ServeDisconnectTests: XCTestCase {
    func testADisconnectedRequestKillsItsChildJob() async throws {
        let sandbox = try ServeSandbox()
        defer { sandbox.remove() }
        let marker = sandbox.root.appendingPathComponent("child-pid")
        let script = sandbox.root.appendingPathComponent("slow-child.sh")
        try "#!/bin/sh\necho $$ > '\(marker.path)'\nexec sleep 60\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        var configuration = sandbox.configuration()
        configuration.executable = script
        let app = Application(router: sandbox.server(configuration).router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        let image = try ServeFixtures.png(width: 16, height: 16)
        let (type, body) = ServeFixtures.multipart([("model", nil, ServeFixtures.text("morph-sr-x4")), ("image", "a.png", image)])
        try await app.test(.live) { client in
            let port = try XCTUnwrap(client.port)
            let head = "POST /api/upscale HTTP/1.1\r\nHost: localhost\r\nContent-Type: \(type)\r\nContent-Length: \(body.readableBytes)\r\n\r\n"
            let socket = try RawSocket(port: port)
            try socket.send(Data(head.utf8) + Data(body.readableBytesView))
            let deadline = Date().addingTimeInterval(20)
            while !FileManager.default.fileExists(atPath: marker.path), Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
            try await Task.sleep(for: .milliseconds(100))
            let pid = try XCTUnwrap(Int32(String(contentsOf: marker, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            XCTAssertEqual(kill(pid, 0), 0, "the child job runs")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: sandbox.temporary.path).count, 1)
            socket.close()
            let closed = Date()
            while kill(pid, 0) == 0, Date().timeIntervalSince(closed) < 10 { try await Task.sleep(for: .milliseconds(50)) }
            XCTAssertNotEqual(kill(pid, 0), 0, "the child is killed when the client goes away")
            XCTAssertLessThan(Date().timeIntervalSince(closed), 10)
            while (try? FileManager.default.contentsOfDirectory(atPath: sandbox.temporary.path).count) != 0,
                  Date().timeIntervalSince(closed) < 10 { try await Task.sleep(for: .milliseconds(50)) }
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: sandbox.temporary.path), [], "its job folder is removed")
        }
    }
}

/// A blocking TCP connection to 127.0.0.1, closed at will.
final class RawSocket {
    private var descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard descriptor >= 0, result == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    func send(_ data: Data) throws {
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = Glibc.send(descriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                guard sent > 0 else { throw POSIXError(.EPIPE) }
                offset += sent
            }
        }
    }

    func close() {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
        descriptor = -1
    }

    deinit { close() }
}

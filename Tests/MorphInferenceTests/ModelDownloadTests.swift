import Foundation
import XCTest
@testable import MorphInference
import TestSupport

/// SHA-256, the catalogue's facts and the downloader against a local HTTP server (success, a bad checksum, an
/// interrupted transfer, a missing file). No test touches the internet.
final class ModelDownloadTests: XCTestCase {
    func testSHA256MatchesTheStandardVectorsAndSha256sum() throws {
        func hex(_ data: Data) -> String { var h = SHA256(); h.update(data); return h.hexDigest() }
        XCTAssertEqual(hex(Data()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(hex(Data("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(hex(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var million = SHA256()
        for _ in 0..<1000 { million.update(Data(repeating: UInt8(ascii: "a"), count: 1000)) }
        XCTAssertEqual(million.hexDigest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // Odd chunk sizes give the same digest as one update, and sha256sum agrees on a real file.
        let file = PipelineFixtures.url("cli_srvgg_x4.pth")
        let bytes = try Data(contentsOf: file)
        var chunked = SHA256()
        var offset = 0
        for size in [1, 63, 64, 65, 1000, 7] where offset < bytes.count {
            chunked.update(bytes.subdata(in: offset..<min(bytes.count, offset + size)))
            offset += size
        }
        chunked.update(bytes.subdata(in: offset..<bytes.count))
        XCTAssertEqual(chunked.hexDigest(), hex(bytes))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(String(out.prefix(64)), try SHA256.hexDigest(of: file))
    }

    func testCatalogueNamesURLsAndChecksums() {
        let names = ModelCatalogue.all.map(\.name)
        XCTAssertEqual(Set(names).count, names.count, "names are unique")
        XCTAssertTrue(Set(names).isDisjoint(with: BuiltinModels.names))
        for entry in ModelCatalogue.all {
            XCTAssertTrue(entry.url.hasPrefix("https://github.com/xinntao/Real-ESRGAN/releases/download/")
                          || entry.url.hasPrefix("http://efrosgans.eecs.berkeley.edu/")
                          || entry.url.hasPrefix("https://huggingface.co/smartywu/big-lama/"), entry.url)
            if let sum = entry.sha256 { XCTAssertTrue(sum.count == 64 && sum.allSatisfy(\.isHexDigit), entry.name) }
            if let companion = entry.companion { XCTAssertNotNil(ModelCatalogue.entry(named: companion)) }
        }
        for name in ["horse2zebra", "pix2pix_facades_label2photo", "ESRGAN_x4", "RealESRGAN_x4plus",
                     "RealESRGAN_x4plus_anime_6B", "realesr-animevideov3", "realesr-general-x4v3"] {
            XCTAssertNotNil(ModelCatalogue.entry(named: name), name)
        }
        XCTAssertEqual(ModelCatalogue.entry(named: "RealESRGAN_x4plus.pth")?.url,
                       "https://github.com/xinntao/Real-ESRGAN/releases/download/v0.1.0/RealESRGAN_x4plus.pth")
        XCTAssertEqual(ModelCatalogue.entry(named: "horse2zebra")?.url,
                       "http://efrosgans.eecs.berkeley.edu/cyclegan/pretrained_models/horse2zebra.pth")
        XCTAssertEqual(ModelCatalogue.entry(named: "RealESRGAN_x4plus_anime_6B")?.scale, 4)
        XCTAssertEqual(ModelCatalogue.entry(named: "RealESRGAN_x2plus")?.scale, 2)
        let store = ModelStore.standard(environment: ["HOME": "/home/u"])
        XCTAssertEqual(store.folder.path, "/home/u/.cache/morph/models")
        XCTAssertEqual(ModelStore.standard(environment: ["MORPH_MODELS": "/m", "HOME": "/home/u"]).folder.path, "/m")
    }

    func testDownloadWritesTheFileAndChecksIt() throws {
        let payload = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) })
        let server = try LocalHTTPServer(files: ["/model.pth": payload])
        defer { server.stop() }
        let folder = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        var expected = SHA256()
        expected.update(payload)
        var seen: [Int64] = []
        let target = folder.appendingPathComponent("sub/model.pth")
        let digest = try ModelDownloader(progress: { bytes, total in
            seen.append(bytes)
            XCTAssertEqual(total, Int64(payload.count))
        }).download(server.baseURL.appendingPathComponent("model.pth"), to: target, sha256: expected.hexDigest().uppercased())
        XCTAssertEqual(digest, expected.hexDigest())
        XCTAssertEqual(try Data(contentsOf: target), payload)
        XCTAssertEqual(seen.last, Int64(payload.count))
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.path + ".part"))
        XCTAssertEqual(server.requests, ["/model.pth -"])
    }

    func testBadChecksumRemovesTheFile() throws {
        let server = try LocalHTTPServer(files: ["/model.pth": Data(repeating: 1, count: 5000)])
        defer { server.stop() }
        let folder = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("model.pth")
        let wrong = String(repeating: "0", count: 64)
        XCTAssertThrowsError(try ModelDownloader().download(server.baseURL.appendingPathComponent("model.pth"),
                                                            to: target, sha256: wrong)) { error in
            guard case let DownloadError.checksum(file, expectedSum, actual) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, target.path)
            XCTAssertEqual(expectedSum, wrong)
            XCTAssertEqual(actual.count, 64)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.path + ".part"))
    }

    func testInterruptedTransferResumesWhereItStopped() throws {
        let payload = Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 % 251) })
        let server = try LocalHTTPServer(files: ["/big.pth": payload], cutFirstResponses: 1, cutAfter: 70_000)
        defer { server.stop() }
        let folder = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("big.pth")
        try ModelDownloader().download(server.baseURL.appendingPathComponent("big.pth"), to: target)
        XCTAssertEqual(try Data(contentsOf: target), payload)
        let requests = server.requests
        XCTAssertEqual(requests.count, 2, "\(requests)")
        XCTAssertEqual(requests.first, "/big.pth -")
        // The second request asks only for what is missing (curl may have written slightly less than was sent).
        let resumed = requests.last ?? ""
        XCTAssertTrue(resumed.hasPrefix("/big.pth bytes="), resumed)
        let from = Int(resumed.dropFirst("/big.pth bytes=".count).dropLast()) ?? -1
        XCTAssertGreaterThan(from, 0)
        XCTAssertLessThanOrEqual(from, 70_000)
    }

    func testMissingFileIsAnHTTPError() throws {
        let server = try LocalHTTPServer(files: [:])
        defer { server.stop() }
        let folder = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = server.baseURL.appendingPathComponent("nothing.pth")
        XCTAssertThrowsError(try ModelDownloader().download(url, to: folder.appendingPathComponent("n.pth"))) { error in
            XCTAssertEqual(error as? DownloadError, .http(url: url.absoluteString, status: 404))
        }
    }
}

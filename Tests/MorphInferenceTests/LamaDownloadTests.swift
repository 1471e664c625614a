import Foundation
import XCTest
import MorphImage
import MorphInference
import TestSupport
import ZIPFoundation

/// Big-LaMa in `morph models`: LaMa publishes it as a zip holding `big-lama/models/best.ckpt`; the download keeps the
/// checkpoint only (atomically), and `--model big-lama` then runs it. Served by a local mirror, never the internet.
final class LamaDownloadTests: XCTestCase {
    /// A zip laid out as LaMa's `big-lama.zip`: `big-lama/config.yaml` and, unless left out, the checkpoint.
    private func lamaZip(at url: URL, checkpoint: Data?) throws -> Data {
        let archive = try Archive(url: url, accessMode: .create)
        var members = [("big-lama/config.yaml", Data("generator:\n  kind: ffc_resnet\n".utf8))]
        if let checkpoint { members.append(("big-lama/models/best.ckpt", checkpoint)) }
        for (path, data) in members {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) {
                position, size in data.subdata(in: Int(position)..<(Int(position) + size))
            }
        }
        return try Data(contentsOf: url)
    }

    func testTheCatalogueNamesLaMasOfficialZip() throws {
        let entry = try XCTUnwrap(ModelCatalogue.entry(named: "big-lama"))
        XCTAssertEqual(entry.task, "inpaint")
        XCTAssertEqual(entry.scale, 1)
        XCTAssertEqual(entry.url, "https://huggingface.co/smartywu/big-lama/resolve/main/big-lama.zip")
        XCTAssertNil(entry.sha256, "LaMa publishes no checksum")
        XCTAssertEqual(entry.fileName, "big-lama.ckpt")
        XCTAssertEqual(ModelCatalogue.entry(named: "big-lama.ckpt")?.name, "big-lama")
    }

    func testBigLamaIsTakenOutOfItsZipAndRunsByName() throws {
        let folder = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let models = folder.appendingPathComponent("models")
        let checkpoint = try Data(contentsOf: PipelineFixtures.url("lama_form_lightning.ckpt"))
        let zip = try lamaZip(at: folder.appendingPathComponent("big-lama.zip"), checkpoint: checkpoint)
        let server = try LocalHTTPServer(files: ["/big-lama.zip": zip])
        defer { server.stop() }
        let environment = ["MORPH_MODELS": models.path, "MORPH_MODELS_MIRROR": server.baseURL.absoluteString]
        let input = PipelineFixtures.url("cli_in_odd.png").path
        let mask = folder.appendingPathComponent("mask.png")
        let holes = (0..<(23 * 19)).map { $0 % 23 > 8 && $0 % 23 < 14 ? UInt8(255) : 0 }
        let image = try holes.withUnsafeBytes { try VipsImage.fromSamples($0, width: 23, height: 19, bands: 1, bitDepth: 8) }
        try ImageWriter.save(image, to: mask)
        let inpaint = ["inpaint", input, "--mask", mask.path, "-o", folder.appendingPathComponent("out.png").path,
                       "--model", "big-lama"]

        let before = try MorphBinary.run(inpaint, environment: environment)
        XCTAssertEqual(before.code, 2)
        XCTAssertEqual(before.err, "morph: big-lama: not downloaded yet (no \(models.path)/big-lama.ckpt); "
            + "fetch it with: morph models download big-lama\n")

        let download = try MorphBinary.run(["models", "download", "big-lama"], environment: environment)
        XCTAssertEqual(download.code, 0, download.err)
        XCTAssertEqual(server.requests, ["/big-lama.zip -"])
        XCTAssertEqual(try Data(contentsOf: models.appendingPathComponent("big-lama.ckpt")), checkpoint)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: models.path), ["big-lama.ckpt"],
                       "the archive and every temporary file are gone")
        XCTAssertTrue(download.err.contains("saved \(models.path)/big-lama.ckpt, models/best.ckpt of big-lama.zip "
            + "(sha256 of the archive \(try SHA256.hexDigest(of: folder.appendingPathComponent("big-lama.zip"))), "
            + "no SHA-256 published; computed)"), download.err)

        let info = try MorphBinary.run(["info", "big-lama"], environment: environment)
        XCTAssertEqual(info.code, 0, info.err)
        XCTAssertTrue(info.out.contains("lama"), info.out)
        let after = try MorphBinary.run(inpaint, environment: environment)
        XCTAssertEqual(after.code, 0, after.err)
        XCTAssertEqual(try PipelineFixtures.samples(folder.appendingPathComponent("out.png")).width, 23)
        let listed = try MorphBinary.run(["models"], environment: environment)
        XCTAssertTrue(listed.out.contains("https://huggingface.co/smartywu/big-lama/resolve/main/big-lama.zip  sha256: not published"),
                      listed.out)
    }

    func testAZipWithoutTheCheckpointLeavesNothing() throws {
        let folder = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let models = folder.appendingPathComponent("models")
        let zip = try lamaZip(at: folder.appendingPathComponent("big-lama.zip"), checkpoint: nil)
        let server = try LocalHTTPServer(files: ["/big-lama.zip": zip])
        defer { server.stop() }
        let result = try MorphBinary.run(["models", "download", "big-lama", "--dir", models.path],
                                         environment: ["MORPH_MODELS_MIRROR": server.baseURL.absoluteString])
        XCTAssertEqual(result.code, 2)
        XCTAssertTrue(result.err.hasSuffix("morph: \(models.path)/big-lama.zip: the archive holds no models/best.ckpt\n"), result.err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: models.path), [])
    }

    /// `--model big-lama` also takes the folder LaMa's README unzips (`big-lama/models/best.ckpt`).
    func testTheUnzippedFolderWorksAsModel() throws {
        let folder = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let inner = folder.appendingPathComponent("big-lama/models")
        try FileManager.default.createDirectory(at: inner, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: PipelineFixtures.url("lama_form_lightning.ckpt"),
                                         to: inner.appendingPathComponent("best.ckpt"))
        let url = try ModelLoader.resolve(folder.appendingPathComponent("big-lama").path)
        XCTAssertEqual(url.path, inner.appendingPathComponent("best.ckpt").path)
        XCTAssertEqual(try ModelLoader.load(url).configuration.name, "lama")
    }
}

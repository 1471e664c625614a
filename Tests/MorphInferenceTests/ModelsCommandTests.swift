import Foundation
import XCTest
import MorphInference
import TestSupport

/// `morph models`, `morph models download` (against a local mirror) and `--model NAME` for downloaded models.
final class ModelsCommandTests: XCTestCase {
    func testModelsListsBuiltinsAndTheCatalogue() throws {
        let folder = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = try MorphBinary.run(["models"], environment: ["MORPH_MODELS": folder.path])
        XCTAssertEqual(text.code, 0, text.err)
        for name in BuiltinModels.names + ModelCatalogue.all.map(\.name) { XCTAssertTrue(text.out.contains(name), name) }
        XCTAssertTrue(text.out.contains("https://github.com/xinntao/Real-ESRGAN/releases/download/v0.1.0/RealESRGAN_x4plus.pth"))
        XCTAssertTrue(text.out.contains("stored in \(folder.path)"))
        let json = try MorphBinary.run(["models", "--json"], environment: ["MORPH_MODELS": folder.path])
        let object = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any]
        XCTAssertEqual((object?["catalogue"] as? [Any])?.count, ModelCatalogue.all.count)
        XCTAssertEqual((object?["builtin"] as? [Any])?.count, BuiltinModels.all.count)
    }

    func testDownloadThenRunByNameAndABadChecksum() throws {
        let folder = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let models = folder.appendingPathComponent("models")
        let checkpoint = try Data(contentsOf: PipelineFixtures.url("cli_srvgg_x4.pth"))
        let server = try LocalHTTPServer(files: ["/realesr-animevideov3.pth": checkpoint, "/RealESRGAN_x4plus.pth": checkpoint])
        defer { server.stop() }
        let environment = ["MORPH_MODELS": models.path, "MORPH_MODELS_MIRROR": server.baseURL.absoluteString]
        let input = PipelineFixtures.url("cli_in_odd.png").path
        let out = folder.appendingPathComponent("out").path

        let before = try MorphBinary.run(["upscale", input, "-o", out, "--model", "realesr-animevideov3"], environment: environment)
        XCTAssertEqual(before.code, 2)
        XCTAssertEqual(before.err, "morph: realesr-animevideov3: not downloaded yet (no \(models.path)/realesr-animevideov3.pth); "
            + "fetch it with: morph models download realesr-animevideov3\n")

        let download = try MorphBinary.run(["models", "download", "realesr-animevideov3"], environment: environment)
        XCTAssertEqual(download.code, 0, download.err)
        XCTAssertEqual(try Data(contentsOf: models.appendingPathComponent("realesr-animevideov3.pth")), checkpoint)
        XCTAssertTrue(download.err.contains("saved \(models.path)/realesr-animevideov3.pth (sha256 "), download.err)

        let after = try MorphBinary.run(["upscale", input, "-o", out, "--model", "realesr-animevideov3.pth"], environment: environment)
        XCTAssertEqual(after.code, 0, after.err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/cli_in_odd.png"))

        let bad = try MorphBinary.run(["models", "download", "RealESRGAN_x4plus", "--dir", folder.appendingPathComponent("other").path,
                                       "--sha256", String(repeating: "ab", count: 32)], environment: environment)
        XCTAssertEqual(bad.code, 2)
        XCTAssertTrue(bad.err.contains("SHA-256 is "), bad.err)
        XCTAssertTrue(bad.err.hasSuffix("the file was removed\n"), bad.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("other/RealESRGAN_x4plus.pth").path))

        let unknown = try MorphBinary.run(["models", "download", "morph-sr-x4"], environment: environment)
        XCTAssertEqual(unknown.code, 2)
        XCTAssertEqual(unknown.err, "morph: morph-sr-x4: not a catalogue model (a built-in model: it ships with Morph); "
            + "morph models lists them\n")
    }
}

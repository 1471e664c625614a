import Foundation
import XCTest
import MorphInference
import TestSupport

/// The command line as a new user meets it: exit codes decided before any file runs, one-line translated errors,
/// honest tiles, `--suffix`, `morph info`'s one set of weights.
final class CLIMessagesTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static func sample(_ path: String) -> String { repository.appendingPathComponent(path).path }

    func testAModelOfTheWrongKindIsExitCode2BeforeAnyFile() throws {
        let out = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: out) }
        let target = out.appendingPathComponent("up").path
        let result = try MorphBinary.run(["upscale", Self.sample("samples/photos"), "-o", target, "--model", "morph-inpaint"])
        XCTAssertEqual(result.code, 2)
        XCTAssertEqual(result.err, "morph: \(Self.sample("models/morph-inpaint.safetensors")): is an inpainting model "
            + "(image + mask in) (ffc_inpaint), not for morph upscale; run it with morph inpaint\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: target), "nothing ran")
        let translate = try MorphBinary.run(["translate", Self.sample("samples/photos"), "-o", target, "--model", "morph-sr-x4"])
        XCTAssertEqual(translate.code, 2)
        XCTAssertTrue(translate.err.hasSuffix("is a super-resolution model (srvgg), not for morph translate; run it with morph upscale\n"),
                      translate.err)
    }

    func testSeveralInputsWithOneOutputFileIsAUsageError() throws {
        let out = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: out) }
        let single = out.appendingPathComponent("single.png").path
        let photos = ["astronaut", "chelsea"].map { Self.sample("samples/photos/\($0).png") }
        let result = try MorphBinary.run(["upscale"] + photos + ["-o", single, "--model", "morph-sr-x4"])
        XCTAssertEqual(result.code, 2)
        XCTAssertEqual(result.err, "morph: -o \(single) names one image file, but 2 inputs were given; give an output folder instead\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: single))
    }

    func testNegativeTileGetsAProperMessage() throws {
        let result = try MorphBinary.run(["upscale", Self.sample("samples/photos"), "-o", "/tmp/none", "--model", "morph-sr-x4",
                                          "--tile", "-1"])
        XCTAssertEqual(result.code, 2)
        XCTAssertTrue(result.err.hasPrefix("morph: --tile must be a number ≥ 0 or 'auto', got '-1'\n"), result.err)
    }

    func testNegativeOutscaleAndDenoiseStrengthGetTheirRangeMessage() throws {
        for (option, message) in [("--outscale", "--outscale must be in (0, 16]"),
                                  ("--denoise-strength", "--denoise-strength must be between 0 and 1")] {
            let result = try MorphBinary.run(["upscale", Self.sample("samples/photos"), "-o", "/tmp/none", "--model",
                                              "morph-sr-x4", option, "-2"])
            XCTAssertEqual(result.code, 2, option)
            XCTAssertTrue(result.err.contains(message), result.err)
            XCTAssertFalse(result.err.contains("Missing value"), result.err)
        }
    }

    /// `--tile 16` is below the exact tile of morph-sr-x4: it is raised (said once, with the numbers) and the output
    /// equals the whole-image output; `--tile-exact off` keeps 16, warns once, and the output differs.
    func testApproximateTilesAreRaisedOnceAndMatchTheWholeImage() throws {
        let out = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: out) }
        let input = Self.sample("samples/photos/astronaut.png")
        func upscale(_ name: String, _ extra: [String]) throws -> (err: String, values: [Int]) {
            let target = out.appendingPathComponent(name).path
            let r = try MorphBinary.run(["upscale", input, "-o", target, "--model", "morph-sr-x4"] + extra)
            XCTAssertEqual(r.code, 0, r.err)
            return (r.err, try PipelineFixtures.samples(URL(fileURLWithPath: target)).values)
        }
        let whole = try upscale("whole.png", ["--tile", "0"])
        let loaded = try ModelLoader.load(ModelLoader.resolve("morph-sr-x4"))
        let radius = try XCTUnwrap(loaded.traits.receptiveFieldRadius)
        let tile = TileExactness.exactTile(radius: radius, multiple: loaded.traits.sizeMultiple)
        XCTAssertGreaterThan(tile, 16)
        XCTAssertLessThan(tile, 160, "the image is still tiled")
        let raised = try upscale("raised.png", ["--tile", "16"])
        let notes = raised.err.split(separator: "\n").filter { $0.hasPrefix("morph: ") }
        XCTAssertEqual(notes, ["morph: --tile 16 would make tiled output differ from the whole image (the model's receptive "
            + "field is \(2 * radius + 1) px); using --tile \(tile), the smallest exact values (--tile-exact off keeps yours)"])
        // Exact up to float rounding (tile and whole-image convolutions sum in different orders): at most one level.
        XCTAssertLessThanOrEqual(zip(raised.values, whole.values).map { abs($0 - $1) }.max() ?? 99, 1)
        let kept = try upscale("kept.png", ["--tile", "16", "--overlap", "2", "--tile-exact", "off"])
        XCTAssertEqual(kept.err.split(separator: "\n").filter { $0.hasPrefix("morph: ") }.count, 1, kept.err)
        XCTAssertTrue(kept.err.contains("morph: warning: --tile 16 --overlap 2 is approximate"), kept.err)
        XCTAssertGreaterThan(zip(kept.values, whole.values).map { abs($0 - $1) }.max() ?? 0, 4)
    }

    func testATileBelowTheSizeMultipleIsAnError() throws {
        let result = try MorphBinary.run(["translate", Self.sample("samples/wallpapers/dune.png"), "-o", "/tmp/none.png",
                                          "--model", "morph-light2dark", "--tile", "2"])
        XCTAssertEqual(result.code, 2)
        XCTAssertEqual(result.err, "morph: --tile 2 is below the model's size multiple 4; use --tile 4 or more, or 0 for the whole image\n")
    }

    func testBlockedOutputAndTruncatedImageAreOneTranslatedLineEach() throws {
        let folder = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let blocker = folder.appendingPathComponent("blocker")
        try Data("x".utf8).write(to: blocker)
        let input = Self.sample("samples/photos/astronaut.png")
        let blocked = try MorphBinary.run(["upscale", input, "-o", blocker.appendingPathComponent("out").path, "--model", "morph-sr-x4"])
        XCTAssertEqual(blocked.code, 1)
        let errors = blocked.err.split(separator: "\n").filter { $0.hasPrefix("morph: ") }
        XCTAssertEqual(errors.count, 1, blocked.err)
        XCTAssertFalse(blocked.err.contains("NSCocoaErrorDomain"), blocked.err)
        XCTAssertTrue(errors.first?.hasPrefix("morph: \(input): ") ?? false, blocked.err)
        XCTAssertTrue(blocked.out.contains("\(input): "), blocked.out)

        let truncated = folder.appendingPathComponent("broken.png")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: input))
        try bytes.prefix(bytes.count / 2).write(to: truncated)
        let result = try MorphBinary.run(["upscale", truncated.path, "-o", folder.appendingPathComponent("o").path,
                                          "--model", "morph-sr-x4"])
        XCTAssertEqual(result.code, 1)
        XCTAssertFalse(result.err.contains("VIPS-WARNING"), result.err)
        for line in result.err.split(separator: "\n") where line.hasPrefix("morph: \(truncated.path)") {
            XCTAssertEqual(line.components(separatedBy: truncated.path).count, 2, "path printed once: \(line)")
        }
        XCTAssertEqual(result.err.split(separator: "\n").filter { $0.hasPrefix("morph: \(truncated.path): ") }.count, 1, result.err)
    }

    func testRecipeMessages() throws {
        let folder = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("nope.yaml").path
        let result = try MorphBinary.run(["run", missing])
        XCTAssertEqual(result.code, 2)
        XCTAssertEqual(result.err, "morph: \(missing): cannot read the recipe: no such file or folder\n")
        let recipe = folder.appendingPathComponent("r.yaml")
        try """
        steps:
          - task: upscale
            model: morph-sr-x4
            input: \(Self.sample("samples/photos"))
            output: out
            tile: 7x
        """.write(to: recipe, atomically: true, encoding: .utf8)
        let tile = try MorphBinary.run(["run", recipe.path])
        XCTAssertEqual(tile.code, 2)
        XCTAssertEqual(tile.err, "morph: \(recipe.path):6:11: --tile must be a number ≥ 0 or 'auto', got '7x'\n")
    }

    func testSuffixNamesOutputsLikeRealESRGAN() throws {
        let out = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try MorphBinary.run(["upscale", Self.sample("samples/photos/chelsea.png"), "-o", out.path,
                                          "--model", "morph-sr-x4", "--suffix", "out"])
        XCTAssertEqual(result.code, 0, result.err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), ["chelsea_out.png"])
    }

    func testInfoCountsOneSetOfWeightsAndNamesTheEMACopy() throws {
        let result = try MorphBinary.run(["info", "morph-sr-x4", "--json"])
        XCTAssertEqual(result.code, 0, result.err)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        // SRVGGNetCompact, 32 features, 8 convs, ×4: conv 3→32 and PReLU, 8 × (conv 32→32 and PReLU), conv 32→48.
        let expected = (32 * 3 * 9 + 32) + 32 + 8 * (32 * 32 * 9 + 32 + 32) + (48 * 32 * 9 + 48)
        XCTAssertEqual(expected, 89_040)
        let loaded = try ModelLoader.load(ModelLoader.resolve("morph-sr-x4"))
        XCTAssertEqual(object["parameters"] as? Int, loaded.model.parameterCount)
        XCTAssertEqual(object["parameters"] as? Int, expected)
        XCTAssertTrue((object["ema"] as? String)?.hasPrefix("params_ema") ?? false, result.out)
    }
}

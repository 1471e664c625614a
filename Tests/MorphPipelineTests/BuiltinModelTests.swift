import Foundation
import XCTest
import MorphImage
@testable import MorphPipeline
import MorphRecipes

/// Built-in model names: resolution from the repository, `$MORPH_MODELS`, unknown names, and what the shipped
/// models do on images they were not trained on.
final class BuiltinModelTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func testEveryBuiltinIsShippedAndLoads() throws {
        XCTAssertFalse(BuiltinModels.all.isEmpty)
        for entry in BuiltinModels.all {
            let url = try ModelLoader.resolve(entry.name)
            XCTAssertEqual(url.standardizedFileURL.path,
                           Self.repository.appendingPathComponent("models/\(entry.name).safetensors").standardizedFileURL.path)
            let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0
            XCTAssertLessThan(size, 4 << 20, "\(entry.name) stays small")
            let loaded = try ModelLoader.load(url)
            XCTAssertEqual(loaded.traits.role, .generator)
        }
    }

    func testUnknownNamesListTheBuiltinsAndPathsStayPaths() {
        XCTAssertThrowsError(try ModelLoader.resolve("morph-zebra")) { error in
            XCTAssertEqual("\(error)", "morph-zebra: no such checkpoint file or folder, and not a built-in model (built-ins: "
                + BuiltinModels.names.joined(separator: ", ") + ")")
        }
        XCTAssertThrowsError(try ModelLoader.resolve("nowhere/model.pth")) { error in
            XCTAssertEqual("\(error)", "nowhere/model.pth: no such checkpoint file or folder")
        }
        XCTAssertTrue(BuiltinModels.looksLikeName("morph-sr-x4"))
        XCTAssertFalse(BuiltinModels.looksLikeName("model.safetensors"))
        XCTAssertFalse(BuiltinModels.looksLikeName("runs/h2z"))
    }

    func testMorphModelsFolderOverridesTheRepository() throws {
        let folder = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let name = BuiltinModels.names[0]
        XCTAssertThrowsError(try BuiltinModels.locate(name, environment: ["MORPH_MODELS": folder.path])) { error in
            XCTAssertTrue("\(error)".contains("is not in $MORPH_MODELS"), "\(error)")
        }
        let copy = folder.appendingPathComponent("\(name).safetensors")
        try FileManager.default.copyItem(at: try BuiltinModels.locate(name), to: copy)
        XCTAssertEqual(try BuiltinModels.locate(name, environment: ["MORPH_MODELS": folder.path]), copy)
        XCTAssertNotNil(RepositoryFiles.locate("models/\(name).safetensors", executable: "/nonexistent/bin/morph"),
                        "found from the current folder too")
    }

    /// morph-light2dark on the two held-out artworks (wood, dune): its output is darker than the input and closer to
    /// the true dark variant than the light input is (when trained: wood 13.4 dB against 8.7, dune 11.0 against 9.0).
    func testLight2DarkMovesHeldOutWallpapersTowardsTheirDarkVariants() throws {
        let out = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try PipelineFixtures.runMorph(["translate", Self.repository.appendingPathComponent("samples/wallpapers").path,
                                                    "-o", out.path, "--model", "morph-light2dark"])
        XCTAssertEqual(result.code, 0, result.err)
        for name in ["wood", "dune"] {
            let dark = Self.repository.appendingPathComponent("Tests/Fixtures/light2dark/\(name)-dark.png")
            let light = Self.repository.appendingPathComponent("samples/wallpapers/\(name).png")
            let identity = try ImageMetrics.compare(reference: dark, test: light).psnr
            let model = try ImageMetrics.compare(reference: dark, test: out.appendingPathComponent("\(name).png")).psnr
            XCTAssertGreaterThan(model, identity + 1.5, "\(name): model \(model) dB, light input \(identity) dB")
            let input = try PipelineFixtures.samples(light).values, output = try PipelineFixtures.samples(out.appendingPathComponent("\(name).png")).values
            let meanIn = Double(input.reduce(0, +)) / Double(input.count), meanOut = Double(output.reduce(0, +)) / Double(output.count)
            XCTAssertLessThan(meanOut, 0.6 * meanIn, "\(name): mean level \(meanOut) from \(meanIn)")
        }
    }
}

import Foundation
import XCTest
import MorphInference
import MorphRecipes
import TestSupport

/// Every recipe shipped in `recipes/` parses, names what it needs, and fails in one line when a checkpoint is missing.
final class RecipeFilesTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("recipes")

    func recipeFiles() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: Self.folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }.sorted { $0.path < $1.path }
    }

    func testEveryShippedRecipeParses() throws {
        let files = try recipeFiles()
        XCTAssertGreaterThanOrEqual(files.count, 9)
        for file in files {
            let recipe = try RecipeRunner.load(file, checkFiles: false)
            XCTAssertFalse(recipe.steps.isEmpty, file.lastPathComponent)
            for step in recipe.steps where step.task != .train {
                let model = try XCTUnwrap(step.model, file.lastPathComponent)
                let runFolders = recipe.steps.filter { $0.task == .train }.map(\.output.path)
                XCTAssertTrue(BuiltinModels.isBuiltin(model) || ModelCatalogue.entry(named: model) != nil
                                  || ModelLoader.extensions.contains(URL(fileURLWithPath: model).pathExtension)
                                  || runFolders.contains(model),
                              "\(file.lastPathComponent): \(model)")
            }
        }
    }

    func testZooRecipesNameCatalogueModelsAndDryRunBeforeTheDownload() throws {
        let expected = [
            "horse2zebra.yaml": "horse2zebra",
            "monet2photo.yaml": "monet2photo",
            "summer2winter.yaml": "summer2winter_yosemite",
            "facades-label2photo.yaml": "pix2pix_facades_label2photo",
            "realesrgan-x4plus.yaml": "RealESRGAN_x4plus",
            "realesr-general-x4v3.yaml": "realesr-general-x4v3",
        ]
        let scratch = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let photos = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("samples/photos")
        let environment = ["MORPH_MODELS": scratch.appendingPathComponent("empty").path]
        for (name, model) in expected {
            let file = Self.folder.appendingPathComponent(name)
            let recipe = try RecipeRunner.load(file, input: photos)
            XCTAssertEqual(recipe.steps[0].model, model, name)
            XCTAssertNotNil(ModelCatalogue.entry(named: model), name)
            // Not downloaded: the dry run lists the files and says which command fetches the model, exit code 0.
            let dry = try MorphBinary.run(["run", file.path, "--input", photos.path, "--output",
                                           scratch.appendingPathComponent("out").path, "--dry-run"], environment: environment)
            XCTAssertEqual(dry.code, 0, "\(name): \(dry.err)")
            XCTAssertTrue(dry.out.contains("fetch it with: morph models download \(model)"), "\(name): \(dry.out)")
            XCTAssertTrue(dry.out.contains("astronaut.png -> "), dry.out)
            // The real run stops before any file with the same one line, exit code 2.
            let real = try MorphBinary.run(["run", file.path, "--input", photos.path, "--output",
                                            scratch.appendingPathComponent("out").path], environment: environment)
            XCTAssertEqual(real.code, 2, name)
            XCTAssertTrue(real.err.hasSuffix("fetch it with: morph models download \(model)\n"), real.err)
        }
    }
}

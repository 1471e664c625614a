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
                XCTAssertTrue(BuiltinModels.isBuiltin(model)
                                  || ModelLoader.extensions.contains(URL(fileURLWithPath: model).pathExtension)
                                  || runFolders.contains(model),
                              "\(file.lastPathComponent): \(model)")
            }
        }
    }

    func testZooRecipesNameTheCheckpointFileTheyExpect() throws {
        let expected = [
            "horse2zebra.yaml": "checkpoints/horse2zebra/latest_net_G_A.pth",
            "monet2photo.yaml": "checkpoints/monet2photo/latest_net_G_A.pth",
            "summer2winter.yaml": "checkpoints/summer2winter_yosemite/latest_net_G_A.pth",
            "facades-label2photo.yaml": "checkpoints/facades_label2photo/latest_net_G.pth",
            "realesrgan-x4plus.yaml": "checkpoints/realesrgan/RealESRGAN_x4plus.pth",
            "realesr-general-x4v3.yaml": "checkpoints/realesrgan/realesr-general-x4v3.pth",
        ]
        let photos = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: photos) }
        for (name, checkpoint) in expected {
            let file = Self.folder.appendingPathComponent(name)
            let recipe = try RecipeRunner.load(file, checkFiles: false)
            XCTAssertEqual(recipe.steps[0].model, Self.folder.deletingLastPathComponent().appendingPathComponent(checkpoint).path, name)
            // With file checks on and the checkpoint absent: one line, at the model's line, naming the file.
            XCTAssertThrowsError(try RecipeRunner.load(file, input: photos)) { error in
                let e = error as! RecipeError
                XCTAssertEqual(e.issues.count, 1, "\(name): \(e)")
                XCTAssertFalse(e.description.contains("\n"))
                XCTAssertTrue(e.description.hasPrefix(file.path + ":"), e.description)
                XCTAssertTrue(e.description.contains(checkpoint), e.description)
                let text = try? String(contentsOf: file, encoding: .utf8)
                let line = text?.split(separator: "\n", omittingEmptySubsequences: false)[e.issues[0].line - 1] ?? ""
                XCTAssertTrue(line.contains("model: "), "\(name): line \(e.issues[0].line) is '\(line)'")
            }
        }
    }
}

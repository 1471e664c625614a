import Foundation
import XCTest
import TestSupport

/// A recipe step and its command given the same options write the same bytes: the options reach the run.
final class RecipeStepMatchesCommandTests: XCTestCase {
    func testTranslateStepWithQualityLoadSizeAndFormatWritesWhatTheCommandWrites() throws {
        let dir = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: PipelineFixtures.url("cli_in_rgb.png"), to: input.appendingPathComponent("a.png"))
        let model = PipelineFixtures.url("cli_resnet_in.pth").path
        let options = ["--format", "jpg", "--quality", "40", "--load-size", "20", "--seed", "3", "--tile", "0"]
        let command = try PipelineFixtures.runMorph(["translate", input.path, "-o", dir.appendingPathComponent("cli").path,
                                                     "--model", model] + options)
        XCTAssertEqual(command.code, 0, command.err)
        let recipe = dir.appendingPathComponent("r.yaml")
        try """
        task: translate
        model: \(model)
        input: in
        output: recipe
        format: jpg
        quality: 40
        load-size: 20
        seed: 3
        tile: 0
        """.write(to: recipe, atomically: true, encoding: .utf8)
        let run = try PipelineFixtures.runMorph(["run", recipe.path])
        XCTAssertEqual(run.code, 0, run.err)
        let fromCommand = try Data(contentsOf: dir.appendingPathComponent("cli/a.jpg"))
        let fromRecipe = try Data(contentsOf: dir.appendingPathComponent("recipe/a.jpg"))
        XCTAssertEqual(fromRecipe, fromCommand)
        let width = try PipelineFixtures.samples(dir.appendingPathComponent("recipe/a.jpg")).width
        XCTAssertEqual(width, 20, "load-size reached the recipe's run")
        // The default quality writes other bytes, so the step's quality was applied.
        let plain = try PipelineFixtures.runMorph(["translate", input.path, "-o", dir.appendingPathComponent("q92").path,
                                                   "--model", model, "--format", "jpg", "--load-size", "20", "--tile", "0"])
        XCTAssertEqual(plain.code, 0, plain.err)
        XCTAssertNotEqual(try Data(contentsOf: dir.appendingPathComponent("q92/a.jpg")), fromRecipe)
    }
}

/// Ctrl-C during a recipe's train step saves the checkpoint, stops the recipe and exits with 130, as `morph train` does.
final class RecipeInterruptTests: XCTestCase {
    func testInterruptedTrainStepStopsTheRecipeWith130() throws {
        let dir = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("pairs/train")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for name in ["p1.png", "p2.png"] {
            try FileManager.default.copyItem(at: PipelineFixtures.url("cli_in_rgb.png"), to: data.appendingPathComponent(name))
        }
        let recipe = dir.appendingPathComponent("r.yaml")
        try """
        steps:
          - task: train
            kind: pix2pix
            input: pairs
            output: run
            options: {net-g: resnet_6blocks, ngf: 4, ndf: 4, norm: instance, load-size: 32, crop-size: 32}
          - task: translate
            model: run
            input: pairs/train
            output: out
        """.write(to: recipe, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = MorphBinary.url
        process.arguments = ["run", recipe.path]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let log = dir.appendingPathComponent("run/log.csv")
        for _ in 0..<1200 {
            if ((try? String(contentsOf: log, encoding: .utf8))?.split(separator: "\n").count ?? 0) >= 3 { break }
            usleep(50_000)
        }
        process.interrupt()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit, message)
        XCTAssertEqual(process.terminationStatus, 130, message)
        XCTAssertTrue(message.contains("stopped at iteration"), message)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("run/checkpoints/latest").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path),
                       "the steps after the interrupted one do not run")
    }
}

import Foundation
import XCTest
import TestSupport

/// A misspelled option or command is one line with a "did you mean", exit code 2, before the command's own checks
/// (which would otherwise complain about what the misspelled option was meant to give).
final class MisspellingTests: XCTestCase {
    func testAMisspelledTrainOptionIsOneLineWithDidYouMean() throws {
        let out = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: out) }
        let run = out.appendingPathComponent("run").path
        let lamda = try MorphBinary.run(["train", "cyclegan", "--data", out.path, "--out", run, "--lamda-A", "5"])
        XCTAssertEqual(lamda.code, 2)
        XCTAssertEqual(lamda.err, "morph: unknown option '--lamda-A' (did you mean '--lambda-a'?)\n")
        // The reference's spelling finds ours; a misspelled --data is named, not "a new run needs --data".
        let reference = try MorphBinary.run(["train", "pix2pix", "--dat", out.path, "--out", run, "--lambda_L1", "50"])
        XCTAssertEqual(reference.err, "morph: unknown option '--dat' (did you mean '--data'?)\n")
        let sr = try MorphBinary.run(["train", "sr", "--out", run, "--data", out.path, "--scael=4"])
        XCTAssertEqual(sr.code, 2)
        XCTAssertEqual(sr.err, "morph: unknown option '--scael' (did you mean '--scale'?)\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: run), "nothing ran")
    }

    func testOtherCommandsAndCommandNamesGetTheSameLine() throws {
        let cases: [([String], String)] = [
            (["upscale", "in.png", "-o", "out", "--model", "morph-sr-x4", "--tiel", "64"],
             "unknown option '--tiel' (did you mean '--tile'?)"),
            (["translate", "in.png", "-o", "out", "--model", "m", "--zzzzzz"],
             "unknown option '--zzzzzz' (morph translate --help lists the options)"),
            (["upsacle", "in.png"], "unknown command 'upsacle' (did you mean 'upscale'?)"),
            (["train", "cyclgan", "--out", "x"], "unknown command 'cyclgan' (did you mean 'cyclegan'?)"),
            (["models", "downlaod", "x"], "unknown command 'downlaod' (did you mean 'download'?)"),
            (["models", "--jsn"], "unknown option '--jsn' (did you mean '--json'?)"),
            (["frobnicate"], "unknown command 'frobnicate' (morph --help lists the commands)"),
            (["upscale", "in.png", "-O", "out", "--model", "morph-sr-x4"], "unknown option '-O' (did you mean '-o'?)"),
            (["upscale", "in.png", "-x", "-o", "out"], "unknown option '-x' (morph upscale --help lists the options)"),
            // ArgumentParser's own usage errors are one line too, without the usage block.
            (["translate"], "Missing expected argument '<inputs> ...'"),
        ]
        for (arguments, line) in cases {
            let result = try MorphBinary.run(arguments)
            XCTAssertEqual(result.code, 2, arguments.joined(separator: " "))
            XCTAssertEqual(result.err, "morph: \(line)\n")
        }
        // What looks like an option but is the value of one is left to that option; after `--`, nothing is an option.
        let value = try MorphBinary.run(["upscale", "in.png", "-o", "out", "--model", "morph-sr-x4", "--tile", "--x"])
        XCTAssertEqual(value.err, "morph: --tile must be a number ≥ 0 or 'auto', got '--x'\n")
        XCTAssertEqual(try MorphBinary.run(["help", "translate"]).code, 0)
        XCTAssertEqual(try MorphBinary.run(["translate", "-h"]).code, 0)
        // A negative number is a value, not an option.
        let negative = try MorphBinary.run(["upscale", "in.png", "-o", "out", "--model", "morph-sr-x4", "--outscale", "-2"])
        XCTAssertFalse(negative.err.contains("unknown option"), negative.err)
    }

    func testARecipeTrainStepWithAMisspelledOptionGetsDidYouMean() throws {
        let folder = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        for side in ["trainA", "trainB"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("data/\(side)"), withIntermediateDirectories: true)
        }
        let recipe = folder.appendingPathComponent("train.yaml")
        try """
        steps:
          - task: train
            kind: cyclegan
            input: data
            output: run
            options:
              lamda-A: 5
        """.write(to: recipe, atomically: true, encoding: .utf8)
        for arguments in [["run", recipe.path, "--dry-run"], ["run", recipe.path]] {
            let result = try MorphBinary.run(arguments)
            XCTAssertEqual(result.code, 2)
            XCTAssertEqual(result.err, "morph: \(recipe.path):7:7: options: --lamda-A is not an option of morph train cyclegan "
                + "(did you mean 'lambda-a'?)\n")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("run").path))
    }
}

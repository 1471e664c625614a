import Foundation
import XCTest
import MorphCheckpoint
import MorphImage
import MorphInference
import TestSupport

/// `morph train sr` and `morph train inpaint` as a user runs them, then `morph upscale --model RUN`.
final class TrainSREndToEndTests: XCTestCase {
    func testTrainSRThenUpscaleWithTheRunFolder() throws {
        let dir = try PipelineFixtures.scratch()
        let data = dir.appendingPathComponent("hr")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: PipelineFixtures.url("photos/chelsea_crop.png"), to: data.appendingPathComponent("cat.png"))
        let run = dir.appendingPathComponent("run")
        let common = ["--data", data.path, "--out", run.path, "--arch", "srvgg", "--gt-size", "32", "--num-feat", "8",
                      "--num-conv", "1", "--batch-size", "2", "--crops-per-epoch", "4", "--display-freq", "2"]
        let train = try PipelineFixtures.runMorph(["train", "sr"] + common + ["--scale", "2", "--max-steps", "3"])
        XCTAssertEqual(train.code, 0, train.err)
        XCTAssertTrue(train.err.contains("perceptual term is off"), train.err)

        // The run folder resolves to checkpoints/latest_net_G.safetensors, whose params_ema half is loaded.
        let out = dir.appendingPathComponent("up.png")
        let up = try PipelineFixtures.runMorph(["upscale", PipelineFixtures.url("cli_in_rgb.png").path, "-o", out.path,
                                                "--model", run.path])
        XCTAssertEqual(up.code, 0, up.err)
        let input = try PipelineFixtures.samples(PipelineFixtures.url("cli_in_rgb.png"))
        let output = try PipelineFixtures.samples(out)
        XCTAssertEqual(output.width, 2 * input.width)
        XCTAssertEqual(output.height, 2 * input.height)
        let file = run.appendingPathComponent("checkpoints/latest_net_G.safetensors")
        XCTAssertEqual(try ModelLoader.resolve(run.path), file)
        let loaded = try ModelLoader.load(file)
        let raw = Dictionary(uniqueKeysWithValues: try Checkpoint.load(contentsOf: file).tensors.map { ($0.0, $0.1.values) })
        for (key, t) in loaded.model.stateDict() {
            XCTAssertEqual(t.values, raw["params_ema." + key], "loads params_ema.\(key)")
        }

        // Resuming with another scale, and a VGG file that is not VGG19: exit 2, one line naming the file.
        let resume = try PipelineFixtures.runMorph(["train", "sr", "--out", run.path, "--resume", "--scale", "4", "--max-steps", "4"])
        XCTAssertEqual(resume.code, 2)
        XCTAssertEqual(resume.err, "morph: \(file.path): was trained at ×2, but --scale asks for ×4; resume without --scale "
                       + "or start a new run\n")
        let vgg = PipelineFixtures.url("vgg16_tiny.pth")
        let badVGG = try PipelineFixtures.runMorph(["train", "sr"] + common + ["--out", dir.appendingPathComponent("run2").path,
                                                                               "--vgg", vgg.path, "--max-steps", "1"])
        XCTAssertEqual(badVGG.code, 2)
        XCTAssertEqual(badVGG.err.split(separator: "\n").count, 1, badVGG.err)
        XCTAssertTrue(badVGG.err.contains(vgg.path) && badVGG.err.contains("VGG19"), badVGG.err)
        // A plain resume continues.
        let cont = try PipelineFixtures.runMorph(["train", "sr", "--out", run.path, "--resume", "--max-steps", "4"])
        XCTAssertEqual(cont.code, 0, cont.err)
    }

    func testTrainInpaintWritesAReportAndALoadableGenerator() throws {
        let dir = try PipelineFixtures.scratch()
        let data = dir.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: PipelineFixtures.url("photos/chelsea_crop.png"), to: data.appendingPathComponent("cat.png"))
        let run = dir.appendingPathComponent("run")
        let train = try PipelineFixtures.runMorph(["train", "inpaint", "--data", data.path, "--out", run.path, "--crop-size", "32",
                                                   "--cnum", "4", "--ndf", "4", "--d-layers", "3", "--mask-kind", "free_form",
                                                   "--crops-per-epoch", "2", "--max-steps", "3", "--display-freq", "3"])
        XCTAssertEqual(train.code, 0, train.err)
        let report = try String(contentsOf: run.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertTrue(report.contains("alt=\"composite\""))
        let loaded = try ModelLoader.load(try ModelLoader.resolve(run.path))
        XCTAssertEqual(loaded.configuration.name, "gated_inpaint")
    }

    /// `--net-g ffc`: a tiny FFC run trains, checkpoints, resumes from its checkpoint and inpaints with the run folder.
    func testTrainFFCInpaintResumesAndInpaints() throws {
        let dir = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: PipelineFixtures.url("photos/chelsea_crop.png"), to: data.appendingPathComponent("cat.png"))
        let run = dir.appendingPathComponent("run")
        let train = try PipelineFixtures.runMorph(["train", "inpaint", "--data", data.path, "--out", run.path, "--net-g", "ffc",
                                                   "--ngf", "4", "--n-blocks", "1", "--crop-size", "32", "--batch-size", "2",
                                                   "--lambda-gan", "0", "--crops-per-epoch", "4", "--max-steps", "3",
                                                   "--display-freq", "3"])
        XCTAssertEqual(train.code, 0, train.err)
        let file = try ModelLoader.resolve(run.path)
        let first = try ModelLoader.load(file)
        XCTAssertEqual(first.configuration.name, "ffc_inpaint")
        XCTAssertEqual(first.configuration.options["ngf"], .int(4))
        XCTAssertEqual(first.configuration.options["n_blocks"], .int(1))
        let config = try String(contentsOf: run.appendingPathComponent("config.json"), encoding: .utf8)
        XCTAssertTrue(config.contains("\"net_g\" : \"ffc\""), config)

        let resume = try PipelineFixtures.runMorph(["train", "inpaint", "--out", run.path, "--resume", "--max-steps", "5"])
        XCTAssertEqual(resume.code, 0, resume.err)
        let log = try String(contentsOf: run.appendingPathComponent("log.csv"), encoding: .utf8)
        XCTAssertEqual(log.split(separator: "\n").dropFirst().compactMap { Int($0.split(separator: ",")[0]) }.max(), 5, log)
        let second = try ModelLoader.load(try ModelLoader.resolve(run.path))
        XCTAssertEqual(second.configuration.name, "ffc_inpaint")
        let before = Dictionary(uniqueKeysWithValues: first.model.stateDict().map { ($0.0, $0.1.values) })
        XCTAssertTrue(second.model.stateDict().contains { before[$0.0] != $0.1.values }, "two more steps changed the weights")

        // The run folder inpaints: pixels outside the hole are the input's, the hole is filled.
        let image = PipelineFixtures.url("photos/chelsea_crop.png")
        let source = try PipelineFixtures.samples(image)
        var mask = [UInt8](repeating: 0, count: source.width * source.height)
        for y in 10..<30 { for x in 12..<40 { mask[y * source.width + x] = 255 } }
        let maskURL = dir.appendingPathComponent("mask.png")
        let maskImage = try mask.withUnsafeBytes {
            try VipsImage.fromSamples($0, width: source.width, height: source.height, bands: 1, bitDepth: 8)
        }
        try ImageWriter.save(maskImage, to: maskURL)
        let out = dir.appendingPathComponent("filled.png")
        let inpaint = try PipelineFixtures.runMorph(["inpaint", image.path, "--mask", maskURL.path, "-o", out.path, "--model", run.path])
        XCTAssertEqual(inpaint.code, 0, inpaint.err)
        let result = try PipelineFixtures.samples(out)
        XCTAssertEqual([result.width, result.height, result.bands], [source.width, source.height, source.bands])
        var changed = 0
        for i in 0..<(source.width * source.height) {
            for b in 0..<source.bands where result.values[i * source.bands + b] != source.values[i * source.bands + b] {
                XCTAssertEqual(mask[i], 255, "pixel \(i) outside the hole changed")
                changed += 1
            }
        }
        XCTAssertGreaterThan(changed, 0)
    }
}

import Foundation
import XCTest
import MorphInference
import TestSupport

/// Every small generator, loaded from real `torch.save` files (zip and legacy, fp16, wrapped, `module.`),
/// run through the image pipeline and compared with the PNGs PyTorch wrote (Tests/Fixtures/gen/cli.py).
final class PyTorchParityTests: XCTestCase {
    struct Case {
        let checkpoint: String
        let input: String
        let expected: String
        let task: ImageTask
        var options: [String: String] = [:]
    }

    static let cases: [Case] = [
        Case(checkpoint: "cli_resnet_in.pth", input: "cli_in_odd.png", expected: "cli_out_resnet_in_odd.png",
             task: .translate(eval: false, seed: 0)),
        Case(checkpoint: "cli_resnet_in_legacy.pth", input: "cli_in_rgb.png", expected: "cli_out_resnet_in_rgb.png",
             task: .translate(eval: true, seed: 0)),
        Case(checkpoint: "cli_unet_bn.pth", input: "cli_in_odd.png", expected: "cli_out_unet_bn_odd_eval.png",
             task: .translate(eval: true, seed: 0)),
        // Train mode (batch statistics); the PyTorch model has no dropout, so neither may ours.
        Case(checkpoint: "cli_unet_bn_legacy.pth", input: "cli_in_odd.png", expected: "cli_out_unet_bn_odd_train.png",
             task: .translate(eval: false, seed: 0), options: ["use_dropout": "false"]),
        Case(checkpoint: "cli_rrdb_x4.pth", input: "cli_in_rgb.png", expected: "cli_out_rrdb_x4_rgb.png",
             task: .upscale(outscale: nil)),
        Case(checkpoint: "cli_rrdb_x4_legacy.pth", input: "cli_in_rgb.png", expected: "cli_out_rrdb_x4_rgb.png",
             task: .upscale(outscale: nil)),
        Case(checkpoint: "cli_rrdb_x2.pth", input: "cli_in_odd.png", expected: "cli_out_rrdb_x2_odd.png",
             task: .upscale(outscale: nil)),
        Case(checkpoint: "cli_rrdb_x2_legacy.pth", input: "cli_in_odd.png", expected: "cli_out_rrdb_x2_odd.png",
             task: .upscale(outscale: nil)),
        Case(checkpoint: "cli_srvgg_x4.pth", input: "cli_in_odd.png", expected: "cli_out_srvgg_x4_odd.png",
             task: .upscale(outscale: nil)),
        Case(checkpoint: "cli_srresnet_x4.pth", input: "cli_in_rgb.png", expected: "cli_out_srresnet_x4_rgb.png",
             task: .upscale(outscale: nil)),
        Case(checkpoint: "cli_srresnet_x4_legacy.pth", input: "cli_in_rgb.png", expected: "cli_out_srresnet_x4_rgb.png",
             task: .upscale(outscale: nil)),
    ]

    func testOutputsMatchPyTorchWithinOneLevel() throws {
        let dir = try PipelineFixtures.scratch()
        for (i, c) in Self.cases.enumerated() {
            let model = try ModelLoader.load(PipelineFixtures.url(c.checkpoint), options: c.options)
            let output = dir.appendingPathComponent("\(i)_\(c.expected)")
            let job = BatchJob(input: PipelineFixtures.url(c.input), output: output)
            try ImagePipeline.process(job, model: model, task: c.task, options: ImageRunOptions())
            try PipelineFixtures.assertImagesClose(output, PipelineFixtures.url(c.expected))
        }
    }

    func testFloat32LegacyCopyOfTheFloat16ModelIsWithinOneLevel() throws {
        let dir = try PipelineFixtures.scratch()
        let model = try ModelLoader.load(PipelineFixtures.url("cli_srvgg_x4_legacy.pth"))
        let output = dir.appendingPathComponent("srvgg.png")
        try ImagePipeline.process(BatchJob(input: PipelineFixtures.url("cli_in_odd.png"), output: output), model: model,
                                  task: .upscale(outscale: nil), options: ImageRunOptions())
        try PipelineFixtures.assertImagesClose(output, PipelineFixtures.url("cli_out_srvgg_x4_odd.png"), fraction: 0.99)
    }

    func testTrainModeDiffersFromEvalForBatchNorm() throws {
        // Guards the parity test above: the two expected images are really different.
        let train = try PipelineFixtures.samples(PipelineFixtures.url("cli_out_unet_bn_odd_train.png"))
        let eval = try PipelineFixtures.samples(PipelineFixtures.url("cli_out_unet_bn_odd_eval.png"))
        let differing = zip(train.values, eval.values).filter { abs($0 - $1) > 1 }.count
        XCTAssertGreaterThan(differing, train.values.count / 10)
    }

    func testOddSizesComeOutAtTheInputSizeTimesScale() throws {
        let dir = try PipelineFixtures.scratch()
        let model = try ModelLoader.load(PipelineFixtures.url("cli_rrdb_x2.pth"))
        let output = dir.appendingPathComponent("x2.png")
        try ImagePipeline.process(BatchJob(input: PipelineFixtures.url("cli_in_odd.png"), output: output), model: model,
                                  task: .upscale(outscale: nil), options: ImageRunOptions())
        let s = try PipelineFixtures.samples(output)
        XCTAssertEqual([s.width, s.height], [46, 38])
        let scaled = dir.appendingPathComponent("x3.png")
        try ImagePipeline.process(BatchJob(input: PipelineFixtures.url("cli_in_odd.png"), output: scaled), model: model,
                                  task: .upscale(outscale: 3), options: ImageRunOptions())
        let t = try PipelineFixtures.samples(scaled)
        XCTAssertEqual([t.width, t.height], [69, 57])
    }
}

import Foundation
import XCTest
import MorphCheckpoint
import MorphModels
import MorphInference
import MorphTensor
import TestSupport

/// Train/eval behaviour with dropout and seeds, and checkpoints of the wrong kind.
final class ModeAndKindTests: XCTestCase {
    /// Writes a registry model's weights as safetensors with Morph's metadata.
    func write(_ name: String, options: [String: String], to url: URL) throws {
        let architecture = ArchitectureConfiguration(name: name, parsing: options)
        let model = try ArchitectureRegistry.build(architecture, seed: 3)
        try SafeTensors.write(model.stateDict(), metadata: architecture.metadata, to: url)
    }

    func testSeedControlsDropoutInTrainModeAndEvalIgnoresIt() throws {
        let dir = try PipelineFixtures.scratch()
        let ckpt = dir.appendingPathComponent("dropout.safetensors")
        try write("resnet_9blocks", options: ["ngf": "4", "n_blocks": "2", "use_dropout": "true"], to: ckpt)
        let model = try ModelLoader.load(ckpt)
        func translate(_ task: ImageTask, _ name: String) throws -> [Int] {
            let out = dir.appendingPathComponent(name + ".png")
            try ImagePipeline.process(BatchJob(input: PipelineFixtures.url("cli_in_rgb.png"), output: out), model: model,
                                      task: task, options: ImageRunOptions())
            return try PipelineFixtures.samples(out).values
        }
        let a = try translate(.translate(eval: false, seed: 1), "a")
        let b = try translate(.translate(eval: false, seed: 1), "b")
        let c = try translate(.translate(eval: false, seed: 2), "c")
        XCTAssertEqual(a, b, "the same seed gives the same dropout masks")
        XCTAssertNotEqual(a, c, "another seed gives other masks")
        let e1 = try translate(.translate(eval: true, seed: 1), "e1")
        let e2 = try translate(.translate(eval: true, seed: 2), "e2")
        XCTAssertEqual(e1, e2, "eval mode has no dropout")
        XCTAssertNotEqual(e1, a)
    }

    func testDiscriminatorCheckpointIsRefusedForTranslation() throws {
        let dir = try PipelineFixtures.scratch()
        let ckpt = dir.appendingPathComponent("d.safetensors")
        try write("basic", options: ["ndf": "4"], to: ckpt)
        let runner = ImageCommandRunner(inputs: [PipelineFixtures.url("cli_in_rgb.png").path],
                                        output: dir.appendingPathComponent("o.png").path, model: ckpt.path,
                                        task: .translate(eval: true, seed: 0), options: ImageRunOptions())
        XCTAssertThrowsError(try runner.prepare()) { error in
            XCTAssertTrue("\(error)".hasPrefix(ckpt.path + ": "), "\(error)")
            XCTAssertTrue("\(error)".contains("discriminator"), "\(error)")
        }
    }
}

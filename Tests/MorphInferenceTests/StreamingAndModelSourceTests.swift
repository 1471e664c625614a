import Foundation
import XCTest
import MorphInference
import TestSupport

/// Huge-image streaming for norm-free models, and `--model` run folders.
final class StreamingAndModelSourceTests: XCTestCase {
    func testStreamedUpscaleMatchesTheInMemoryResult() throws {
        let dir = try PipelineFixtures.scratch()
        let model = try ModelLoader.load(PipelineFixtures.url("cli_srvgg_x4.pth"))
        let input = PipelineFixtures.url("cli_in_odd.png")
        let inference = InferenceOptions(tile: .size(12), overlap: 6)
        let memory = dir.appendingPathComponent("memory.png"), streamed = dir.appendingPathComponent("streamed.png")
        try ImagePipeline.process(BatchJob(input: input, output: memory), model: model, task: .upscale(outscale: nil),
                                  options: ImageRunOptions(inference: inference, streamingPixels: Int.max))
        try ImagePipeline.process(BatchJob(input: input, output: streamed), model: model, task: .upscale(outscale: nil),
                                  options: ImageRunOptions(inference: inference, streamingPixels: 0))
        let a = try PipelineFixtures.samples(memory), b = try PipelineFixtures.samples(streamed)
        XCTAssertEqual([b.width, b.height, b.bands], [92, 76, 3])
        let worst = zip(a.values, b.values).map { abs($0 - $1) }.max() ?? 99
        XCTAssertLessThanOrEqual(worst, 1)
    }

    func testRunFolderPicksTheGeneratorByDirection() throws {
        let dir = try PipelineFixtures.scratch()
        let fm = FileManager.default
        try fm.copyItem(at: PipelineFixtures.url("cli_resnet_in.pth"), to: dir.appendingPathComponent("latest_net_G_A.pth"))
        try fm.copyItem(at: PipelineFixtures.url("cli_resnet_in.pth"), to: dir.appendingPathComponent("latest_net_G_B.pth"))
        try fm.copyItem(at: PipelineFixtures.url("cli_resnet_in.pth"), to: dir.appendingPathComponent("5_net_G_B.pth"))
        XCTAssertEqual(try ModelLoader.resolve(dir.path, direction: .aToB).lastPathComponent, "latest_net_G_A.pth")
        XCTAssertEqual(try ModelLoader.resolve(dir.path, direction: .bToA).lastPathComponent, "latest_net_G_B.pth")
        let empty = try PipelineFixtures.scratch("empty")
        XCTAssertThrowsError(try ModelLoader.resolve(empty.path))
        XCTAssertThrowsError(try ModelLoader.resolve(empty.appendingPathComponent("nope.pth").path))
    }
}

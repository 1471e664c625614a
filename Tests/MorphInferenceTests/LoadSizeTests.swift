import Foundation
import XCTest
import MorphInference
import TestSupport

/// `morph translate --load-size`: the reference's scale_width before the model.
final class LoadSizeTests: XCTestCase {
    func testLoadSizeResizesToTheWidthKeepingTheAspect() throws {
        let dir = try PipelineFixtures.scratch()
        let out = dir.appendingPathComponent("small.png")
        let r = try PipelineFixtures.runMorph(["translate", PipelineFixtures.url("cli_in_rgb.png").path, "-o", out.path,
                                               "--model", PipelineFixtures.url("cli_resnet_in.pth").path, "--load-size", "12"])
        XCTAssertEqual(r.code, 0, r.err)
        let input = try PipelineFixtures.samples(PipelineFixtures.url("cli_in_rgb.png"))
        let result = try PipelineFixtures.samples(out)
        XCTAssertEqual(result.width, 12)
        XCTAssertEqual(result.height, Int((Double(input.height) * 12 / Double(input.width)).rounded()))
        let bad = try PipelineFixtures.runMorph(["translate", PipelineFixtures.url("cli_in_rgb.png").path, "-o", out.path,
                                                 "--model", PipelineFixtures.url("cli_resnet_in.pth").path, "--load-size", "0"])
        XCTAssertEqual(bad.code, 2)
        XCTAssertTrue(bad.err.contains("--load-size"), bad.err)
    }
}

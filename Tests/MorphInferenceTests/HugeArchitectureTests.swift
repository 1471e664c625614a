import Foundation
import XCTest
import MorphCheckpoint
import MorphInference
import TestSupport

/// A tiny checkpoint whose `morph.*` metadata (or the caller's `--arch/--option`) names a gigantic
/// architecture is refused before the network is built, with one line naming the file and the budget.
final class HugeArchitectureTests: XCTestCase {
    /// 4096 features × 512 RRDBs: about 800 G parameters, from a file of a few hundred bytes.
    static let huge = ["num_feat": "4096", "num_block": "512"]

    func testHugeArchitectureInMetadataIsRefusedBeforeBuilding() throws {
        // 201 bytes: one 1-value tensor, and metadata naming rrdbnet with num_feat 4096, num_block 512.
        let url = PipelineFixtures.url("hostile/huge_architecture.safetensors")
        XCTAssertThrowsError(try ModelLoader.load(url)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix(url.path + ": "), text)
            XCTAssertTrue(text.contains("load budget"), text)
            XCTAssertTrue(text.contains(LoadBudget.environmentVariable), text)
            XCTAssertFalse(text.contains("\n"), text)
        }
        // The CLI ends with a failure exit code and the same one-line message, not a kill.
        let out = try PipelineFixtures.scratch().appendingPathComponent("out.png")
        let r = try PipelineFixtures.runMorph(["upscale", PipelineFixtures.url("cli_in_rgb.png").path, "-o", out.path,
                                               "--model", url.path])
        XCTAssertTrue(r.code == 1 || r.code == 2, "exit \(r.code): \(r.err)")
        XCTAssertTrue(r.err.contains("load budget"), r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }

    func testHugeArchitectureFromOverridesIsRefused() throws {
        let url = PipelineFixtures.url("cli_rrdb_x2.pth")
        XCTAssertThrowsError(try ModelLoader.load(url, arch: "rrdbnet", options: Self.huge)) { error in
            XCTAssertTrue("\(error)".hasPrefix(url.path + ": "), "\(error)")
            XCTAssertTrue("\(error)".contains("load budget"), "\(error)")
        }
        // The real checkpoint itself still loads.
        XCTAssertNoThrow(try ModelLoader.load(url))
    }
}

import Foundation
import XCTest
import MorphCheckpoint
import MorphImage
@testable import MorphInference
import MorphTensor
import TestSupport

/// Tile progress within an image, and `--denoise-strength`'s interpolation.
final class ConveniencesTests: XCTestCase {
    func testTileProgressCountsEveryTileOfAnImage() throws {
        let loaded = try ModelLoader.load(ModelLoader.resolve("morph-sr-x4"))
        loaded.model.eval()
        var lines: [String] = []
        let progress = TileProgress(label: "astronaut.png", interactive: false, quiet: 0, interval: 0) { lines.append($0) }
        let engine = InferenceEngine(loaded, options: InferenceOptions(tile: .size(64), overlap: 30), progress: progress)
        let tiler = try XCTUnwrap(engine.tiler(height: 160, width: 160))
        let tiles = tiler.spans(length: 160).count * tiler.spans(length: 160).count
        XCTAssertGreaterThan(tiles, 4)
        _ = try engine.run(Tensor(zeros: [1, 3, 160, 160]))
        XCTAssertFalse(lines.isEmpty)
        XCTAssertTrue(lines[0].hasPrefix("astronaut.png "), lines[0])
        XCTAssertTrue(lines[0].contains(" tiles 1/\(tiles) "), lines[0])
        XCTAssertTrue(lines.allSatisfy { $0.contains(" ETA ") && $0.hasSuffix("\n") })
        XCTAssertTrue(lines.last?.contains("tiles \(tiles - 1)/\(tiles)") ?? false, "\(lines)")
    }

    /// Real-ESRGAN's DNI: every weight is s · general + (1 − s) · wdn, and the companion is found by name.
    func testDenoiseStrengthInterpolatesWithTheCompanion() throws {
        let folder = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = try Checkpoint.load(contentsOf: PipelineFixtures.url("cli_srvgg_x4.pth")).normalized()
        let general = folder.appendingPathComponent("realesr-general-x4v3.safetensors")
        let wdn = folder.appendingPathComponent("realesr-general-wdn-x4v3.safetensors")
        try source.write(to: general)
        var other = source
        other.tensors = source.tensors.map { key, t in
            let u = Tensor(zeros: t.shape, zeroed: false)
            for i in 0..<t.count { u.data[i] = 2 * t.data[i] + 0.25 }
            return (key, u)
        }
        try other.write(to: wdn)
        let mixed = try DenoiseStrength.load(general, strength: 0.3)
        let state = Dictionary(mixed.model.stateDict(), uniquingKeysWith: { a, _ in a })
        for (key, t) in source.tensors {
            let got = try XCTUnwrap(state[key], key)
            for i in 0..<t.count {
                XCTAssertEqual(got.data[i], 0.3 * t.data[i] + 0.7 * (2 * t.data[i] + 0.25), accuracy: 1e-5, key)
            }
        }
        let plain = try DenoiseStrength.load(general, strength: 1)
        let plainState = Dictionary(plain.model.stateDict(), uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(plainState[source.tensors[0].0]?.data[0], source.tensors[0].1.data[0])
        try FileManager.default.removeItem(at: wdn)
        XCTAssertThrowsError(try DenoiseStrength.load(general, strength: 0.5)) { error in
            XCTAssertTrue("\(error)".hasSuffix("fetch it with: morph models download realesr-general-wdn-x4v3"), "\(error)")
        }
        XCTAssertThrowsError(try DenoiseStrength.load(PipelineFixtures.url("cli_srvgg_x4.pth"), strength: 0.5)) { error in
            XCTAssertTrue("\(error)".contains("only applies to realesr-general-x4v3"), "\(error)")
        }
    }
}

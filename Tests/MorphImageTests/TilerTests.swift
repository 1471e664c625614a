import Foundation
import XCTest
import MorphTensor
@testable import MorphImage

final class TilerTests: XCTestCase {
    func testSpansCoverTheAxisWithAtLeastTheOverlap() {
        for length in [1, 15, 16, 17, 31, 64, 65, 100, 257] {
            for (tile, overlap) in [(16, 0), (16, 3), (16, 8), (32, 12), (64, 3)] {
                let spans = Tiler.spans(length: length, tileSize: tile, overlap: overlap)
                let tag = "length \(length) tile \(tile) overlap \(overlap)"
                XCTAssertEqual(spans.first?.start, 0, tag)
                XCTAssertEqual(spans.last?.end, length, tag)
                for s in spans { XCTAssertEqual(s.length, min(tile, length), tag) }
                for (a, b) in zip(spans, spans.dropFirst()) {
                    XCTAssertLessThan(a.start, b.start, tag)
                    XCTAssertGreaterThanOrEqual(a.end - b.start, overlap, tag)
                }
            }
        }
        XCTAssertEqual(Tiler.spans(length: 100, tileSize: 0, overlap: 0), [TileSpan(start: 0, length: 100)])
        XCTAssertEqual(Tiler.spans(length: 100, tileSize: 40, overlap: 10).map(\.start), [0, 30, 60])
    }

    func testTiledBoxBlurMatchesWholeImage() throws {
        let x = TestModels.input(height: 53, width: 71)
        let whole = TestModels.boxBlur(x)
        let overlap = Tiler.autoOverlap(receptiveField: 3)
        XCTAssertEqual(overlap, 3)
        for tile in [8, 16, 24] {
            let tiled = try Tiler(tileSize: tile, overlap: overlap).run(x) { TestModels.boxBlur($0) }
            XCTAssertEqual(tiled.shape, whole.shape)
            XCTAssertLessThanOrEqual(maxAbsDifference(tiled, whole), 1e-5, "tile \(tile)")
        }
        // A larger overlap is exact too, and the difference stays far below one 8-bit level.
        let wide = try Tiler(tileSize: 20, overlap: 9).run(x) { TestModels.boxBlur($0) }
        XCTAssertLessThanOrEqual(maxAbsDifference(wide, whole), 1.0 / 255)
        // Without overlap the zero padding at tile borders shows: the test can fail.
        let seams = try Tiler(tileSize: 16, overlap: 0).run(x) { TestModels.boxBlur($0) }
        XCTAssertGreaterThan(maxAbsDifference(seams, whole), 0.05)
    }

    func testTiledUpscalerMatchesWholeImage() throws {
        let x = TestModels.input(height: 37, width: 45, seed: 3)
        let model: Tiler.Model = { TestModels.boxBlur(TestModels.nearest($0, scale: 4)) }
        let whole = try model(x)
        XCTAssertEqual(whole.shape, [1, 3, 148, 180])
        let tiled = try Tiler(tileSize: 16, overlap: Tiler.autoOverlap(receptiveField: 3)).run(x, model: model)
        XCTAssertEqual(tiled.shape, whole.shape)
        XCTAssertLessThanOrEqual(maxAbsDifference(tiled, whole), 1e-5)
    }

    func testWholeImageModeCallsTheModelOnce() throws {
        let x = TestModels.input(height: 20, width: 30)
        var calls = 0
        let out = try Tiler(tileSize: 0, overlap: 0).run(x) { calls += 1; return TestModels.boxBlur($0) }
        XCTAssertEqual(calls, 1)
        XCTAssertEqual(maxAbsDifference(out, TestModels.boxBlur(x)), 0)
    }

    func testBadModelOutputIsReported() throws {
        let x = TestModels.input(height: 20, width: 30)
        XCTAssertThrowsError(try Tiler(tileSize: 8, overlap: 2).run(x) { _ in Tensor(zeros: [1, 3, 5, 5]) })
        XCTAssertThrowsError(try Tiler(tileSize: 8, overlap: 8))
    }

    func testAutoSizes() {
        XCTAssertEqual(Tiler.autoOverlap(receptiveField: 9), 12)
        XCTAssertEqual(Tiler.autoOverlap(receptiveField: 1), 1)
        XCTAssertEqual(Tiler.autoTileSize(availableMemory: 1 << 30, bytesPerPixel: 4096), 512)
        XCTAssertEqual(Tiler.autoTileSize(availableMemory: 1000, bytesPerPixel: 4096), 16)
    }
}

import Foundation
import XCTest
import MorphImage
import MorphModels
import MorphInference
import MorphTensor
import TestSupport

/// Tiled inference against whole-image inference: for norm-free models with the automatic overlap every output
/// value within 1/255 of the whole image's (not bit-exact: a tile's convolutions sum in another order in float32),
/// and for InstanceNorm models with global statistics within 2/255 on 99.9% of values.
final class TilingTests: XCTestCase {
    func run(_ model: LoadedModel, _ x: Tensor, _ options: InferenceOptions) throws -> Tensor {
        try InferenceEngine(model, options: options).run(x)
    }

    func testNormFreeTilesMatchWholeImageWithAutoOverlap() throws {
        for (name, tile, side) in [("cli_srvgg_x4.pth", 40, 70), ("cli_srresnet_x4.pth", 64, 100),
                                   ("cli_rrdb_x4.pth", 120, 150)] {
            let model = try ModelLoader.load(PipelineFixtures.url(name))
            model.model.eval()
            let x = PipelineFixtures.pattern(height: side, width: side + 6, lo: 0, hi: 1)
            let whole = try run(model, x, InferenceOptions(tile: .size(0)))
            let engine = InferenceEngine(model, options: InferenceOptions(tile: .size(tile)))
            let tiler = try XCTUnwrap(try engine.tiler(height: side, width: side + 6), "\(name) should tile")
            let radius = try XCTUnwrap(model.traits.receptiveFieldRadius)
            XCTAssertGreaterThanOrEqual(tiler.overlap, 3 * radius, "\(name): auto overlap")
            let tiled = try engine.run(x)
            XCTAssertEqual(tiled.shape, whole.shape)
            let (_, worst) = PipelineFixtures.agreement(tiled, whole, tolerance: 1 / 255)
            XCTAssertLessThanOrEqual(worst, 1 / 255, "\(name): tiled differs from whole by \(worst)")
        }
    }

    func testInstanceNormTilingWithGlobalStatisticsMatchesWholeImage() throws {
        let model = try ModelLoader.load(PipelineFixtures.url("cli_resnet_in.pth"))
        XCTAssertTrue(model.traits.hasNormalization)
        let x = PipelineFixtures.pattern(height: 200, width: 232)
        let whole = try run(model, x, InferenceOptions(tile: .size(0)))
        let global = try run(model, x, InferenceOptions(tile: .size(128), normStatistics: .global))
        let local = try run(model, x, InferenceOptions(tile: .size(128), normStatistics: .tile))
        // Outputs are in [-1, 1]: one level of 255 is 2/255.
        let g = PipelineFixtures.agreement(global, whole, tolerance: 2 / 255)
        let l = PipelineFixtures.agreement(local, whole, tolerance: 2 / 255)
        XCTAssertGreaterThanOrEqual(g.share, 0.999, "global statistics: \(g)")
        XCTAssertLessThan(l.share, g.share, "tile statistics should be visibly worse: \(l) vs \(g)")
    }

    func testAutoTileSizeFollowsMemoryAndZeroMeansWhole() throws {
        let model = try ModelLoader.load(PipelineFixtures.url("cli_rrdb_x2.pth"))
        let small = InferenceEngine(model, options: InferenceOptions(tile: .auto, availableMemory: 64 << 20))
        let tiler = try XCTUnwrap(try small.tiler(height: 4000, width: 4000))
        XCTAssertEqual(tiler.tileSize % 2, 0, "tiles are multiples of the size multiple")
        let big = InferenceEngine(model, options: InferenceOptions(tile: .auto, availableMemory: 64 << 30))
        XCTAssertGreaterThan(try XCTUnwrap(try big.tiler(height: 40000, width: 40000)).tileSize, tiler.tileSize)
        XCTAssertNil(try InferenceEngine(model, options: InferenceOptions(tile: .size(0))).tiler(height: 4000, width: 4000))
        XCTAssertEqual(SystemMemory.parse(meminfo: "MemTotal: 100 kB\nMemAvailable:    2048 kB\n"), 2 << 20)
        XCTAssertThrowsError(try InferenceEngine(model, options: InferenceOptions(tile: .size(16), overlap: 16))
            .tiler(height: 100, width: 100))
    }

    /// Norm-free models get the fast tile size however much memory there is (huge tensors are slower per pixel);
    /// models with normalisation layers, whose tiles need extra statistics passes, keep the memory-sized tile.
    func testAutoTilesOfNormFreeModelsStayAtTheFastSize() throws {
        func side(_ file: String, memory: Int) throws -> Int? {
            let model = try ModelLoader.load(PipelineFixtures.url(file))
            return try InferenceEngine(model, options: InferenceOptions(tile: .auto, availableMemory: memory))
                .tiler(height: 40000, width: 40000)?.tileSize
        }
        XCTAssertEqual(try side("cli_rrdb_x2.pth", memory: 64 << 30), try side("cli_rrdb_x2.pth", memory: 512 << 20))
        XCTAssertLessThan(try XCTUnwrap(try side("cli_rrdb_x2.pth", memory: 256 << 20)), try XCTUnwrap(try side("cli_rrdb_x2.pth", memory: 64 << 30)))
        XCTAssertGreaterThan(try XCTUnwrap(try side("cli_resnet_in.pth", memory: 64 << 30)),
                             try XCTUnwrap(try side("cli_resnet_in.pth", memory: 512 << 20)))
    }

    func testAlignedSpansStartOnTheGridAndOverlap() {
        for (length, tile, overlap, align) in [(100, 32, 10, 4), (257, 64, 24, 32), (96, 40, 8, 4), (50, 24, 12, 2)] {
            let spans = Tiler.spans(length: length, tileSize: tile, overlap: overlap, alignment: align)
            XCTAssertEqual(spans.first?.start, 0)
            XCTAssertEqual(spans.last?.end, length)
            for (a, b) in zip(spans, spans.dropFirst()) {
                XCTAssertGreaterThanOrEqual(a.end - b.start, overlap, "\(length) \(tile) \(overlap) \(align)")
                XCTAssertLessThan(a.start, b.start)
            }
            for s in spans.dropLast() { XCTAssertEqual(s.start % align, 0) }
        }
        // Without alignment the spans are the evenly spread ones.
        XCTAssertEqual(Tiler.spans(length: 100, tileSize: 40, overlap: 10).map(\.start), [0, 30, 60])
    }

    func testReflectPadMatchesNumpyReflectEvenBeyondTheImage() throws {
        let x = try Tensor(shape: [1, 1, 1, 3], values: [1, 2, 3])
        let p = try InferenceEngine.reflectPad(x, bottom: 0, right: 6)
        XCTAssertEqual(p.values, [1, 2, 3, 2, 1, 2, 3, 2, 1])  // numpy.pad([1,2,3], (0,6), 'reflect')
        let c = try InferenceEngine.crop(p, height: 1, width: 3)
        XCTAssertEqual(c.values, [1, 2, 3])
    }
}

import XCTest
@testable import MorphInference
import MorphImage
import MorphNN
import MorphTensor
import TestSupport

/// The statistics gathered over tiles are the whole image's, layer by layer.
final class GlobalStatisticsTests: XCTestCase {
    func wholeImageStatistics(_ model: LoadedModel, _ x: Tensor) throws -> [NormStatistics] {
        let layers = NormHooks.layers(of: model.model)
        var whole: [NormStatistics] = []
        for l in layers { l.statisticsObserver = { t in whole.append(NormStatistics(moments: try t.planeMoments())) } }
        defer { for l in layers { l.statisticsObserver = nil } }
        _ = try withoutGrad { try model.model(x) }
        return whole
    }

    func testGatheredStatisticsEqualWholeImageStatistics() throws {
        // The ResNet's receptive field fits the overlap, so every owned pixel is computed exactly. (A U-Net's deep
        // layers see the whole tile: their tiled statistics cannot be exact.)
        let cases: [(String, [String: String], Bool, Int, Int)] = [
            ("cli_resnet_in.pth", [:], false, 128, 64),
            ("cli_resnet_in.pth", [:], true, 96, 48),
        ]
        for (name, options, train, tile, overlap) in cases {
            let model = try ModelLoader.load(PipelineFixtures.url(name), options: options)
            model.model.setTraining(train)
            let x = PipelineFixtures.pattern(height: 192, width: 224)
            let whole = try wholeImageStatistics(model, x)
            let layers = NormHooks.layers(of: model.model)
            XCTAssertFalse(layers.isEmpty, "\(name): the model has InstanceNorm layers whose statistics to compare")
            XCTAssertEqual(whole.count, layers.count, name)
            let tiler = try Tiler(tileSize: tile, overlap: overlap, alignment: model.traits.sizeMultiple)
            XCTAssertGreaterThan(tiler.spans(length: 192).count, 1)
            // Resuming tiles at layer boundaries (the default) and recomputing prefixes (no cache) agree.
            for cache in [1 << 30, 0] {
                let gathered = try withoutGrad {
                    try GlobalNormStatistics.gather(x, model: model.model, layers: layers, tiler: tiler, cacheBytes: cache)
                }
                for l in layers { l.statisticsObserver = nil; l.fixedStatistics = nil }
                XCTAssertEqual(gathered.count, layers.count, "\(name) cache \(cache): statistics per layer")
                for i in 0..<Swift.min(layers.count, gathered.count) {
                    XCTAssertFalse(gathered[i].mean.isEmpty, "\(name) layer \(i): no channels")
                    XCTAssertEqual(gathered[i].mean.count, whole[i].mean.count, "\(name) layer \(i): channels")
                    let dm = zip(gathered[i].mean, whole[i].mean).map { abs($0 - $1) }.max() ?? .infinity
                    let dv = zip(gathered[i].variance, whole[i].variance).map { abs($0 / $1 - 1) }.max() ?? .infinity
                    XCTAssertLessThan(dm, 1e-5, "\(name) cache \(cache) layer \(i) mean")
                    XCTAssertLessThan(dv, 1e-5, "\(name) cache \(cache) layer \(i) variance")
                }
            }
        }
    }

    func testOwnedRegionsPartitionTheAxisOnTheGrid() {
        let spans = Tiler.spans(length: 200, tileSize: 128, overlap: 64, alignment: 4)
        let owned = GlobalNormStatistics.owned(spans, length: 200, alignment: 4)
        XCTAssertEqual(owned.count, spans.count)
        XCTAssertEqual(owned.first?.lowerBound, 0)
        XCTAssertEqual(owned.last?.upperBound, 200)
        for (a, b) in zip(owned, owned.dropFirst()) {
            XCTAssertEqual(a.upperBound, b.lowerBound)
            XCTAssertEqual(a.upperBound % 4, 0)
        }
        for (span, region) in zip(spans, owned) {
            XCTAssertGreaterThanOrEqual(region.lowerBound, span.start)
            XCTAssertLessThanOrEqual(region.upperBound, span.end)
        }
    }

    func testHooksAreClearedAfterATiledRun() throws {
        let model = try ModelLoader.load(PipelineFixtures.url("cli_resnet_in.pth"))
        let x = PipelineFixtures.pattern(height: 96, width: 80)
        _ = try InferenceEngine(model, options: InferenceOptions(tile: .size(48), overlap: 16)).run(x)
        XCTAssertFalse(NormHooks.layers(of: model.model).isEmpty, "the model has norm layers to leave clean")
        for layer in NormHooks.layers(of: model.model) {
            XCTAssertNil(layer.fixedStatistics)
            XCTAssertNil(layer.statisticsObserver)
        }
    }
}

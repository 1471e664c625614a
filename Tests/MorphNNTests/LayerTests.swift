import XCTest
import MorphTensor
@testable import MorphNN
import TestSupport

/// Norm, activation and resampling layers against torch.nn (fixtures `nn_layer_*`).
final class LayerTests: XCTestCase {
    func testBatchNormTrainUpdatesRunningStatistics() throws {
        try checkLayerParity("nn_layer_batchnorm_train", BatchNorm2d(3, momentum: 0.2))
    }

    func testBatchNormEvalUsesRunningStatistics() throws {
        let bn = BatchNorm2d(3)
        try checkLayerParity("nn_layer_batchnorm_eval", bn)
        XCTAssertEqual(bn.numBatchesTracked?.item, 7)
    }

    func testInstanceNorm() throws {
        let norm = InstanceNorm2d(3)
        XCTAssertTrue(norm.stateDict().isEmpty)
        try checkLayerParity("nn_layer_instancenorm", norm)
    }

    func testInstanceNormTrackingRunningStatisticsTrain() throws {
        try checkLayerParity("nn_layer_instancenorm_track_train", InstanceNorm2d(3, affine: true, trackRunningStats: true))
    }

    func testInstanceNormTrackingRunningStatisticsEval() throws {
        try checkLayerParity("nn_layer_instancenorm_track_eval", InstanceNorm2d(3, affine: true, trackRunningStats: true))
    }

    func testPReLU() throws {
        let prelu = PReLU(numParameters: 3)
        XCTAssertEqual(prelu.weight.values, [0.25, 0.25, 0.25])
        try checkLayerParity("nn_layer_prelu", prelu)
    }

    func testUpsampleNearest() throws {
        try checkLayerParity("nn_layer_upsample_nearest", Upsample(scale: 2, mode: .nearest))
    }

    func testUpsampleBilinear() throws {
        try checkLayerParity("nn_layer_upsample_bilinear", Upsample(scale: 2, mode: .bilinear))
    }

    func testNormLayersRejectWrongChannelCount() {
        XCTAssertThrowsError(try BatchNorm2d(4)(Tensor.zeros([1, 3, 2, 2])))
        XCTAssertThrowsError(try InstanceNorm2d(4)(Tensor.zeros([1, 3, 2, 2])))
    }

    func testPaddingLayersUseTheirModes() throws {
        let x = try Tensor(shape: [1, 1, 2, 3], values: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(try ReflectionPad2d(1)(x).values,
                       try x.padded(left: 1, right: 1, top: 1, bottom: 1, mode: .reflect).values)
        XCTAssertEqual(try ReplicationPad2d(2)(x).values,
                       try x.padded(left: 2, right: 2, top: 2, bottom: 2, mode: .replicate).values)
        let z = try ZeroPad2d(1)(x)
        XCTAssertEqual(z.shape, [1, 1, 4, 5])
        XCTAssertEqual(z.values.reduce(0, +), 21)
    }

    func testActivationsAndResamplersDelegateToOps() throws {
        var rng = SeededRNG(seed: 2)
        let x = Tensor.normal([1, 4, 2, 2], rng: &rng)
        XCTAssertEqual(try ReLU()(x).values, x.values.map { max($0, 0) })
        XCTAssertEqual(try LeakyReLU(0.2)(x).values, x.leakyReLU(0.2).values)
        XCTAssertEqual(try Tanh()(x).values, x.tanh().values)
        XCTAssertEqual(try Sigmoid()(x).values, x.sigmoid().values)
        XCTAssertEqual(try PixelShuffle(2)(x).shape, [1, 1, 4, 4])
        XCTAssertEqual(try PixelUnshuffle(2)(try PixelShuffle(2)(x)).values, x.values)
        XCTAssertEqual(try AvgPool2d(kernel: 2)(x).values, try x.avgPool2d(kernel: 2).values)
    }

    func testDropoutIsSeededAndOffInEval() throws {
        let x = Tensor.ones([1, 2, 8, 8])
        let a = Dropout(0.5, seed: 3), b = Dropout(0.5, seed: 3)
        let ya = try a(x), yb = try b(x)
        XCTAssertEqual(ya.values, yb.values)
        XCTAssertTrue(ya.values.allSatisfy { $0 == 0 || $0 == 2 })
        XCTAssertTrue(ya.values.contains(0))
        a.eval()
        XCTAssertEqual(try a(x).values, x.values)
        XCTAssertThrowsError(try Dropout(1.5)(x))
    }

    func testStaleInstanceNormStatisticsAreDropped() throws {
        let seq = Sequential(InstanceNorm2d(2), ReLU(), InstanceNorm2d(2, affine: true, trackRunningStats: true))
        var dict = Dictionary(uniqueKeysWithValues: seq.stateDict().map { ($0.0, $0.1.detached()) })
        dict["0.running_mean"] = Tensor.zeros([2])
        dict["0.running_var"] = Tensor.ones([2])
        dict["0.num_batches_tracked"] = Tensor(scalar: 0)
        XCTAssertThrowsError(try seq.load(stateDict: dict))
        let (clean, removed) = seq.droppingStaleInstanceNormStatistics(dict)
        XCTAssertEqual(removed.sorted(), ["0.num_batches_tracked", "0.running_mean", "0.running_var"])
        XCTAssertNotNil(clean["2.running_mean"])
        try seq.load(stateDict: clean)
    }

    func testSetRequiresGradFreezesParameters() {
        let bn = BatchNorm2d(2)
        bn.setRequiresGrad(false)
        XCTAssertFalse(bn.weight!.requiresGrad || bn.bias!.requiresGrad)
        bn.setRequiresGrad(true)
        XCTAssertTrue(bn.weight!.requiresGrad && bn.bias!.requiresGrad)
    }
}

import Foundation
import XCTest
import MorphTensor
@testable import MorphNN
import TestSupport

/// Conv layers, Sequential naming and a full state-dict key list against torch.nn.
final class ConvLayerTests: XCTestCase {
    func testConv2d() throws {
        var rng = SeededRNG(seed: 0)
        try checkLayerParity("nn_layer_conv", Conv2d(3, 4, kernelSize: 3, stride: 2, padding: 1, rng: &rng))
    }

    func testConv2dDilatedWithoutBias() throws {
        var rng = SeededRNG(seed: 0)
        let conv = Conv2d(3, 2, kernelSize: 3, padding: 2, dilation: 2, bias: false, rng: &rng)
        XCTAssertEqual(conv.stateDict().map(\.0), ["weight"])
        try checkLayerParity("nn_layer_conv_nobias", conv)
    }

    func testConvTranspose2d() throws {
        var rng = SeededRNG(seed: 0)
        let conv = ConvTranspose2d(3, 2, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, rng: &rng)
        XCTAssertEqual(conv.weight.shape, [3, 2, 3, 3])
        try checkLayerParity("nn_layer_convtranspose", conv)
    }

    func testSequentialMatchesTorch() throws {
        var rng = SeededRNG(seed: 0)
        let seq = Sequential(ReflectionPad2d(1), Conv2d(3, 4, kernelSize: 3, rng: &rng), InstanceNorm2d(4), ReLU(),
                             Conv2d(4, 2, kernelSize: 3, stride: 2, padding: 1, rng: &rng), LeakyReLU(0.2), Tanh())
        XCTAssertEqual(seq.stateDict().map(\.0), ["1.weight", "1.bias", "4.weight", "4.bias"])
        try checkLayerParity("nn_layer_sequential", seq)
    }

    /// The same module tree as `_Block` in gen/nn.py.
    private final class Block: Module {
        let body: Sequential, head: Sequential
        var isTraining = true
        init(rng: inout SeededRNG) {
            body = Sequential(ReflectionPad2d(1), Conv2d(2, 3, kernelSize: 3, rng: &rng), InstanceNorm2d(3), ReLU(),
                              Conv2d(3, 4, kernelSize: 3, stride: 2, padding: 1, bias: false, rng: &rng), BatchNorm2d(4),
                              LeakyReLU(0.2), Dropout(0.5),
                              ConvTranspose2d(4, 2, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, rng: &rng),
                              InstanceNorm2d(2, affine: true, trackRunningStats: true), PReLU(numParameters: 2),
                              Upsample(scale: 2), Tanh())
            head = Sequential(Flatten(), Linear(8, 3, rng: &rng), Sigmoid())
        }
        var namedChildren: [(String, Module)] { [("body", body), ("head", head)] }
        func forward(_ x: Tensor) throws -> Tensor { try head(try body(x)) }
    }

    private func jsonList<T>(_ f: Fixture, _ key: String, as: T.Type) throws -> [T] {
        guard let data = f.metadata[key]?.data(using: .utf8),
              let list = try JSONSerialization.jsonObject(with: data) as? [T] else {
            throw FixtureError.missing("\(f.name): no JSON list '\(key)'")
        }
        return list
    }

    func testStateDictKeysAndShapesMatchTorch() throws {
        let f = try Fixture.load("nn_keys")
        var rng = SeededRNG(seed: 0)
        let block = Block(rng: &rng)
        XCTAssertEqual(block.stateDict().map(\.0), try jsonList(f, "keys", as: String.self))
        XCTAssertEqual(block.stateDict().map(\.1.shape), try jsonList(f, "shapes", as: [Int].self))
        XCTAssertEqual(block.namedParameters().map(\.0), try jsonList(f, "parameters", as: String.self))
        XCTAssertEqual(block.namedBuffers().map(\.0), try jsonList(f, "buffers", as: String.self))
        // As in PyTorch, the body maps [1, 2, 4, 4] to [1, 2, 8, 8] (the head's Linear(8, 3) only pins key names).
        block.eval()
        var inputRNG = SeededRNG(seed: 1)
        let y = try block.body(Tensor.normal([1, 2, 4, 4], rng: &inputRNG))
        XCTAssertEqual(y.shape, [1, 2, 8, 8])
    }

    func testDefaultInitFollowsTorchBounds() {
        var rng = SeededRNG(seed: 4)
        let conv = Conv2d(16, 8, kernelSize: 3, rng: &rng)
        let bound = 1 / Float(16 * 9).squareRoot()
        XCTAssertTrue(conv.weight.values.allSatisfy { abs($0) <= bound })
        XCTAssertGreaterThan(conv.weight.values.map(abs).max()!, 0.9 * bound)
        let tconv = ConvTranspose2d(16, 8, kernelSize: 3, rng: &rng)
        let tbound = 1 / Float(8 * 9).squareRoot()
        XCTAssertTrue(tconv.weight.values.allSatisfy { abs($0) <= tbound })
        XCTAssertGreaterThan(tconv.weight.values.map(abs).max()!, 0.9 * tbound)
    }

    func testInitWeightsReachesConvsAndBatchNorm() {
        var rng = SeededRNG(seed: 4)
        let conv = Conv2d(8, 8, kernelSize: 3, rng: &rng), bn = BatchNorm2d(8), inorm = InstanceNorm2d(8, affine: true)
        initWeights(Sequential(conv, bn, inorm), type: .normal, gain: 0.02, rng: &rng)
        XCTAssertEqual(conv.bias!.values, [Float](repeating: 0, count: 8))
        XCTAssertLessThan(conv.weight.values.map(abs).max()!, 0.02 * 6)
        XCTAssertNotEqual(bn.weight!.values, [Float](repeating: 1, count: 8))
        XCTAssertTrue(bn.weight!.values.allSatisfy { abs($0 - 1) < 0.02 * 6 })
        XCTAssertEqual(inorm.weight!.values, [Float](repeating: 1, count: 8))
    }
}

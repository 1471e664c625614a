import XCTest
import MorphTensor
@testable import MorphNN
import TestSupport

/// A stand-in for a conv layer: a weight shaped like one, picked up by `initWeights`.
private final class FakeConv: WeightedLayer {
    let weight: Tensor
    let bias: Tensor?
    var isTraining = true
    init(_ shape: [Int]) {
        weight = Tensor.full(shape, 7)
        bias = Tensor.full([shape[0]], 7)
    }
    var namedOwnParameters: [(String, Tensor)] { [("weight", weight), ("bias", bias!)] }
    func forward(_ x: Tensor) throws -> Tensor { x }
}

/// A module that is neither a conv nor a norm: `initWeights` must leave it alone.
private final class Other: Module {
    let weight = Tensor.full([10], 7)
    var isTraining = true
    var namedOwnParameters: [(String, Tensor)] { [("weight", weight)] }
    func forward(_ x: Tensor) throws -> Tensor { x }
}

final class InitTests: XCTestCase {
    private func stats(_ t: Tensor) -> (mean: Double, std: Double) {
        let v = t.values.map(Double.init)
        let mean = v.reduce(0, +) / Double(v.count)
        let variance = v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count)
        return (mean, variance.squareRoot())
    }

    func testFans() {
        XCTAssertTrue(WeightInit.fans([64, 32, 3, 3]) == (288, 576))
        XCTAssertTrue(WeightInit.fans([10, 20]) == (20, 10))
    }

    private func initialised(_ type: InitType, gain: Float, shape: [Int] = [64, 32, 3, 3]) -> FakeConv {
        let conv = FakeConv(shape)
        var rng = SeededRNG(seed: 5)
        initWeights(Sequential(conv, Other()), type: type, gain: gain, rng: &rng)
        XCTAssertEqual(conv.bias!.values, [Float](repeating: 0, count: shape[0]))
        return conv
    }

    func testNormalInit() {
        let s = stats(initialised(.normal, gain: 0.02).weight)
        XCTAssertEqual(s.mean, 0, accuracy: 0.02 * 0.05)
        XCTAssertEqual(s.std, 0.02, accuracy: 0.02 * 0.03)
    }

    func testXavierNormalInit() {
        let s = stats(initialised(.xavier, gain: 0.5).weight)
        let expected = 0.5 * (2.0 / Double(288 + 576)).squareRoot()
        XCTAssertEqual(s.mean, 0, accuracy: expected * 0.05)
        XCTAssertEqual(s.std, expected, accuracy: expected * 0.03)
    }

    func testKaimingNormalInit() {
        let s = stats(initialised(.kaiming, gain: 0.02).weight)
        let expected = (2.0 / 288).squareRoot()
        XCTAssertEqual(s.mean, 0, accuracy: expected * 0.05)
        XCTAssertEqual(s.std, expected, accuracy: expected * 0.03)
    }

    private func assertOrthogonal(shape: [Int], gain: Float) {
        let w = initialised(.orthogonal, gain: gain, shape: shape).weight
        let rows = shape[0], cols = w.count / rows
        let v = w.values
        let g2 = Double(gain * gain)
        // Gram matrix of the shorter side must be gain² · I.
        let n = min(rows, cols)
        for a in 0..<n {
            for b in 0..<n {
                var dot = 0.0
                if rows <= cols {
                    for c in 0..<cols { dot += Double(v[a * cols + c]) * Double(v[b * cols + c]) }
                } else {
                    for r in 0..<rows { dot += Double(v[r * cols + a]) * Double(v[r * cols + b]) }
                }
                XCTAssertEqual(dot, a == b ? g2 : 0, accuracy: 1e-5 * max(1, g2), "[\(a), \(b)] of \(shape)")
            }
        }
    }

    func testOrthogonalInitWideAndTall() {
        assertOrthogonal(shape: [8, 4, 3, 3], gain: 0.02 * 50)
        assertOrthogonal(shape: [40, 2, 2, 2], gain: 2)
    }

    func testInitIsSeededAndLeavesOtherModulesAlone() {
        let a = initialised(.normal, gain: 0.02), b = initialised(.normal, gain: 0.02)
        XCTAssertEqual(a.weight.values, b.weight.values)
        let other = Other()
        var rng = SeededRNG(seed: 1)
        initWeights(other, rng: &rng)
        XCTAssertEqual(other.weight.values, [Float](repeating: 7, count: 10))
    }
}

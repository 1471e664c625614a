import XCTest
import MorphTensor
import TestSupport

/// Finite-difference checks of every op's gradients on tiny shapes.
final class OpsGradientCheckTests: XCTestCase {
    private var rng = SeededRNG(seed: 11)

    private func normal(_ shape: [Int], mean: Float = 0, std: Float = 1) -> Tensor {
        Tensor.normal(shape, mean: mean, std: std, rng: &rng)
    }

    func testPaddingGradients() throws {
        for mode in PaddingMode.allCases {
            try OpsCheck.gradients("padded \(mode)", [normal([1, 2, 3, 4])]) {
                try $0[0].padded(left: 2, right: 1, top: 2, bottom: 1, mode: mode)
            }
        }
    }

    func testNormGradients() throws {
        try OpsCheck.gradients("instanceNorm", [normal([2, 2, 3, 3], mean: 1), normal([2], mean: 1), normal([2])]) {
            try $0[0].instanceNorm(weight: $0[1], bias: $0[2])
        }
        let stats = NormStatistics(mean: [0.5, -0.2, 0.1, 0.3], variance: [1.5, 0.7, 2.0, 0.9])
        try OpsCheck.gradients("instanceNorm statistics", [normal([2, 2, 2, 3]), normal([2], mean: 1), normal([2])]) {
            try $0[0].instanceNorm(weight: $0[1], bias: $0[2], statistics: stats)
        }
        try OpsCheck.gradients("batchNorm train", [normal([2, 2, 2, 3], mean: 1), normal([2], mean: 1), normal([2])]) {
            try $0[0].batchNorm(weight: $0[1], bias: $0[2], runningMean: nil, runningVar: nil, training: true)
        }
        let rm = try Tensor(shape: [2], values: [0.2, -0.1]), rv = try Tensor(shape: [2], values: [0.8, 1.3])
        try OpsCheck.gradients("batchNorm eval", [normal([2, 2, 2, 3]), normal([2], mean: 1), normal([2])]) {
            try $0[0].batchNorm(weight: $0[1], bias: $0[2], runningMean: rm, runningVar: rv, training: false)
        }
    }

    func testActivationGradients() throws {
        let x = OpsCheck.awayFromZero([2, 3, 2, 2], rng: &rng)
        try OpsCheck.gradients("relu", [x.detached()]) { $0[0].relu() }
        try OpsCheck.gradients("leakyReLU", [x.detached()]) { $0[0].leakyReLU(0.2) }
        try OpsCheck.gradients("prelu per channel", [x.detached(), try Tensor(shape: [3], values: [0.1, 0.25, -0.3])]) {
            try $0[0].prelu(weight: $0[1])
        }
        try OpsCheck.gradients("prelu shared", [x.detached(), try Tensor(shape: [1], values: [0.25])]) {
            try $0[0].prelu(weight: $0[1])
        }
        try OpsCheck.gradients("tanh", [normal([2, 2, 2, 2])]) { $0[0].tanh() }
        try OpsCheck.gradients("sigmoid", [normal([2, 2, 2, 2], std: 3)]) { $0[0].sigmoid() }
    }

    func testResampleGradients() throws {
        try OpsCheck.gradients("upsampleNearest", [normal([1, 2, 2, 3])]) { try $0[0].upsampleNearest(scale: 2) }
        try OpsCheck.gradients("upsampleBilinear", [normal([1, 2, 2, 3])]) { try $0[0].upsampleBilinear(scale: 3) }
        try OpsCheck.gradients("resize bilinear", [normal([1, 1, 3, 4])]) { try $0[0].upsampleBilinear(size: (5, 3)) }
        try OpsCheck.gradients("pixelShuffle", [normal([1, 8, 2, 2])]) { try $0[0].pixelShuffle(2) }
        try OpsCheck.gradients("pixelUnshuffle", [normal([1, 2, 4, 2])]) { try $0[0].pixelUnshuffle(2) }
        try OpsCheck.gradients("avgPool2d", [normal([1, 2, 5, 4])]) { try $0[0].avgPool2d(kernel: 3, stride: 2, padding: 1) }
        try OpsCheck.gradients("maxPool2d", [normal([1, 2, 5, 4])]) { try $0[0].maxPool2d(kernel: 3, stride: 2, padding: 1) }
    }

    func testLossGradients() throws {
        let x = normal([1, 2, 2, 3]), y = normal([1, 2, 2, 3])
        // Keep x − y away from 0, where |x − y| has a kink.
        for i in 0..<x.count where abs(x.data[i] - y.data[i]) < 0.1 { x.data[i] += 0.3 }
        try OpsCheck.gradients("l1Loss", [x.detached(), y.detached()]) { try Tensor.l1Loss($0[0], $0[1]) }
        try OpsCheck.gradients("mseLoss", [x.detached(), y.detached()]) { try Tensor.mseLoss($0[0], $0[1]) }
        let t = Tensor.uniform([1, 2, 2, 3], rng: &rng)
        try OpsCheck.gradients("bceWithLogitsLoss", [normal([1, 2, 2, 3], std: 3), t]) {
            try Tensor.bceWithLogitsLoss($0[0], $0[1])
        }
    }
}

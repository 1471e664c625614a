import XCTest
@testable import MorphTensor
import TestSupport

/// `conv2d(…, activation:)` and `conv2d(…, into:)` on every path (both Winograds, im2col, swapped), with every fused
/// activation, odd sizes and batch 2, against the separate conv and activation ops (themselves PyTorch-parity-tested).
final class ConvFusedTests: XCTestCase {
    /// (batch, cin, cout, height, width, kernel, stride, padding) covering the three paths.
    let shapes: [(Int, Int, Int, Int, Int, Int, Int, Int)] = [
        (2, 16, 24, 9, 13, 3, 1, 1),   // Winograd
        (1, 3, 16, 11, 7, 7, 1, 3),    // im2col (few input channels)
        (2, 64, 8, 6, 5, 3, 1, 1),     // swapped (few output channels)
        (1, 12, 10, 10, 9, 4, 2, 1),   // Winograd F(2×2, 2×2), stride 2
        (2, 12, 10, 11, 8, 3, 2, 1),   // im2col, stride 2
    ]

    func activations(_ cout: Int, _ rng: inout SeededRNG) throws -> [(String, ConvActivation)] {
        [("relu", .relu), ("leakyReLU", .leakyReLU(0.2)),
         ("prelu", .prelu(Tensor.uniform([cout], low: -0.3, high: 0.6, rng: &rng))),
         ("prelu shared", .prelu(try Tensor(shape: [1], values: [0.25])))]
    }

    func separate(_ y: Tensor, _ activation: ConvActivation) throws -> Tensor {
        switch activation {
        case .relu: return y.relu()
        case .leakyReLU(let s): return y.leakyReLU(s)
        case .prelu(let w): return try y.prelu(weight: w)
        }
    }

    func testFusedConvMatchesSeparateOpsOnEveryPath() throws {
        var rng = SeededRNG(seed: 51)
        for (n, cin, cout, h, w, k, stride, pad) in shapes {
            let x = Tensor.normal([n, cin, h, w], rng: &rng)
            let weight = Tensor.normal([cout, cin, k, k], std: 0.2, rng: &rng)
            let bias = Tensor.normal([cout], rng: &rng)
            let plain = try withoutGrad { try x.conv2d(weight: weight, bias: bias, stride: stride, padding: pad) }
            for (label, activation) in try activations(cout, &rng) {
                let expected = try separate(plain, activation)
                let fused = try withoutGrad {
                    try x.conv2d(weight: weight, bias: bias, stride: stride, padding: pad, activation: activation)
                }
                assertClose(fused, shape: expected.shape, expected.values, "\(label) \(cin)→\(cout) k\(k) s\(stride) n\(n)")
            }
        }
    }

    func testFusedConvRecordsGradientsWhenTheTapeIsOn() throws {
        var rng = SeededRNG(seed: 52)
        let x = Tensor.normal([2, 8, 5, 6], rng: &rng), w = Tensor.normal([8, 8, 3, 3], std: 0.3, rng: &rng)
        let b = Tensor.normal([8], rng: &rng), slopes = Tensor.uniform([8], low: 0.1, high: 0.4, rng: &rng)
        let r = Tensor.normal([2, 8, 5, 6], rng: &rng)
        func grads(_ forward: () throws -> Tensor) throws -> [[Float]] {
            for t in [x, w, b, slopes] { t.requiresGrad = true; t.zeroGrad() }
            try (forward() * r).sum().backward()
            return [x, w, b, slopes].map { $0.grad?.values ?? [] }
        }
        let fused = try grads { try x.conv2d(weight: w, bias: b, padding: 1, activation: .prelu(slopes)) }
        let separate = try grads { try x.conv2d(weight: w, bias: b, padding: 1).prelu(weight: slopes) }
        for (i, (f, s)) in zip(fused, separate).enumerated() {
            XCTAssertFalse(f.isEmpty, "input \(i) got a gradient")
            assertClose(f, s, "gradient of input \(i)")
        }
    }

    func testConvIntoChannelViewsWritesOnlyItsSlice() throws {
        var rng = SeededRNG(seed: 53)
        let x = Tensor.normal([1, 16, 7, 9], rng: &rng), weight = Tensor.normal([8, 16, 3, 3], std: 0.2, rng: &rng)
        let buffer = Tensor.full([1, 30, 7, 9], 7)
        let slice = try buffer.channelView(10..<18)
        try x.conv2d(weight: weight, padding: 1, activation: .leakyReLU(0.2), into: slice)
        let expected = try withoutGrad { try x.conv2d(weight: weight, padding: 1).leakyReLU(0.2) }
        let plane = 63
        assertClose(Array(buffer.values[(10 * plane)..<(18 * plane)]), expected.values, "the slice holds the conv")
        XCTAssertTrue(buffer.values[0..<(10 * plane)].allSatisfy { $0 == 7 }, "channels before the slice untouched")
        XCTAssertTrue(buffer.values[(18 * plane)...].allSatisfy { $0 == 7 }, "channels after the slice untouched")
        XCTAssertThrowsError(try x.conv2d(weight: weight, padding: 0, activation: nil, into: slice), "wrong output shape")
        XCTAssertThrowsError(try Tensor.zeros([2, 4, 3, 3]).channelView(0..<2), "views are batch 1 only")
    }
}

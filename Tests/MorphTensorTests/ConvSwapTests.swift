import XCTest
@testable import MorphTensor
import TestSupport

/// The swapped stride-1 path (few output channels), forward, input gradient and weight gradient: against PyTorch
/// fixtures, against im2col on random inputs (batches, dilation, even kernels, paddings, one image larger than a
/// column band), and finite differences through `conv2d`.
final class ConvSwapTests: XCTestCase {
    func testSwappedConvMatchesPyTorch() throws {
        try OpsCheck.each("conv_k") { name in
            guard name.contains("_swap_") else { return }
            let f = try Fixture.load(name)
            let x = try f.tensor("x"), w = try f.tensor("weight"), bias = f.tensors["bias"]
            let geo = try Tensor.geometry("test", channels: x.shape[1], height: x.shape[2], width: x.shape[3],
                                          kernel: (w.shape[2], w.shape[3]), stride: f.int("stride"), padding: f.int("padding"),
                                          dilation: f.int("dilation"))
            XCTAssertEqual(ConvAlgorithm.auto.resolved(geo, outputChannels: w.shape[0], forward: true), .swapped, name)
            XCTAssertEqual(ConvAlgorithm.auto.resolved(geo, outputChannels: w.shape[0], forward: false), .swapped, name)
            let expected = try f.tensor("out")
            let out = Tensor(zeros: expected.shape, zeroed: false)
            Tensor.convForward(input: x, weight: w, geometry: geo, output: out, bias: bias, algorithm: .swapped)
            assertClose(out, shape: expected.shape, expected.values, "\(name) swapped out")
            let gx = Tensor.convInputGradient(try f.tensor("r"), weight: w, geometry: geo, batch: x.shape[0], algorithm: .swapped)
            assertClose(gx, shape: x.shape, try f.tensor("grad_x").values, "\(name) swapped grad_x")
            let gw = Tensor.convWeightGradient(try f.tensor("r"), input: x, weightShape: w.shape, geometry: geo,
                                               algorithm: .swapped)
            assertClose(gw, shape: w.shape, try f.tensor("grad_weight").values, "\(name) swapped grad_weight")
        }
    }

    func testSwappedConvTransposeMatchesPyTorch() throws {
        try OpsCheck.each("convT_") { name in
            guard name.contains("_swap_") else { return }
            let f = try Fixture.load(name)
            let x = try f.tensor("x"), w = try f.tensor("weight"), bias = f.tensors["bias"]
            let expected = try f.tensor("out")
            let geo = ConvGeometry(channels: w.shape[1], height: expected.shape[2], width: expected.shape[3],
                                   kernelH: w.shape[2], kernelW: w.shape[3], stride: 1, padding: try f.int("padding"),
                                   dilation: try f.int("dilation"), outH: x.shape[2], outW: x.shape[3])
            XCTAssertEqual(ConvAlgorithm.auto.resolved(geo, outputChannels: w.shape[0], forward: false), .swapped, name)
            let out = Tensor.convInputGradient(x, weight: w, geometry: geo, batch: x.shape[0], algorithm: .swapped)
            if let bias { Tensor.addChannelBias(out, bias) }
            assertClose(out, shape: expected.shape, expected.values, "\(name) swapped out")
            let gx = Tensor(zeros: x.shape, zeroed: false)
            Tensor.convForward(input: try f.tensor("r"), weight: w, geometry: geo, output: gx, algorithm: .swapped)
            assertClose(gx, shape: x.shape, try f.tensor("grad_x").values, "\(name) swapped grad_x")
            // The transposed op's weight gradient: its input x on the column side, the upstream gradient as the image.
            let gw = Tensor.convWeightGradient(x, input: try f.tensor("r"), weightShape: w.shape, geometry: geo,
                                               algorithm: .swapped)
            assertClose(gw, shape: w.shape, try f.tensor("grad_weight").values, "\(name) swapped grad_weight")
        }
    }

    func testSwappedAgreesWithIm2colOnRandomInputs() throws {
        // (batch, cin, cout, height, width, kernel, padding, dilation)
        let cases: [(Int, Int, Int, Int, Int, Int, Int, Int)] = [
            (1, 64, 3, 20, 17, 7, 0, 1), (2, 9, 4, 7, 11, 3, 1, 1), (1, 5, 1, 6, 6, 4, 3, 1), (1, 7, 2, 15, 9, 3, 2, 3),
            (3, 4, 2, 1, 8, 2, 1, 1),
        ]
        var rng = SeededRNG(seed: 31)
        for (n, cin, cout, h, w, k, pad, dil) in cases {
            let label = "n\(n) \(cin)→\(cout) \(h)×\(w) k\(k) p\(pad) d\(dil)"
            let x = Tensor.normal([n, cin, h, w], rng: &rng)
            let weight = Tensor.normal([cout, cin, k, k], std: 0.3, rng: &rng)
            let bias = Tensor.normal([cout], rng: &rng)
            let geo = try Tensor.geometry("test", channels: cin, height: h, width: w, kernel: (k, k), stride: 1, padding: pad,
                                          dilation: dil)
            XCTAssertTrue(geo.canSwap, label)
            let reference = Tensor(zeros: [n, cout, geo.outH, geo.outW], zeroed: false)
            Tensor.convForward(input: x, weight: weight, geometry: geo, output: reference, bias: bias, algorithm: .im2col)
            let swapped = Tensor(zeros: reference.shape, zeroed: false)
            Tensor.convForward(input: x, weight: weight, geometry: geo, output: swapped, bias: bias, algorithm: .swapped)
            assertClose(swapped, shape: reference.shape, reference.values, atol: 1e-4, "\(label) forward")
            let g = Tensor.normal(reference.shape, rng: &rng)
            let gradReference = Tensor.convInputGradient(g, weight: weight, geometry: geo, batch: n, algorithm: .im2col)
            let gradSwapped = Tensor.convInputGradient(g, weight: weight, geometry: geo, batch: n, algorithm: .swapped)
            assertClose(gradSwapped, shape: x.shape, gradReference.values, atol: 1e-4, "\(label) input gradient")
            let weightReference = Tensor.convWeightGradient(g, input: x, weightShape: weight.shape, geometry: geo,
                                                            algorithm: .im2col)
            let weightSwapped = Tensor.convWeightGradient(g, input: x, weightShape: weight.shape, geometry: geo,
                                                          algorithm: .swapped)
            assertClose(weightSwapped, shape: weight.shape, weightReference.values, atol: 1e-3, "\(label) weight gradient")
        }
    }

    func testSwappedWeightGradientAcrossColumnBands() throws {
        var rng = SeededRNG(seed: 32)
        for (n, pad) in [(2, 3), (1, 1)] {
            let x = Tensor.normal([n, 12, 13, 10], rng: &rng)
            let geo = try Tensor.geometry("test", channels: 12, height: 13, width: 10, kernel: (7, 7), stride: 1,
                                          padding: pad, dilation: 1)
            let g = Tensor.normal([n, 3, geo.outH, geo.outW], rng: &rng)
            let reference = Tensor.convWeightGradient(g, input: x, weightShape: [3, 12, 7, 7], geometry: geo,
                                                      algorithm: .im2col)
            // 3·49 column rows of 10 pixels: 1500 floats is two image rows a band, so 13 rows take 7 bands.
            let banded = Tensor.swappedWeightGradient(g, input: x, weightShape: [3, 12, 7, 7], geometry: geo, bandFloats: 1500)
            assertClose(banded, shape: [3, 12, 7, 7], reference.values, atol: 1e-3, "n\(n) p\(pad) banded")
        }
    }

    func testSwapNeedsStrideOneAndSmallPadding() throws {
        let s2 = try Tensor.geometry("test", channels: 16, height: 9, width: 9, kernel: (3, 3), stride: 2, padding: 1, dilation: 1)
        XCTAssertEqual(ConvAlgorithm.auto.resolved(s2, outputChannels: 2, forward: true), .im2col)
        let wide = try Tensor.geometry("test", channels: 16, height: 9, width: 9, kernel: (3, 3), stride: 1, padding: 3, dilation: 1)
        XCTAssertFalse(wide.canSwap)
        XCTAssertEqual(ConvAlgorithm.swapped.resolved(wide, outputChannels: 2, forward: true), .im2col)
    }

    func testSwappedGradientsAgreeWithFiniteDifferences() throws {
        var rng = SeededRNG(seed: 5)
        let x = Tensor.normal([1, 6, 5, 6], rng: &rng)
        let w = Tensor.normal([2, 6, 3, 3], std: 0.4, rng: &rng)
        let b = Tensor.normal([2], rng: &rng)
        try OpsCheck.gradients("conv2d swapped p1", [x, w, b]) { t in
            try t[0].conv2d(weight: t[1], bias: t[2], padding: 1)
        }
        let xt = Tensor.normal([1, 2, 4, 5], rng: &rng)
        let wt = Tensor.normal([2, 6, 3, 3], std: 0.4, rng: &rng)
        let bt = Tensor.normal([6], rng: &rng)
        try OpsCheck.gradients("convTranspose2d swapped s1", [xt, wt, bt]) { t in
            try t[0].convTranspose2d(weight: t[1], bias: t[2], padding: 1)
        }
    }
}

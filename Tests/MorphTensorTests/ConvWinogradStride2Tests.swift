import XCTest
@testable import MorphTensor
import TestSupport

/// Winograd F(2×2, 2×2) for 4×4 stride-2 convs and their transposes (`WinogradStride2`): against PyTorch fixtures
/// (odd sizes, paddings 0–2, output padding 1, batch 2), against the im2col path on random inputs under tile-block
/// and channel-block caps with every fused activation, and by finite differences.
final class ConvWinogradStride2Tests: XCTestCase {
    func testForwardAndInputGradientMatchPyTorch() throws {
        try OpsCheck.each("conv_k4_s2_wino") { name in
            let f = try Fixture.load(name)
            let x = try f.tensor("x"), w = try f.tensor("weight"), bias = f.tensors["bias"]
            let geo = try Tensor.geometry("test", channels: x.shape[1], height: x.shape[2], width: x.shape[3], kernel: (4, 4),
                                          stride: 2, padding: f.int("padding"), dilation: 1)
            let expected = try f.tensor("out")
            let out = Tensor(zeros: expected.shape, zeroed: false)
            Tensor.convForward(input: x, weight: w, geometry: geo, output: out, bias: bias, algorithm: .winogradStride2)
            assertClose(out, shape: expected.shape, expected.values, "\(name) out")
            let gx = Tensor.convInputGradient(try f.tensor("r"), weight: w, geometry: geo, batch: x.shape[0],
                                              algorithm: .winogradStride2)
            assertClose(gx, shape: x.shape, try f.tensor("grad_x").values, "\(name) grad_x")
            assertCloseScaled(gx.values, try f.tensor("exact_grad_x").values, floorFraction: 1e-6, "\(name) grad_x (float64)")
        }
    }

    func testConvTransposeAndItsInputGradientMatchPyTorch() throws {
        try OpsCheck.each("convT_k4_s2_wino") { name in
            let f = try Fixture.load(name)
            let x = try f.tensor("x"), w = try f.tensor("weight"), bias = f.tensors["bias"]
            let expected = try f.tensor("out")
            let out = try withoutGrad {
                try x.convTranspose2d(weight: w, bias: bias, stride: 2, padding: f.int("padding"),
                                      outputPadding: f.int("output_padding"))
            }
            assertClose(out, shape: expected.shape, expected.values, "\(name) out")
            let geo = ConvGeometry(channels: w.shape[1], height: expected.shape[2], width: expected.shape[3], kernelH: 4,
                                   kernelW: 4, stride: 2, padding: try f.int("padding"), dilation: 1, outH: x.shape[2],
                                   outW: x.shape[3])
            let gx = Tensor(zeros: x.shape, zeroed: false)
            Tensor.convForward(input: try f.tensor("r"), weight: w, geometry: geo, output: gx, algorithm: .winogradStride2)
            assertClose(gx, shape: x.shape, try f.tensor("grad_x").values, "\(name) grad_x")
        }
    }

    /// Forward with bias and each fused activation, and the transposed op, against im2col (+ the separate
    /// activation) under caps that cut tile rows into blocks of 3 or 5 tiles and output channels into blocks of 8.
    func testAgreesWithIm2colAcrossBlocksAndActivations() throws {
        // (batch, cin, cout, height, width, padding, tile cap, channel cap)
        let cases: [(Int, Int, Int, Int, Int, Int, Int, Int)] = [
            (2, 5, 17, 13, 10, 1, 3, 8), (1, 16, 8, 9, 31, 0, 5, .max), (1, 2, 24, 20, 7, 2, .max, 8),
            (3, 9, 12, 6, 6, 1, 7, .max), (1, 64, 32, 34, 18, 1, 64, 16),
        ]
        var rng = SeededRNG(seed: 61)
        for (n, cin, cout, h, w, pad, tiles, channels) in cases {
            let label = "n\(n) \(cin)→\(cout) \(h)×\(w) p\(pad) caps \(tiles)/\(channels)"
            let x = Tensor.normal([n, cin, h, w], rng: &rng)
            let weight = Tensor.normal([cout, cin, 4, 4], std: 0.2, rng: &rng)
            let bias = Tensor.normal([cout], rng: &rng), slopes = Tensor.uniform([cout], low: -0.3, high: 0.6, rng: &rng)
            let geo = try Tensor.geometry("test", channels: cin, height: h, width: w, kernel: (4, 4), stride: 2, padding: pad,
                                          dilation: 1)
            let plain = Tensor(zeros: [n, cout, geo.outH, geo.outW], zeroed: false)
            Tensor.convForward(input: x, weight: weight, geometry: geo, output: plain, bias: bias, algorithm: .im2col)
            let activations: [(String, FusedActivation, Tensor)] = try [
                ("none", .none, plain), ("relu", .relu, plain.relu()), ("leaky", .leakyReLU(0.2), plain.leakyReLU(0.2)),
                ("prelu", .prelu(UnsafePointer(slopes.data), shared: false), plain.prelu(weight: slopes)),
            ]
            for (name, activation, expected) in activations {
                let fast = Tensor(zeros: plain.shape)
                WinogradStride2.forward(input: x.data, batch: n, geometry: geo, weight: weight.data, outChannels: cout,
                                        bias: UnsafePointer(bias.data), activation: activation, output: fast.data,
                                        maxBlockTiles: tiles, maxChannelBlock: channels)
                assertClose(fast, shape: plain.shape, expected.values, atol: 1e-4, "\(label) forward \(name)")
            }
            let g = Tensor.normal(plain.shape, rng: &rng)
            let reference = Tensor.convInputGradient(g, weight: weight, geometry: geo, batch: n, algorithm: .im2col)
            let fast = Tensor(zeros: x.shape)
            fast.fill(7)  // every element must be written, the zeros beyond the last phase included
            WinogradStride2.transposed(g.data, batch: n, geometry: geo, gradientChannels: cout, weight: weight.data,
                                       into: fast.data, maxBlockTiles: tiles, maxChannelBlock: channels)
            assertClose(fast, shape: x.shape, reference.values, atol: 1e-4, "\(label) transposed")
        }
    }

    /// `.auto` takes F(2×2, 2×2) where it pays: the U-Net's outer layers, not its innermost (few tiles, large weights),
    /// and not with too few channels on a side.
    func testAutoPicksItWhereItPays() throws {
        func method(_ c: Int, _ k: Int, _ size: Int, forward: Bool) throws -> ConvAlgorithm {
            let geo = try Tensor.geometry("test", channels: c, height: size, width: size, kernel: (4, 4), stride: 2, padding: 1,
                                          dilation: 1)
            return ConvAlgorithm.auto.resolved(geo, outputChannels: k, forward: forward)
        }
        XCTAssertEqual(try method(64, 128, 128, forward: true), .winogradStride2)   // down 64→128 at 128²
        XCTAssertEqual(try method(64, 256, 128, forward: false), .winogradStride2)  // up 256→64 to 128²
        XCTAssertEqual(try method(3, 64, 256, forward: true), .winogradStride2)     // 12 phase channels
        XCTAssertEqual(try method(256, 512, 32, forward: true), .im2col)            // 16×16 outputs: 64 tiles
        XCTAssertEqual(try method(512, 512, 16, forward: true), .im2col)            // 8×8 outputs: 16 tiles
        XCTAssertEqual(try method(1, 64, 64, forward: true), .im2col)               // 4 phase channels
        XCTAssertEqual(try method(64, 4, 64, forward: true), .im2col)               // 4 output channels
        XCTAssertEqual(try method(1, 64, 64, forward: false), .im2col)              // 4 phase channels
    }

    /// Finite differences through the tape, on images with enough tiles for `.auto` to take F(2×2, 2×2) both ways.
    func testGradientsAgreeWithFiniteDifferences() throws {
        var rng = SeededRNG(seed: 62)
        let x = Tensor.normal([1, 3, 41, 40], rng: &rng)
        let w = Tensor.normal([8, 3, 4, 4], std: 0.3, rng: &rng)
        let b = Tensor.normal([8], rng: &rng)
        let geo = try Tensor.geometry("test", channels: 3, height: 41, width: 40, kernel: (4, 4), stride: 2, padding: 1, dilation: 1)
        XCTAssertEqual(ConvAlgorithm.auto.resolved(geo, outputChannels: 8, forward: true), .winogradStride2)
        XCTAssertEqual(ConvAlgorithm.auto.resolved(geo, outputChannels: 8, forward: false), .winogradStride2)
        try OpsCheck.gradients("conv2d 4×4 s2 p1", [x, w, b]) { t in
            try t[0].conv2d(weight: t[1], bias: t[2], stride: 2, padding: 1)
        }
        let xt = Tensor.normal([1, 8, 19, 20], rng: &rng), wt = Tensor.normal([8, 3, 4, 4], std: 0.3, rng: &rng)
        try OpsCheck.gradients("convTranspose2d 4×4 s2 p1", [xt, wt, Tensor.normal([3], rng: &rng)]) { t in
            try t[0].convTranspose2d(weight: t[1], bias: t[2], stride: 2, padding: 1)
        }
    }
}

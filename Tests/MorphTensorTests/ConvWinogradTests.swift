import XCTest
@testable import MorphTensor
import TestSupport

/// Winograd F(2×2, 3×3): the fast path itself (forward, input and weight gradients) against PyTorch fixtures, against the im2col path on
/// random inputs (odd sizes, batches, paddings 0–2, blocks that split tile rows), and finite differences. (Forward convs
/// and input gradients run F(4×4, 3×3) by default, see ConvWinograd4x4Tests; the weight gradient runs F(2×2, 3×3).)
final class ConvWinogradTests: XCTestCase {
    /// The correlation of `Winograd.correlate` by F(2×2, 3×3), as `Tensor.convForward` / `convInputGradient` call it.
    func correlate2x2(_ x: Tensor, _ weight: Tensor, bias: Tensor? = nil, outChannels: Int, pad: Int, transposed: Bool,
                      outH: Int, outW: Int) -> Tensor {
        WinogradComparison.correlate(x, weight, bias: bias, outChannels: outChannels, pad: pad, transposed: transposed,
                                     outH: outH, outW: outW, tile: .f2x3)
    }

    func testWinogradForwardAndInputGradientMatchPyTorch() throws {
        try OpsCheck.each("conv_k3_wino") { name in
            // The F(4×4, 3×3) fixtures reach 256 input channels, where PyTorch's float32 result itself is further than
            // 1e-5 from float64; ConvWinograd4x4Tests measures them against float64.
            guard !name.hasPrefix("conv_k3_wino4") else { return }
            let f = try Fixture.load(name)
            let x = try f.tensor("x"), w = try f.tensor("weight"), bias = f.tensors["bias"]
            let geo = try Tensor.geometry("test", channels: x.shape[1], height: x.shape[2], width: x.shape[3], kernel: (3, 3),
                                          stride: f.int("stride"), padding: f.int("padding"), dilation: f.int("dilation"))
            XCTAssertTrue(Winograd.profitable(geo, inner: x.shape[1], outer: w.shape[0]), "\(name) should take Winograd")
            XCTAssertTrue(Winograd.profitable(geo, inner: w.shape[0], outer: x.shape[1]), "\(name) gradient should take Winograd")
            let expected = try f.tensor("out")
            let out = correlate2x2(x, w, bias: bias, outChannels: w.shape[0], pad: geo.padding, transposed: false,
                                   outH: geo.outH, outW: geo.outW)
            assertClose(out, shape: expected.shape, expected.values, "\(name) winograd out")
            let gx = correlate2x2(try f.tensor("r"), w, outChannels: x.shape[1], pad: 2 - geo.padding, transposed: true,
                                  outH: geo.height, outW: geo.width)
            assertClose(gx, shape: x.shape, try f.tensor("grad_x").values, "\(name) winograd grad_x")
        }
    }

    /// The weight gradient by Winograd against float64 (`exact_grad_weight`): within 1e-4 relative plus 10⁻⁶ of the
    /// largest element, and its worst error at most twice PyTorch's own float32 one (`grad_weight`) on the same case.
    func testWinogradWeightGradientStaysWithinPyTorchsRounding() throws {
        try OpsCheck.each("conv_k3_wino") { name in
            let f = try Fixture.load(name)
            let x = try f.tensor("x"), w = try f.tensor("weight"), r = try f.tensor("r")
            let geo = try Tensor.geometry("test", channels: x.shape[1], height: x.shape[2], width: x.shape[3], kernel: (3, 3),
                                          stride: f.int("stride"), padding: f.int("padding"), dilation: f.int("dilation"))
            let gw = Tensor.convWeightGradient(r, input: x, weightShape: w.shape, geometry: geo, algorithm: .winograd)
            let exact = try f.tensor("exact_grad_weight").values, pytorch = try f.tensor("grad_weight").values
            assertCloseScaled(gw.values, exact, floorFraction: 1e-6, "\(name) winograd grad_weight")
            func worst(_ a: [Float]) -> Float { zip(a, exact).map { abs($0 - $1) }.max() ?? 0 }
            let scale = exact.map(abs).max() ?? 0
            XCTAssertLessThanOrEqual(worst(gw.values), max(2 * worst(pytorch), 1e-7 * scale),
                                     "\(name): Winograd's worst error against PyTorch's own")
        }
    }

    func testWinogradConvTransposeStride1MatchesPyTorch() throws {
        try OpsCheck.each("convT_k3_s1_wino") { name in
            let f = try Fixture.load(name)
            let x = try f.tensor("x"), w = try f.tensor("weight"), bias = f.tensors["bias"]
            let expected = try f.tensor("out")
            let geo = ConvGeometry(channels: w.shape[1], height: expected.shape[2], width: expected.shape[3], kernelH: 3, kernelW: 3,
                                   stride: 1, padding: try f.int("padding"), dilation: 1, outH: x.shape[2], outW: x.shape[3])
            XCTAssertTrue(Winograd.profitable(geo, inner: w.shape[0], outer: w.shape[1]), "\(name) should take Winograd")
            let out = correlate2x2(x, w, bias: bias, outChannels: w.shape[1], pad: 2 - geo.padding, transposed: true,
                                   outH: geo.height, outW: geo.width)
            assertClose(out, shape: expected.shape, expected.values, "\(name) winograd out")
            let gx = correlate2x2(try f.tensor("r"), w, outChannels: x.shape[1], pad: geo.padding, transposed: false,
                                  outH: geo.outH, outW: geo.outW)
            assertClose(gx, shape: x.shape, try f.tensor("grad_x").values, "\(name) winograd grad_x")
        }
    }

    func testWinogradAgreesWithIm2colOnRandomInputs() throws {
        // (batch, cin, cout, height, width, padding, bias, block cap in tiles)
        let cases: [(Int, Int, Int, Int, Int, Int, Bool, Int)] = [
            (1, 8, 8, 1, 1, 1, true, .max), (2, 9, 17, 13, 6, 0, true, 5), (1, 16, 8, 2, 31, 2, false, 3),
            (1, 33, 20, 17, 17, 1, true, .max), (3, 8, 12, 10, 3, 1, true, 7), (1, 64, 48, 40, 37, 1, false, 40),
            (1, 10, 11, 3, 3, 0, false, .max),
        ]
        var rng = SeededRNG(seed: 21)
        for (n, cin, cout, h, w, pad, hasBias, cap) in cases {
            let label = "n\(n) \(cin)→\(cout) \(h)×\(w) p\(pad) cap \(cap)"
            try WinogradComparison.assertMatchesIm2col(batch: n, cin: cin, cout: cout, height: h, width: w, padding: pad,
                                                       hasBias: hasBias, caps: .init(tiles: cap), rng: &rng, label: label)
        }
    }

    func testWinogradGradientsAgreeWithFiniteDifferences() throws {
        var rng = SeededRNG(seed: 4)
        let x = Tensor.normal([1, 8, 5, 6], rng: &rng)
        let w = Tensor.normal([8, 8, 3, 3], std: 0.3, rng: &rng)
        let b = Tensor.normal([8], rng: &rng)
        let geo = try Tensor.geometry("test", channels: 8, height: 5, width: 6, kernel: (3, 3), stride: 1, padding: 1, dilation: 1)
        XCTAssertTrue(Winograd.profitable(geo, inner: 8, outer: 8))
        try OpsCheck.gradients("conv2d winograd p1", [x, w, b]) { t in
            try t[0].conv2d(weight: t[1], bias: t[2], padding: 1)
        }
        let wt = Tensor.normal([8, 8, 3, 3], std: 0.3, rng: &rng)
        try OpsCheck.gradients("convTranspose2d winograd s1 p1", [x, wt, b]) { t in
            try t[0].convTranspose2d(weight: t[1], bias: t[2], padding: 1)
        }
    }

    func testLargeImageCrossesBlocksAndStillMatchesPointwiseSum() throws {
        // An all-ones 3×3 kernel over a constant image: interior pixels are 9·Cin, corners 4·Cin, edges 6·Cin.
        let h = 400, w = 331
        let x = Tensor.ones([1, 8, h, w])
        let kernel = Tensor.ones([8, 8, 3, 3])
        let geo = try Tensor.geometry("test", channels: 8, height: h, width: w, kernel: (3, 3), stride: 1, padding: 1, dilation: 1)
        let tiles = (h / 2) * ((w + 1) / 2)
        XCTAssertLessThan(WinogradPlan(inner: 8, outer: 8, totalTiles: tiles, workers: 1).group, tiles, "the image should need several groups")
        let y = Tensor(zeros: [1, 8, h, w], zeroed: false)
        Tensor.convForward(input: x, weight: kernel, geometry: geo, output: y, algorithm: .winograd)
        XCTAssertEqual(y.data[200 * w + 100], 72)
        XCTAssertEqual(y.data[0], 32)
        XCTAssertEqual(y.data[(h - 1) * w + w - 1], 32)
        XCTAssertEqual(y.data[w + w - 1], 48)
        XCTAssertEqual(y.data[h * w + (h - 1) * w + 7], 48)
        XCTAssertEqual((0..<y.count).filter { y.data[$0] != 72 && y.data[$0] != 48 && y.data[$0] != 32 }.count, 0)
    }
}

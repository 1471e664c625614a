import XCTest
@testable import MorphTensor
import TestSupport

/// Winograd F(4×4, 3×3), the algorithm of Morph's 3×3 stride-1 convs: forward, input and weight gradients, and
/// convTranspose2d with stride 1, against PyTorch's float64 results, with PyTorch's own Winograd (NNPACK) as the
/// bound on rounding; then against im2col on random cases across tile, tile-block, channel-block and group boundaries.
///
/// Tolerance: F(4×4, 3×3) in Float32 cannot meet 1e-4 relative on every element (its transforms scale by up to 8
/// and 1/24, and outputs near zero are differences of large terms). Its worst error against float64 is asserted to
/// be at most `nnpackFactor` times that of PyTorch's own float32 Winograd on the same case (the `nnpack_*` keys:
/// NNPACK's F(6×6, 3×3), which `torch._nnpack_spatial_convolution` runs), and every element must stay within
/// 1e-4 relative plus `floorFraction` of the largest element.
final class ConvWinograd4x4Tests: XCTestCase {
    /// How far past NNPACK's worst error Morph's may go (NNPACK's small cases round less than its large ones).
    let nnpackFactor = 1.5
    /// The absolute floor of the element-wise check, as a fraction of the reference's largest element.
    let floorFraction: Float = 2e-5

    /// The conv (or, `transposed`, the correlation of the input gradient) by F(4×4, 3×3), with no bias.
    func correlate(_ x: Tensor, _ weight: Tensor, cout: Int, pad: Int, transposed: Bool, outH: Int, outW: Int,
                   maxChannelBlock: Int = .max) -> Tensor {
        WinogradComparison.correlate(x, weight, outChannels: cout, pad: pad, transposed: transposed, outH: outH,
                                     outW: outW, tile: .f4x3, maxChannelBlock: maxChannelBlock)
    }

    /// Asserts Morph's result within the element-wise tolerance and within `nnpackFactor` of NNPACK's worst error.
    func assertWithinNNPACK(_ morph: Tensor, bias: Tensor?, exact: Tensor, nnpack: Tensor, _ label: String,
                            file: StaticString = #filePath, line: UInt = #line) {
        let plane = exact.count / exact.shape[0] / exact.shape[1]
        let biasOf = { (i: Int) -> Double in bias.map { Double($0.data[(i / plane) % exact.shape[1]]) } ?? 0 }
        var worstMorph = 0.0, worstNNPACK = 0.0
        for i in 0..<exact.count {
            worstMorph = max(worstMorph, abs(Double(morph.data[i]) + biasOf(i) - Double(exact.data[i])))
            worstNNPACK = max(worstNNPACK, abs(Double(nnpack.data[i]) + biasOf(i) - Double(exact.data[i])))
        }
        XCTAssertLessThanOrEqual(worstMorph, nnpackFactor * worstNNPACK,
                                 "\(label): worst error \(worstMorph) against NNPACK's \(worstNNPACK)", file: file, line: line)
        let withBias = Tensor(zeros: morph.shape, zeroed: false)
        for i in 0..<morph.count { withBias.data[i] = Float(Double(morph.data[i]) + biasOf(i)) }
        assertCloseScaled(withBias.values, exact.values, floorFraction: floorFraction, label, file: file, line: line)
    }

    func testForwardAndInputGradientStayWithinPyTorchsWinograd() throws {
        try OpsCheck.each("conv_k3_wino4") { name in
            let f = try Fixture.load(name)
            let x = try f.tensor("x"), w = try f.tensor("weight"), r = try f.tensor("r"), pad = try f.int("padding")
            let (h, wd, cout, cin) = (x.shape[2], x.shape[3], w.shape[0], w.shape[1])
            let out = correlate(x, w, cout: cout, pad: pad, transposed: false, outH: h + 2 * pad - 2, outW: wd + 2 * pad - 2)
            assertWithinNNPACK(out, bias: f.tensors["bias"], exact: try f.tensor("exact_out"), nnpack: try f.tensor("nnpack_out"),
                               "\(name) out")
            let gx = correlate(r, w, cout: cin, pad: 2 - pad, transposed: true, outH: h, outW: wd)
            assertWithinNNPACK(gx, bias: nil, exact: try f.tensor("exact_grad_x"), nnpack: try f.tensor("nnpack_grad_x"),
                               "\(name) grad_x")
        }
    }

    func testConvTransposeStride1StaysWithinPyTorchsWinograd() throws {
        try OpsCheck.each("convT_k3_s1_wino4") { name in
            let f = try Fixture.load(name)
            let x = try f.tensor("x"), w = try f.tensor("weight"), r = try f.tensor("r"), pad = try f.int("padding")
            let (h, wd, cin, cout) = (x.shape[2], x.shape[3], w.shape[0], w.shape[1])
            let out = correlate(x, w, cout: cout, pad: 2 - pad, transposed: true, outH: h + 2 - 2 * pad, outW: wd + 2 - 2 * pad)
            assertWithinNNPACK(out, bias: f.tensors["bias"], exact: try f.tensor("exact_out"), nnpack: try f.tensor("nnpack_out"),
                               "\(name) out")
            let gx = correlate(r, w, cout: cin, pad: pad, transposed: false, outH: h, outW: wd)
            assertWithinNNPACK(gx, bias: nil, exact: try f.tensor("exact_grad_x"), nnpack: try f.tensor("nnpack_grad_x"),
                               "\(name) grad_x")
        }
    }

    /// Random cases against im2col: sizes that are and are not multiples of 4 (1×1 up to 40×37), batches 1–3,
    /// paddings 0–2, and caps that cut tile blocks inside a tile row, output channels into blocks, and images into groups.
    func testAgreesWithIm2colAcrossBlockBoundaries() throws {
        // (batch, cin, cout, height, width, padding, bias, caps)
        let cases: [(Int, Int, Int, Int, Int, Int, Bool, WinogradComparison.Caps)] = [
            (1, 8, 8, 1, 1, 1, true, .init()), (2, 9, 17, 13, 6, 0, true, .init(tiles: 5)),
            (1, 16, 8, 2, 31, 2, false, .init(tiles: 3)), (1, 33, 20, 17, 17, 1, true, .init(channels: 8)),
            (3, 8, 12, 10, 3, 1, true, .init(tiles: 7, group: 4)), (1, 64, 48, 40, 37, 1, false, .init(tiles: 40)),
            (1, 10, 11, 3, 3, 0, false, .init()), (2, 96, 72, 12, 16, 1, true, .init(tiles: 6, channels: 24, group: 9)),
        ]
        var rng = SeededRNG(seed: 44)
        for (n, cin, cout, h, w, pad, hasBias, caps) in cases {
            try WinogradComparison.assertMatchesIm2col(batch: n, cin: cin, cout: cout, height: h, width: w, padding: pad,
                                                       hasBias: hasBias, caps: caps, rng: &rng,
                                                       label: "F(4×4, 3×3) n\(n) \(cin)→\(cout) \(h)×\(w) p\(pad) \(caps)",
                                                       tile: .f4x3)
        }
    }

    /// Every fused activation is applied in F(4×4, 3×3)'s output transform, per channel, after the bias.
    func testFusedActivationsInTheOutputTransform() throws {
        var rng = SeededRNG(seed: 45)
        let x = Tensor.normal([2, 12, 9, 11], rng: &rng), w = Tensor.normal([10, 12, 3, 3], std: 0.3, rng: &rng)
        let bias = Tensor.normal([10], rng: &rng), slopes = Tensor.uniform([10], low: -0.3, high: 0.6, rng: &rng)
        let plain = correlate(x, w, cout: 10, pad: 1, transposed: false, outH: 9, outW: 11, maxChannelBlock: 4)
        let activations: [(String, FusedActivation, (Int, Float) -> Float)] = [
            ("relu", .relu, { _, v in max(v, 0) }), ("leakyReLU", .leakyReLU(0.2), { _, v in v > 0 ? v : 0.2 * v }),
            ("prelu", .prelu(UnsafePointer(slopes.data), shared: false), { k, v in v > 0 ? v : slopes.data[k] * v }),
            ("prelu shared", .prelu(UnsafePointer(slopes.data), shared: true), { _, v in v > 0 ? v : slopes.data[0] * v }),
        ]
        for (label, activation, apply) in activations {
            let fused = Tensor(zeros: plain.shape, zeroed: false)
            Winograd.correlate(src: x.data, batch: 2, channels: 12, height: 9, width: 11, pad: 1, weight: w.data,
                               outChannels: 10, transposed: false, bias: UnsafePointer(bias.data), activation: activation,
                               dst: fused.data, outH: 9, outW: 11, maxChannelBlock: 4, tile: .f4x3)
            let expected = (0..<plain.count).map { i in
                let k = (i / 99) % 10
                return apply(k, plain.data[i] + bias.data[k])
            }
            XCTAssertEqual(fused.values, expected, "F(4×4, 3×3) fused \(label): the same sums, bias and activation")
        }
    }

    /// `.auto` takes F(4×4, 3×3) where each transform position has at least `minimumF4x3Work` tile-channel pairs,
    /// and runs exactly `Winograd.correlate`'s F(4×4, 3×3) there (the same bits), for the forward conv and its input gradient.
    func testAutoTakesF4x3WithEnoughTilesAndChannels() throws {
        XCTAssertEqual(Winograd.tile(inner: 64, outH: 64, outW: 64), .f4x3, "256 tiles × 64 channels")
        XCTAssertEqual(Winograd.tile(inner: 256, outH: 32, outW: 32), .f4x3, "64 tiles × 256 channels")
        XCTAssertEqual(Winograd.tile(inner: 64, outH: 48, outW: 48), .f2x3, "144 tiles × 64 channels")
        XCTAssertEqual(Winograd.tile(inner: 255, outH: 32, outW: 32), .f2x3, "one channel short")
        var rng = SeededRNG(seed: 46)
        let x = Tensor.normal([1, 64, 61, 64], rng: &rng), w = Tensor.normal([24, 64, 3, 3], std: 0.1, rng: &rng)
        let geo = try Tensor.geometry("test", channels: 64, height: 61, width: 64, kernel: (3, 3), stride: 1, padding: 1,
                                      dilation: 1)
        let auto = Tensor(zeros: [1, 24, 61, 64], zeroed: false)
        Tensor.convForward(input: x, weight: w, geometry: geo, output: auto)
        XCTAssertEqual(auto.values, correlate(x, w, cout: 24, pad: 1, transposed: false, outH: 61, outW: 64).values)
        XCTAssertEqual(Winograd.tile(inner: 24, outH: 61, outW: 64), .f2x3, "its input gradient reads 24 channels")
        let wide = Tensor.normal([1, 256, 32, 30], rng: &rng), v = Tensor.normal([256, 64, 3, 3], std: 0.1, rng: &rng)
        let narrowGeo = try Tensor.geometry("test", channels: 64, height: 32, width: 30, kernel: (3, 3), stride: 1,
                                            padding: 1, dilation: 1)
        let gx = Tensor.convInputGradient(wide, weight: v, geometry: narrowGeo, batch: 1)
        XCTAssertEqual(gx.values, correlate(wide, v, cout: 64, pad: 1, transposed: true, outH: 32, outW: 30).values)
    }
}

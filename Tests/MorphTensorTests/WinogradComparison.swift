import XCTest
@testable import MorphTensor
import TestSupport

/// The one comparison of `Winograd.correlate` with the im2col path (itself PyTorch-parity-tested): forward
/// with bias, the input gradient through the transposed correlation, and the weight gradient, under given block caps.
/// F(2×2, 3×3) must agree within 1e-4 relative plus 1e-4; F(4×4, 3×3) within 1e-4 relative plus 2·10⁻⁵ of the
/// largest element (the bound ConvWinograd4x4Tests justifies against PyTorch's own Winograd).
enum WinogradComparison {
    /// Caps on the work split: tiles per block, output channels per block, tiles per group (and per weight-gradient job).
    struct Caps: CustomStringConvertible {
        var tiles = Int.max, channels = Int.max, group = Int.max
        var description: String { "caps \(tiles)/\(channels)/\(group)" }
    }

    /// `Winograd.correlate` of `x` with `tile`'s algorithm into a new [N, outChannels, outH, outW] tensor: the forward
    /// conv, or with `transposed` the correlation of an input gradient (and convTranspose2d with stride 1).
    static func correlate(_ x: Tensor, _ weight: Tensor, bias: Tensor? = nil, outChannels: Int, pad: Int,
                          transposed: Bool, outH: Int, outW: Int, tile: WinogradTile,
                          maxChannelBlock: Int = .max) -> Tensor {
        let out = Tensor(zeros: [x.shape[0], outChannels, outH, outW], zeroed: false)
        Winograd.correlate(src: x.data, batch: x.shape[0], channels: x.shape[1], height: x.shape[2], width: x.shape[3],
                           pad: pad, weight: weight.data, outChannels: outChannels, transposed: transposed,
                           bias: bias.map { UnsafePointer($0.data) }, dst: out.data, outH: outH, outW: outW,
                           maxChannelBlock: maxChannelBlock, tile: tile)
        return out
    }

    /// Random input and weights of the given size; asserts Winograd's forward and input gradient match im2col's.
    static func assertMatchesIm2col(batch n: Int, cin: Int, cout: Int, height h: Int, width w: Int, padding pad: Int,
                                    hasBias: Bool, caps: Caps, rng: inout SeededRNG, label: String,
                                    tile: WinogradTile = .f2x3, file: StaticString = #filePath, line: UInt = #line) throws {
        func assertAgrees(_ actual: Tensor, _ expected: Tensor, _ what: String) {
            XCTAssertEqual(actual.shape, expected.shape, "\(label) \(what) shape", file: file, line: line)
            if tile == .f4x3 {
                assertCloseScaled(actual.values, expected.values, floorFraction: 2e-5, "\(label) \(what)", file: file, line: line)
            } else {
                assertClose(actual.values, expected.values, atol: 1e-4, "\(label) \(what)", file: file, line: line)
            }
        }
        let x = Tensor.normal([n, cin, h, w], rng: &rng)
        let weight = Tensor.normal([cout, cin, 3, 3], std: 0.3, rng: &rng)
        let bias = hasBias ? Tensor.normal([cout], rng: &rng) : nil
        let geo = try Tensor.geometry("test", channels: cin, height: h, width: w, kernel: (3, 3), stride: 1, padding: pad, dilation: 1)
        let reference = Tensor(zeros: [n, cout, geo.outH, geo.outW], zeroed: false)
        Tensor.convForward(input: x, weight: weight, geometry: geo, output: reference, bias: bias, algorithm: .im2col)
        let fast = Tensor(zeros: reference.shape)
        Winograd.correlate(src: x.data, batch: n, channels: cin, height: h, width: w, pad: pad, weight: weight.data,
                           outChannels: cout, transposed: false, bias: bias.map { UnsafePointer($0.data) }, dst: fast.data,
                           outH: geo.outH, outW: geo.outW, maxBlockTiles: caps.tiles, maxChannelBlock: caps.channels,
                           maxGroupTiles: caps.group, tile: tile)
        assertAgrees(fast, reference, "forward")

        let g = Tensor.normal(reference.shape, rng: &rng)
        let gradReference = Tensor.convInputGradient(g, weight: weight, geometry: geo, batch: n, algorithm: .im2col)
        let gradFast = Tensor(zeros: x.shape)
        Winograd.correlate(src: g.data, batch: n, channels: cout, height: geo.outH, width: geo.outW, pad: 2 - pad,
                           weight: weight.data, outChannels: cin, transposed: true, dst: gradFast.data, outH: h, outW: w,
                           maxBlockTiles: caps.tiles, maxChannelBlock: caps.channels, maxGroupTiles: caps.group, tile: tile)
        assertAgrees(gradFast, gradReference, "input gradient")

        // The weight gradient sums over every pixel: compare within 1e-4 relative plus 1e-6 of its largest element.
        let weightReference = Tensor.convWeightGradient(g, input: x, weightShape: weight.shape, geometry: geo, algorithm: .im2col)
        let weightFast = Tensor(zeros: weight.shape)
        Winograd.weightGradient(image: x.data, batch: n, channels: cin, height: h, width: w, pad: pad, gradient: g.data,
                                rows: cout, outH: geo.outH, outW: geo.outW, into: weightFast.data, maxJobTiles: caps.group)
        assertCloseScaled(weightFast.values, weightReference.values, floorFraction: 1e-6, "\(label) weight gradient",
                          file: file, line: line)
    }
}

import XCTest
@testable import MorphTensor
import TestSupport

/// The one comparison of `Winograd.correlate` with the im2col path (itself PyTorch-parity-tested): forward
/// with bias, the input gradient through the transposed correlation, and the weight gradient, under given block caps.
enum WinogradComparison {
    /// Caps on the work split: tiles per block, output channels per block, tiles per group (and per weight-gradient job).
    struct Caps: CustomStringConvertible {
        var tiles = Int.max, channels = Int.max, group = Int.max
        var description: String { "caps \(tiles)/\(channels)/\(group)" }
    }

    /// Random input and weights of the given size; asserts Winograd's forward and input gradient match im2col's.
    static func assertMatchesIm2col(batch n: Int, cin: Int, cout: Int, height h: Int, width w: Int, padding pad: Int,
                                    hasBias: Bool, caps: Caps, rng: inout SeededRNG, label: String,
                                    file: StaticString = #filePath, line: UInt = #line) throws {
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
                           maxGroupTiles: caps.group)
        assertClose(fast, shape: reference.shape, reference.values, atol: 1e-4, "\(label) forward", file: file, line: line)

        let g = Tensor.normal(reference.shape, rng: &rng)
        let gradReference = Tensor.convInputGradient(g, weight: weight, geometry: geo, batch: n, algorithm: .im2col)
        let gradFast = Tensor(zeros: x.shape)
        Winograd.correlate(src: g.data, batch: n, channels: cout, height: geo.outH, width: geo.outW, pad: 2 - pad,
                           weight: weight.data, outChannels: cin, transposed: true, dst: gradFast.data, outH: h, outW: w,
                           maxBlockTiles: caps.tiles, maxChannelBlock: caps.channels, maxGroupTiles: caps.group)
        assertClose(gradFast, shape: x.shape, gradReference.values, atol: 1e-4, "\(label) input gradient", file: file, line: line)

        // The weight gradient sums over every pixel: compare within 1e-4 relative plus 1e-6 of its largest element.
        let weightReference = Tensor.convWeightGradient(g, input: x, weightShape: weight.shape, geometry: geo, algorithm: .im2col)
        let weightFast = Tensor(zeros: weight.shape)
        Winograd.weightGradient(image: x.data, batch: n, channels: cin, height: h, width: w, pad: pad, gradient: g.data,
                                rows: cout, outH: geo.outH, outW: geo.outW, into: weightFast.data, maxJobTiles: caps.group)
        assertCloseScaled(weightFast.values, weightReference.values, floorFraction: 1e-6, "\(label) weight gradient",
                          file: file, line: line)
    }
}

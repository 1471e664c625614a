import Foundation

/// Which kernel runs a convolution (or its input gradient); `.auto` picks by geometry and channel counts.
///
/// - `.im2col`: im2col + sgemm (forward) or sgemm + col2im (input gradient), any geometry.
/// - `.winograd`: Winograd F(4×4, 3×3) or F(2×2, 3×3) (`Winograd.tile`) for 3×3, stride-1, dilation-1 kernels
///   with padding ≤ 2; their weight gradients take F(2×2, 3×3).
/// - `.winogradStride2`: Winograd F(2×2, 2×2) over the four phases of a 4×4, stride-2, dilation-1 kernel
///   (`WinogradStride2`).
/// - `.swapped`: for stride 1, the op runs as the other direction of the conv with the rotated,
///   transposed kernel: a forward conv becomes an input gradient (sgemm on the raw input, then col2im),
///   and an input gradient becomes a forward conv (im2col of g). With few output channels this keeps the
///   sgemm's short side off the inner dimension, and the column buffer scales with the few channels.
///   The weight gradient takes columns of g under the swapped geometry (`Tensor.swappedWeightGradient`).
enum ConvAlgorithm: Equatable {
    case auto, im2col, winograd, winogradStride2, swapped

    /// `MORPH_CONV=im2col` in the environment turns the fast paths off (to compare speed or rounding).
    static let onlyIm2col: Bool = ProcessInfo.processInfo.environment["MORPH_CONV"] == "im2col"

    /// The concrete method for `geo` (the conv seen from its image side) whose column side has
    /// `outputChannels` channels; `forward` is conv2d's direction, otherwise its input gradient.
    /// A requested method that does not fit the geometry falls back to `.im2col`.
    func resolved(_ geo: ConvGeometry, outputChannels: Int, forward: Bool) -> ConvAlgorithm {
        switch self {
        case .im2col: return .im2col
        case .winograd: return Winograd.supports(geo) ? .winograd : .im2col
        case .winogradStride2: return WinogradStride2.supports(geo) ? .winogradStride2 : .im2col
        case .swapped: return geo.canSwap ? .swapped : .im2col
        case .auto:
            if ConvAlgorithm.onlyIm2col { return .im2col }
            let inner = forward ? geo.channels : outputChannels, outer = forward ? outputChannels : geo.channels
            if Winograd.profitable(geo, inner: inner, outer: outer) { return .winograd }
            if WinogradStride2.profitable(geo, outputChannels: outputChannels, forward: forward) { return .winogradStride2 }
            if geo.canSwap && 2 * outputChannels <= geo.channels { return .swapped }
            return .im2col
        }
    }
}

extension ConvGeometry {
    /// Whether the stride-1 conv can run with its sides swapped: square kernel, padding ≤ dilation·(k − 1).
    var canSwap: Bool {
        stride == 1 && !isPointwise && kernelH == kernelW && padding <= dilation * (kernelH - 1)
    }

    /// The geometry of the swapped conv: its image side is this conv's column side (`outputChannels` × outH × outW),
    /// padded by dilation·(k − 1) − padding, and its column side is this conv's image.
    func swapped(outputChannels: Int) -> ConvGeometry {
        ConvGeometry(channels: outputChannels, height: outH, width: outW, kernelH: kernelH, kernelW: kernelW, stride: 1,
                     padding: dilation * (kernelH - 1) - padding, dilation: dilation, outH: height, outW: width)
    }
}

extension Tensor {
    /// [A, B, kh, kw] → [B, A, kh, kw] with each kernel rotated by 180°: the weight of the swapped conv.
    static func flippedTransposed(_ w: Tensor) -> Tensor {
        let a = w.shape[0], b = w.shape[1], kh = w.shape[2], kw = w.shape[3], kk = kh * kw
        let out = Tensor(zeros: [b, a, kh, kw], zeroed: false)
        let src = w.data, dst = out.data
        for i in 0..<a {
            for j in 0..<b {
                let s = src + (i * b + j) * kk, d = dst + (j * a + i) * kk
                for t in 0..<kk { d[t] = s[kk - 1 - t] }
            }
        }
        return out
    }
}

extension Tensor {
    /// dW [rows, C, kh, kw] = Σₙ g[n] ⋆ input[n] through the swapped conv's columns, for few rows (a conv's few output
    /// channels). im2col of the image would give C·kh·kw column rows for an sgemm with only `rows` rows; im2col of g
    /// under the swapped geometry gives rows·kh·kw column rows over the image's pixels, and one sgemm against the
    /// image itself, [rows·kh·kw × pixels] · [pixels × C], yields dW with each kernel rotated by 180°. The columns are
    /// taken a band of image rows at a time, at most `bandFloats` floats (tests pass less, to cross bands).
    static func swappedWeightGradient(_ g: Tensor, input: Tensor, weightShape: [Int], geometry geo: ConvGeometry,
                                      bandFloats: Int = 4 << 20) -> Tensor {
        let rows = g.shape[1], c = geo.channels, kk = geo.kernelH * geo.kernelW
        let swapped = geo.swapped(outputChannels: rows)
        let columnRows = swapped.columnRows, plane = geo.height * geo.width, gPlane = rows * geo.outH * geo.outW
        let rotated = TensorStorage(count: columnRows * c, zeroed: true)
        let band = swapped.bandRows(budget: bandFloats)
        let scratch = TensorStorage(count: columnRows * band * swapped.outW, zeroed: false)
        defer { withExtendedLifetime((rotated, scratch)) {} }
        for n in 0..<input.shape[0] {
            var row = 0
            while row < swapped.outH {
                let count = min(band, swapped.outH - row), pixels = count * swapped.outW
                swapped.im2col(g.data + n * gPlane, rows: row, count: count, into: scratch.pointer)
                BLAS.sgemm(transB: true, m: columnRows, n: c, k: pixels, a: scratch.pointer, lda: pixels,
                           b: input.data + n * c * plane + row * geo.width, ldb: plane, beta: 1, c: rotated.pointer, ldc: c)
                row += count
            }
        }
        // rotated[(r, t), ch] holds dW[r, ch] at kernel position kk − 1 − t.
        let gw = Tensor(zeros: weightShape, zeroed: false)
        let src = rotated.pointer, dst = gw.data
        for r in 0..<rows {
            for ch in 0..<c {
                let out = dst + (r * c + ch) * kk
                for t in 0..<kk { out[kk - 1 - t] = src[(r * kk + t) * c + ch] }
            }
        }
        return gw
    }
}

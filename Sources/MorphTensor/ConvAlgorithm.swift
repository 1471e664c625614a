import Foundation

/// Which kernel runs a convolution (or its input gradient); `.auto` picks by geometry and channel counts.
///
/// - `.im2col`: im2col + sgemm (forward) or sgemm + col2im (input gradient), any geometry.
/// - `.winograd`: Winograd F(2×2, 3×3) for 3×3, stride-1, dilation-1 kernels with padding ≤ 2.
/// - `.winogradStride2`: Winograd F(2×2, 2×2) over the four phases of a 4×4, stride-2, dilation-1 kernel
///   (`WinogradStride2`).
/// - `.swapped`: for stride 1, the op runs as the other direction of the conv with the rotated,
///   transposed kernel: a forward conv becomes an input gradient (sgemm on the raw input, then col2im),
///   and an input gradient becomes a forward conv (im2col of g). With few output channels this keeps the
///   sgemm's short side off the inner dimension, and the column buffer scales with the few channels.
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

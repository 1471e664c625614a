import Foundation

/// An activation that `conv2d(…, activation:)` applies as the convolution writes its output.
public enum ConvActivation {
    case relu
    case leakyReLU(Float)
    /// Per-channel (or one shared) slopes, as `Tensor.prelu(weight:)`.
    case prelu(Tensor)
}

extension Tensor {
    /// `activation(conv2d(…))`. Without a tape to record (grad mode off, or nothing requires grad) the bias and the
    /// activation are applied as the output is written (Winograd's output transform, or one pass after the sgemm);
    /// otherwise the two ops run and record separately, so gradients are PyTorch's.
    /// - Throws: as `conv2d` and the activation op.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, dilation: Int = 1,
                       activation: ConvActivation) throws -> Tensor {
        var tensors = [self, weight] + (bias.map { [$0] } ?? [])
        if case .prelu(let slopes) = activation { tensors.append(slopes) }
        guard !GradMode.isEnabled || !tensors.contains(where: \.requiresGrad) else {
            let y = try conv2d(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation)
            switch activation {
            case .relu: return y.relu()
            case .leakyReLU(let slope): return y.leakyReLU(slope)
            case .prelu(let slopes): return try y.prelu(weight: slopes)
            }
        }
        let geo = try convCheck(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation)
        let out = Tensor(zeros: [shape[0], weight.shape[0], geo.outH, geo.outW], zeroed: false)
        try Tensor.fusedForward(input: self, weight: weight, bias: bias, geometry: geo, activation: activation, output: out)
        return out
    }

    /// Inference only (nothing is recorded): writes `activation(conv2d(self) + bias)` into `output`, which must have
    /// the conv's output shape; `output` may be a channel view of a larger buffer (`channelView`), so a dense block
    /// writes each conv straight into its slice, with no concat. When `self` is a channel prefix of `cache`'s buffer,
    /// a Winograd conv transforms only the channels that earlier convs through the same cache did not.
    /// - Throws: as `conv2d`, and `TensorError.shapeMismatch` for a wrong output shape.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, dilation: Int = 1,
                       activation: ConvActivation?, into output: Tensor, cache: WinogradInputCache? = nil) throws {
        let geo = try convCheck(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation)
        let expected = [shape[0], weight.shape[0], geo.outH, geo.outW]
        guard output.shape == expected else { throw TensorError.shapeMismatch(op: "conv2d into", expected, output.shape) }
        try Tensor.fusedForward(input: self, weight: weight, bias: bias, geometry: geo, activation: activation,
                                output: output, cache: cache)
    }

    /// A view of channels `range` of a batch-1 NCHW tensor, sharing its memory (writes go through to `self`).
    /// Not recorded on the tape: for inference buffers.
    /// - Throws: `TensorError.invalidArgument` unless `self` is [1, C, H, W] and `range` lies inside C.
    public func channelView(_ range: Range<Int>) throws -> Tensor {
        guard rank == 4, shape[0] == 1, range.lowerBound >= 0, range.upperBound <= shape[1] else {
            throw TensorError.invalidArgument(op: "channelView", "channels \(range) of \(shape) (batch 1 only)")
        }
        let plane = shape[2] * shape[3]
        return Tensor(shape: [1, range.count, shape[2], shape[3]],
                      storage: TensorStorage(viewOf: storage, offset: range.lowerBound * plane, count: range.count * plane))
    }

    private func convCheck(weight: Tensor, bias: Tensor?, stride: Int, padding: Int, dilation: Int) throws -> ConvGeometry {
        try expectRank(4, "conv2d")
        try weight.expectRank(4, "conv2d weight")
        guard weight.shape[1] == shape[1] else {
            throw TensorError.shapeMismatch(op: "conv2d (input channels vs weight)", shape, weight.shape)
        }
        if let bias, bias.shape != [weight.shape[0]] {
            throw TensorError.shapeMismatch(op: "conv2d bias", [weight.shape[0]], bias.shape)
        }
        return try Tensor.geometry("conv2d", channels: shape[1], height: shape[2], width: shape[3],
                                   kernel: (weight.shape[2], weight.shape[3]), stride: stride, padding: padding, dilation: dilation)
    }

    private static func fusedForward(input: Tensor, weight: Tensor, bias: Tensor?, geometry geo: ConvGeometry,
                                     activation: ConvActivation?, output: Tensor, cache: WinogradInputCache? = nil) throws {
        let cout = weight.shape[0]
        var fused = FusedActivation.none
        switch activation {
        case .none: break
        case .relu?: fused = .relu
        case .leakyReLU(let slope)?: fused = .leakyReLU(slope)
        case .prelu(let slopes)?:
            guard slopes.count == 1 || slopes.count == cout else {
                throw TensorError.shapeMismatch(op: "prelu", output.shape, slopes.shape)
            }
            fused = .prelu(UnsafePointer(slopes.data), shared: slopes.count == 1)
        }
        withExtendedLifetime(activation) {
            convForward(input: input, weight: weight, geometry: geo, output: output, bias: bias, activation: fused, cache: cache)
        }
    }

    /// out = act(out + bias) per channel, in one pass (the epilogue of the non-Winograd paths).
    static func biasAndActivation(_ t: Tensor, _ bias: Tensor?, _ activation: FusedActivation) {
        let c = t.shape[1], plane = t.shape[2] * t.shape[3]
        if bias == nil, case .none = activation { return }
        Parallel.chunks(t.shape[0] * c) { range in
            for p in range {
                let base = t.data + p * plane
                if let b = bias?.data[p % c] { for i in 0..<plane { base[i] += b } }
                activation.apply(base, count: plane, channel: p % c)
            }
        }
    }
}

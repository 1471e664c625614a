import MorphNN
import MorphTensor

/// A gated convolution: one conv produces features and gates, the output is LeakyReLU(features) · σ(gates).
///
/// Yu et al., "Free-Form Image Inpainting with Gated Convolution" (ICCV 2019). The gate lets the network learn,
/// per pixel and channel, how much of a feature computed over (partly) missing pixels to pass on. The single
/// convolution `conv` maps `in → 2·out` channels; the first `out` are features, the rest gates.
public final class GatedConv2d: Module {
    /// The joint feature and gate convolution, `[2·out, in, k, k]`.
    public let conv: Conv2d
    /// Output channels (half of `conv`'s).
    public let outChannels: Int
    public var isTraining = true

    public var namedChildren: [(String, Module)] { [("conv", conv)] }

    /// A gated `inChannels → outChannels` convolution with "same" zero padding for stride 1.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, dilation: Int = 1,
                rng: inout SeededRNG) {
        conv = Conv2d(inChannels, 2 * outChannels, kernelSize: kernelSize, stride: stride,
                      padding: dilation * (kernelSize - 1) / 2, dilation: dilation, rng: &rng)
        self.outChannels = outChannels
        // Variance-preserving start: N(0, (gain/√fan_in)²) weights and zero biases. LeakyReLU(f)·σ(g) keeps about a
        // seventh of its input's power, so PyTorch's default (uniform, std 1/√(3·fan_in)) shrinks the signal ~50×
        // over the 18 layers and the untrained net answers with its biases alone; gain 2.4 keeps it near 1.
        WeightInit.normal(conv.weight, mean: 0, std: GatedConv2d.initGain / Float(WeightInit.fans(conv.weight.shape).fanIn).squareRoot(),
                          rng: &rng)
        conv.bias?.fill(0)
    }

    /// The weight scale of a fresh gated convolution (see `init`).
    public static let initGain: Float = 2.4

    public func forward(_ x: Tensor) throws -> Tensor {
        let y = try conv(x)
        let features = try y.slice(dim: 1, 0..<outChannels).leakyReLU(0.2)
        let gates = try y.slice(dim: 1, outChannels..<(2 * outChannels)).sigmoid()
        return try features * gates
    }
}

/// Morph's inpainting generator: a single-stage gated-convolution encoder–decoder with a dilated middle,
/// in the style of DeepFill v2's coarse network, that refines a pull–push fill of the holes.
///
/// Input `[N, 4, H, W]` = concat(pull–push fill of the image's known pixels, mask) with the image in [-1, 1] and
/// the mask 1 in holes (`makeInput`, `PullPushFill`); H and W multiples of 4. Output `[N, 3, H, W]` =
/// fill + body(input): the network learns the correction to the smooth fill (its last convolution starts at zero,
/// so an untrained generator returns the fill itself). `composite` keeps the known pixels; callers clamp to [-1, 1].
/// Keys (`body` is a Sequential, c = `cnum`):
///
///     body.0 gated 5×5 4→c          body.1 gated 3×3 s2 c→2c      body.2 gated 3×3 2c→2c
///     body.3 gated 3×3 s2 2c→4c     body.4, body.5 gated 3×3 4c→4c
///     body.6 … body.9 gated 3×3 4c→4c, dilation 2, 4, 8, 16
///     body.10, body.11 gated 3×3 4c→4c
///     body.12 nearest ×2, body.13 gated 3×3 4c→2c, body.14 gated 3×3 2c→2c
///     body.15 nearest ×2, body.16 gated 3×3 2c→c, body.17 gated 3×3 c→c/2
///     body.18 conv 3×3 c/2→3 (the correction)
public final class GatedInpaintGenerator: MorphModel {
    /// The whole network.
    public let body: Sequential
    public var isTraining = true
    /// 4 → 3 channels, size multiple 4, no normalisation.
    public let traits: ModelTraits

    public var namedChildren: [(String, Module)] { [("body", body)] }

    /// Builds the generator with base width `cnum` (even, ≥ 2).
    /// - Throws: `ModelError.invalidConfiguration` for an odd or too small `cnum`.
    public init(cnum: Int = 32, rng: inout SeededRNG) throws {
        guard cnum >= 2, cnum % 2 == 0 else {
            throw ModelError.invalidConfiguration(architecture: "gated_inpaint", "cnum must be even and ≥ 2, got \(cnum)")
        }
        let c = cnum
        var rf = ReceptiveField()
        var layers: [Module] = []
        func gated(_ cin: Int, _ cout: Int, _ k: Int = 3, stride: Int = 1, dilation: Int = 1) {
            layers.append(GatedConv2d(cin, cout, kernelSize: k, stride: stride, dilation: dilation, rng: &rng))
            rf.conv(k, stride: stride, dilation: dilation)
        }
        gated(4, c, 5)
        gated(c, 2 * c, stride: 2)
        gated(2 * c, 2 * c)
        gated(2 * c, 4 * c, stride: 2)
        gated(4 * c, 4 * c)
        gated(4 * c, 4 * c)
        for d in [2, 4, 8, 16] { gated(4 * c, 4 * c, dilation: d) }
        gated(4 * c, 4 * c)
        gated(4 * c, 4 * c)
        layers.append(Upsample(scale: 2))
        rf.upsample(2, bilinear: false)
        gated(4 * c, 2 * c)
        gated(2 * c, 2 * c)
        layers.append(Upsample(scale: 2))
        rf.upsample(2, bilinear: false)
        gated(2 * c, c)
        gated(c, c / 2)
        let correction = Conv2d(c / 2, 3, kernelSize: 3, padding: 1, rng: &rng)
        correction.weight.fill(0)
        correction.bias?.fill(0)
        layers.append(correction)
        rf.conv(3)
        body = Sequential(layers)
        traits = ModelTraits(role: .generator, inputChannels: 4, outputChannels: 3, sizeMultiple: 4,
                             receptiveFieldRadius: rf.pixels, hasNormalization: false)
    }

    public func forward(_ x: Tensor) throws -> Tensor {
        try checkInput(x, channels: 4, model: "GatedInpaintGenerator")
        guard x.shape[2] % 4 == 0, x.shape[3] % 4 == 0 else {
            throw ModelError.badInput(model: "GatedInpaintGenerator", "height and width must be multiples of 4, got \(x.shape)")
        }
        return try x.slice(dim: 1, 0..<3) + body(x)
    }

    /// The network input for `image` `[N, 3, H, W]` in [-1, 1] and `mask` `[N, 1, H, W]` (1 = hole):
    /// concat(pull–push fill of the known pixels, mask). The hole pixels of `image` are never read.
    public static func makeInput(image: Tensor, mask: Tensor) throws -> Tensor {
        try Tensor.concat([try PullPushFill.fill(image: image, mask: mask), mask], dim: 1)
    }

    /// The prediction inside the holes, the image elsewhere: output · mask + image · (1 − mask).
    public static func composite(output: Tensor, image: Tensor, mask: Tensor) throws -> Tensor {
        try output * mask + image * (-mask + 1)
    }
}

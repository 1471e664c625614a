import MorphNN
import MorphTensor

/// SRVGGNetCompact, Real-ESRGAN's small VGG-style upscaler (realesr-general-x4v3, realesr-animevideov3).
///
/// Wang et al., "Real-ESRGAN: Training Real-World Blind Super-Resolution with Pure Synthetic Data"
/// (ICCVW 2021), compact model. Keys as in BasicSR `archs/srvgg_arch.py` (`body` is a ModuleList):
///
///     body.0 conv 3×3 in→F, body.1 act
///     body.2k conv 3×3 F→F, body.2k+1 act        k = 1 … numConv
///     body.(2·numConv+2) conv 3×3 F→out·s²
///     PixelShuffle(s), plus the nearest-upsampled input
///
/// Activations: PReLU(F) (keys `body.N.weight`), ReLU, or LeakyReLU(0.1).
/// Input `[N, numInCh, H, W]`; output `[N, numOutCh, s·H, s·W]`.
public final class SRVGGNetCompact: MorphModel {
    /// Convolutions and activations, key prefix `body.`.
    public let body: Sequential
    /// The final sub-pixel shuffle.
    public let upsampler: PixelShuffle
    /// Upscale factor.
    public let upscale: Int
    /// Train or eval mode (the network behaves the same in both).
    public var isTraining = true
    /// Channels, scale, receptive field; no normalization.
    public let traits: ModelTraits

    public var namedChildren: [(String, Module)] { [("body", body), ("upsampler", upsampler)] }

    /// Builds the network.
    /// - Throws: `ModelError.invalidConfiguration` for bad counts or a channel mismatch in the residual add.
    public init(numInCh: Int = 3, numOutCh: Int = 3, numFeat: Int = 64, numConv: Int = 16, upscale: Int = 4,
                activation: CompactActivation = .prelu, rng: inout SeededRNG) throws {
        guard numInCh > 0, numOutCh == numInCh || numInCh == 1, numFeat > 0, numConv >= 0,
              upscale >= 1, upscale <= 8 else {
            throw ModelError.invalidConfiguration(architecture: "srvgg",
                "needs num_out_ch == num_in_ch (or num_in_ch 1), num_feat > 0, num_conv ≥ 0, 1 ≤ upscale ≤ 8; got \(numInCh), \(numOutCh), \(numFeat), \(numConv), \(upscale)")
        }
        self.upscale = upscale
        var rf = ReceptiveField()
        var layers: [Module] = [Conv2d(numInCh, numFeat, kernelSize: 3, padding: 1, rng: &rng), activation.layer(numFeat)]
        rf.conv(3)
        for _ in 0..<numConv {
            layers.append(Conv2d(numFeat, numFeat, kernelSize: 3, padding: 1, rng: &rng))
            layers.append(activation.layer(numFeat))
            rf.conv(3)
        }
        layers.append(Conv2d(numFeat, numOutCh * upscale * upscale, kernelSize: 3, padding: 1, rng: &rng))
        rf.conv(3)
        body = Sequential(layers)
        upsampler = PixelShuffle(upscale)
        traits = ModelTraits(role: .generator, inputChannels: numInCh, outputChannels: numOutCh, scale: upscale,
                             receptiveFieldRadius: rf.pixels, hasNormalization: false)
    }

    /// Upscales a batch `[N, C, H, W]` to `[N, C, s·H, s·W]`.
    public func forward(_ x: Tensor) throws -> Tensor {
        try checkInput(x, channels: traits.inputChannels, model: "SRVGGNetCompact")
        return try upsampler(body(x)) + x.upsampleNearest(scale: upscale)
    }
}

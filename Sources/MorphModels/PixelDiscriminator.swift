import MorphNN
import MorphTensor

/// The 1×1 PixelGAN discriminator of pix2pix (`pixel`): it scores every pixel on its own.
///
/// Isola et al., "Image-to-Image Translation with Conditional Adversarial Networks" (CVPR 2017), §4.4.
/// Keys `net.N` as in pytorch-CycleGAN-and-pix2pix `networks.PixelDiscriminator`:
/// `net.0` conv 1×1 in→ndf (bias), LReLU(0.2), `net.2` conv 1×1 ndf→2ndf, `net.3` norm, LReLU(0.2),
/// `net.5` conv 1×1 2ndf→1 (both last convs follow the use_bias rule).
///
/// Input `[N, inputNC, H, W]`; output `[N, 1, H, W]`.
public final class PixelDiscriminator: MorphModel {
    /// The network, key prefix `net.`.
    public let net: Sequential
    /// Train (batch statistics) or eval mode.
    public var isTraining = true
    /// Channels, receptive field 0, normalization.
    public let traits: ModelTraits

    public var namedChildren: [(String, Module)] { [("net", net)] }

    /// Builds the discriminator.
    /// - Throws: `ModelError.invalidConfiguration` for non-positive channels.
    public init(inputNC: Int, ndf: Int = 64, norm: NormKind = .batch, rng: inout SeededRNG) throws {
        guard inputNC > 0, ndf > 0 else {
            throw ModelError.invalidConfiguration(architecture: "PixelDiscriminator",
                "needs positive input_nc and ndf, got \(inputNC), \(ndf)")
        }
        let bias = norm.convBias
        net = Sequential([
            Conv2d(inputNC, ndf, kernelSize: 1, rng: &rng),
            LeakyReLU(0.2),
            Conv2d(ndf, ndf * 2, kernelSize: 1, bias: bias, rng: &rng),
            norm.layer(ndf * 2),
            LeakyReLU(0.2),
            Conv2d(ndf * 2, 1, kernelSize: 1, bias: bias, rng: &rng),
        ])
        traits = ModelTraits(role: .discriminator, inputChannels: inputNC, outputChannels: 1,
                             receptiveFieldRadius: 0, hasNormalization: norm.normalizes)
    }

    /// Scores every pixel of a batch `[N, inputNC, H, W]`.
    public func forward(_ x: Tensor) throws -> Tensor {
        try checkInput(x, channels: traits.inputChannels, model: "PixelDiscriminator")
        return try net(x)
    }
}

import MorphNN
import MorphTensor

/// The PatchGAN discriminator of pix2pix and CycleGAN (`basic` is the 70×70 PatchGAN with 3 layers,
/// `n_layers` takes any count).
///
/// Isola et al., "Image-to-Image Translation with Conditional Adversarial Networks" (CVPR 2017), §3.2.2.
/// Keys `model.N` as in pytorch-CycleGAN-and-pix2pix `networks.NLayerDiscriminator`:
///
///     conv 4×4 s2 in→ndf (bias), LReLU(0.2)
///     (conv 4×4 s2, norm, LReLU(0.2)) × (nLayers − 1), channels ndf·min(2^n, 8)
///     conv 4×4 s1, norm, LReLU(0.2)                    channels ndf·min(2^nLayers, 8)
///     conv 4×4 s1 → 1 (bias)
///
/// Input `[N, inputNC, H, W]`; output `[N, 1, H', W']` of unnormalised patch scores,
/// H' = ⌊H/2^nLayers⌋ − 2 roughly (each stride-2 conv gives ⌊h/2⌋, each stride-1 conv h − 1).
public final class NLayerDiscriminator: MorphModel {
    /// The network, key prefix `model.`.
    public let model: Sequential
    /// Train (batch statistics) or eval mode.
    public var isTraining = true
    /// Channels, receptive field (46 one-sided for nLayers 3: the 70×70 patch is off-centre), normalization.
    public let traits: ModelTraits

    public var namedChildren: [(String, Module)] { [("model", model)] }

    /// Builds a discriminator with `nLayers` ≥ 1 stride-2 stages.
    /// - Throws: `ModelError.invalidConfiguration` for bad counts.
    public init(inputNC: Int, ndf: Int = 64, nLayers: Int = 3, norm: NormKind = .batch,
                rng: inout SeededRNG) throws {
        guard inputNC > 0, ndf > 0, nLayers >= 1, nLayers <= 12 else {
            throw ModelError.invalidConfiguration(architecture: "NLayerDiscriminator",
                "needs positive input_nc and ndf and 1 ≤ n_layers ≤ 12, got \(inputNC), \(ndf), \(nLayers)")
        }
        let bias = norm.convBias
        var rf = ReceptiveField()
        var layers: [Module] = [
            Conv2d(inputNC, ndf, kernelSize: 4, stride: 2, padding: 1, rng: &rng),
            LeakyReLU(0.2),
        ]
        rf.conv(4, stride: 2)
        var mult = 1
        for n in 1..<nLayers {
            let prev = mult
            mult = min(1 << n, 8)
            layers += [
                Conv2d(ndf * prev, ndf * mult, kernelSize: 4, stride: 2, padding: 1, bias: bias, rng: &rng),
                norm.layer(ndf * mult),
                LeakyReLU(0.2),
            ]
            rf.conv(4, stride: 2)
        }
        let prev = mult
        mult = min(1 << nLayers, 8)
        layers += [
            Conv2d(ndf * prev, ndf * mult, kernelSize: 4, stride: 1, padding: 1, bias: bias, rng: &rng),
            norm.layer(ndf * mult),
            LeakyReLU(0.2),
            Conv2d(ndf * mult, 1, kernelSize: 4, stride: 1, padding: 1, rng: &rng),
        ]
        rf.conv(4)
        rf.conv(4)
        model = Sequential(layers)
        traits = ModelTraits(role: .discriminator, inputChannels: inputNC, outputChannels: 1,
                             receptiveFieldRadius: rf.pixels, hasNormalization: norm.normalizes)
    }

    /// Scores the patches of a batch `[N, inputNC, H, W]`.
    public func forward(_ x: Tensor) throws -> Tensor {
        try checkInput(x, channels: traits.inputChannels, model: "NLayerDiscriminator")
        return try model(x)
    }
}

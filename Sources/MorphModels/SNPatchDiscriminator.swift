import MorphNN
import MorphTensor

/// DeepFill v2's SN-PatchGAN discriminator: stride-2 5×5 spectrally normalised convolutions, each followed by
/// LeakyReLU(0.2), scoring every patch of concat(image, mask).
///
/// Yu et al., "Free-Form Image Inpainting with Gated Convolution" (ICCV 2019), §3.3. Keys (`body` is a Sequential):
/// `body.2k.weight_orig`, `body.2k.bias`, `body.2k.weight_u`, `body.2k.weight_v` for layer k; channels
/// in → F → 2F → 4F → 4F → … . Input `[N, numInCh, H, W]`; output `[N, 4F, H/2^L, W/2^L]` (L = `numLayers`),
/// every element a patch score for the hinge loss.
public final class SNPatchDiscriminator: MorphModel {
    /// Convolutions and activations.
    public let body: Sequential
    /// Training mode runs spectral-norm power iterations.
    public var isTraining = true
    /// Discriminator traits.
    public let traits: ModelTraits

    public var namedChildren: [(String, Module)] { [("body", body)] }

    /// Builds `numLayers` stride-2 layers starting at `numFeat` channels (capped at 4·numFeat).
    /// - Throws: `ModelError.invalidConfiguration` for non-positive sizes.
    public init(numInCh: Int = 4, numFeat: Int = 64, numLayers: Int = 6, rng: inout SeededRNG) throws {
        guard numInCh > 0, numFeat > 0, (1...10).contains(numLayers) else {
            throw ModelError.invalidConfiguration(architecture: "sn_patch",
                "needs num_in_ch > 0, num_feat > 0 and 1 ≤ num_layers ≤ 10, got \(numInCh), \(numFeat), \(numLayers)")
        }
        var layers: [Module] = []
        var rf = ReceptiveField()
        var cin = numInCh
        for k in 0..<numLayers {
            let cout = numFeat * min(1 << k, 4)
            layers.append(SpectralNormConv2d(cin, cout, kernelSize: 5, stride: 2, padding: 2, rng: &rng))
            layers.append(LeakyReLU(0.2))
            rf.conv(5, stride: 2)
            cin = cout
        }
        body = Sequential(layers)
        traits = ModelTraits(role: .discriminator, inputChannels: numInCh, outputChannels: cin,
                             sizeMultiple: 1 << numLayers, receptiveFieldRadius: rf.pixels, hasNormalization: false)
    }

    public func forward(_ x: Tensor) throws -> Tensor {
        try checkInput(x, channels: traits.inputChannels, model: "SNPatchDiscriminator")
        return try body(x)
    }
}

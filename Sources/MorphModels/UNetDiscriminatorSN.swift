import MorphNN
import MorphTensor

/// Real-ESRGAN's U-Net discriminator with spectral normalisation: a per-pixel realness map.
///
/// Wang et al., "Real-ESRGAN: Training Real-World Blind Super-Resolution with Pure Synthetic Data"
/// (ICCVW 2021), Fig. 6. Keys as in BasicSR `archs/discriminator_arch.py` `UNetDiscriminatorSN`:
///
///     conv0 3×3 in→F (plain, bias), LReLU(0.2)                                x0
///     conv1 4×4 s2 F→2F, conv2 4×4 s2 2F→4F, conv3 4×4 s2 4F→8F  (SN, no bias) x1, x2, x3
///     bilinear ×2, conv4 3×3 8F→4F (+ x2), bilinear ×2, conv5 4F→2F (+ x1),
///     bilinear ×2, conv6 2F→F (+ x0)                             (SN, skips when skipConnection)
///     conv7, conv8 3×3 F→F (SN), conv9 3×3 F→1 (plain, bias)
///
/// LeakyReLU(0.2) follows every conv but conv9. Input `[N, numInCh, H, W]` with H, W multiples of 8;
/// output `[N, 1, H, W]` logits.
public final class UNetDiscriminatorSN: MorphModel {
    /// First (plain) convolution.
    public let conv0: Conv2d
    /// conv1 … conv8, spectrally normalised.
    public let snConvs: [SpectralNormConv2d]
    /// Last (plain) convolution.
    public let conv9: Conv2d
    /// Whether the decoder adds the encoder features.
    public let skipConnection: Bool
    /// Training mode runs spectral-norm power iterations.
    public var isTraining = true
    /// Channels, size multiple 8, receptive field; spectral norm is not a data normalisation.
    public let traits: ModelTraits

    public var namedChildren: [(String, Module)] {
        [("conv0", conv0)] + snConvs.enumerated().map { ("conv\($0.offset + 1)", $0.element as Module) }
            + [("conv9", conv9)]
    }

    /// Builds the discriminator.
    /// - Throws: `ModelError.invalidConfiguration` for non-positive channels.
    public init(numInCh: Int = 3, numFeat: Int = 64, skipConnection: Bool = true, rng: inout SeededRNG) throws {
        guard numInCh > 0, numFeat > 0 else {
            throw ModelError.invalidConfiguration(architecture: "unet_discriminator_sn",
                                                  "needs positive num_in_ch and num_feat, got \(numInCh), \(numFeat)")
        }
        let f = numFeat
        self.skipConnection = skipConnection
        conv0 = Conv2d(numInCh, f, kernelSize: 3, padding: 1, rng: &rng)
        let down = [(f, 2 * f), (2 * f, 4 * f), (4 * f, 8 * f)].map { cin, cout in
            SpectralNormConv2d(cin, cout, kernelSize: 4, stride: 2, padding: 1, bias: false, rng: &rng)
        }
        let up = [(8 * f, 4 * f), (4 * f, 2 * f), (2 * f, f), (f, f), (f, f)].map { cin, cout in
            SpectralNormConv2d(cin, cout, kernelSize: 3, padding: 1, bias: false, rng: &rng)
        }
        snConvs = down + up
        conv9 = Conv2d(f, 1, kernelSize: 3, padding: 1, rng: &rng)
        var rf = ReceptiveField()
        rf.conv(3)
        for _ in 0..<3 { rf.conv(4, stride: 2) }
        for _ in 0..<3 { rf.upsample(2, bilinear: true); rf.conv(3) }
        for _ in 0..<3 { rf.conv(3) }
        traits = ModelTraits(role: .discriminator, inputChannels: numInCh, outputChannels: 1, sizeMultiple: 8,
                             receptiveFieldRadius: rf.pixels, hasNormalization: false)
    }

    /// Scores every pixel of a batch `[N, numInCh, H, W]` (H, W multiples of 8).
    public func forward(_ x: Tensor) throws -> Tensor {
        try checkInput(x, channels: traits.inputChannels, model: "UNetDiscriminatorSN")
        guard x.shape[2] % 8 == 0, x.shape[3] % 8 == 0 else {
            throw ModelError.badInput(model: "UNetDiscriminatorSN", "height and width must be multiples of 8, got \(x.shape)")
        }
        let c = snConvs
        let x0 = try conv0(x).leakyReLU(0.2)
        let x1 = try c[0](x0).leakyReLU(0.2)
        let x2 = try c[1](x1).leakyReLU(0.2)
        let x3 = try c[2](x2).leakyReLU(0.2)
        var x4 = try c[3](x3.upsampleBilinear(scale: 2)).leakyReLU(0.2)
        if skipConnection { x4 = try x4 + x2 }
        var x5 = try c[4](x4.upsampleBilinear(scale: 2)).leakyReLU(0.2)
        if skipConnection { x5 = try x5 + x1 }
        var x6 = try c[5](x5.upsampleBilinear(scale: 2)).leakyReLU(0.2)
        if skipConnection { x6 = try x6 + x0 }
        let out = try c[7](c[6](x6).leakyReLU(0.2)).leakyReLU(0.2)
        return try conv9(out)
    }
}

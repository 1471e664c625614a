import MorphNN
import MorphTensor

/// The VGG-style discriminator of SRGAN and ESRGAN, in BasicSR's `VGGStyleDiscriminator` form.
///
/// Ledig et al., "Photo-Realistic Single Image Super-Resolution Using a Generative Adversarial Network"
/// (CVPR 2017), Fig. 4. Keys as in BasicSR `archs/discriminator_arch.py`:
///
///     conv0_0 3×3 in→F (bias), LReLU(0.2)
///     conv0_1 4×4 s2, bn0_1, LReLU                               /2
///     stage i = 1…4 (5 at input 256): conv{i}_0 3×3, bn{i}_0, LReLU, conv{i}_1 4×4 s2, bn{i}_1, LReLU
///         channels F→2F→4F→8F→8F(→8F), convs without bias
///     flatten (8F·4·4), linear1 → 100, LReLU, linear2 → 1
///
/// Input `[N, numInCh, S, S]` with S = inputSize (128 or 256); output `[N, 1]` logits.
public final class VGGStyleDiscriminator: MorphModel {
    /// Convolutions and their BatchNorms in registration order (`conv0_0`, `conv0_1`, `bn0_1`, `conv1_0`, …).
    private let stages: [(String, Module)]
    /// The convolution/norm pairs applied in order after conv0_0 (each followed by LeakyReLU 0.2).
    private let pairs: [(Conv2d, BatchNorm2d)]
    /// First convolution (with bias, no norm).
    public let conv00: Conv2d
    /// Dense layer 8F·4·4 → 100.
    public let linear1: Linear
    /// Dense layer 100 → 1.
    public let linear2: Linear
    /// The side length the input must have: 128 or 256.
    public let inputSize: Int
    /// Train (batch statistics) or eval mode.
    public var isTraining = true
    /// Channels and normalization; the dense head sees the whole image.
    public let traits: ModelTraits

    public var namedChildren: [(String, Module)] {
        [("conv0_0", conv00)] + stages + [("linear1", linear1), ("linear2", linear2)]
    }

    /// Builds the discriminator for square inputs of side `inputSize` (128 or 256).
    /// - Throws: `ModelError.invalidConfiguration` for other sizes or non-positive channels.
    public init(numInCh: Int = 3, numFeat: Int = 64, inputSize: Int = 128, rng: inout SeededRNG) throws {
        guard inputSize == 128 || inputSize == 256 else {
            throw ModelError.invalidConfiguration(architecture: "vgg_discriminator",
                                                  "input_size must be 128 or 256, got \(inputSize)")
        }
        guard numInCh > 0, numFeat > 0 else {
            throw ModelError.invalidConfiguration(architecture: "vgg_discriminator",
                                                  "needs positive num_in_ch and num_feat, got \(numInCh), \(numFeat)")
        }
        self.inputSize = inputSize
        conv00 = Conv2d(numInCh, numFeat, kernelSize: 3, padding: 1, rng: &rng)
        var stages: [(String, Module)] = []
        var pairs: [(Conv2d, BatchNorm2d)] = []
        let conv01 = Conv2d(numFeat, numFeat, kernelSize: 4, stride: 2, padding: 1, bias: false, rng: &rng)
        let bn01 = BatchNorm2d(numFeat)
        stages += [("conv0_1", conv01), ("bn0_1", bn01)]
        pairs.append((conv01, bn01))
        var channels = [(numFeat, numFeat * 2), (numFeat * 2, numFeat * 4), (numFeat * 4, numFeat * 8),
                        (numFeat * 8, numFeat * 8)]
        if inputSize == 256 { channels.append((numFeat * 8, numFeat * 8)) }
        for (i, (cin, cout)) in channels.enumerated() {
            let c0 = Conv2d(cin, cout, kernelSize: 3, padding: 1, bias: false, rng: &rng)
            let b0 = BatchNorm2d(cout)
            let c1 = Conv2d(cout, cout, kernelSize: 4, stride: 2, padding: 1, bias: false, rng: &rng)
            let b1 = BatchNorm2d(cout)
            let s = i + 1
            stages += [("conv\(s)_0", c0), ("bn\(s)_0", b0), ("conv\(s)_1", c1), ("bn\(s)_1", b1)]
            pairs += [(c0, b0), (c1, b1)]
        }
        self.stages = stages
        self.pairs = pairs
        linear1 = Linear(numFeat * 8 * 4 * 4, 100, rng: &rng)
        linear2 = Linear(100, 1, rng: &rng)
        traits = ModelTraits(role: .discriminator, inputChannels: numInCh, outputChannels: 1,
                             sizeMultiple: inputSize, receptiveFieldRadius: nil, hasNormalization: true)
    }

    /// Scores a batch `[N, numInCh, inputSize, inputSize]`, giving `[N, 1]`.
    public func forward(_ x: Tensor) throws -> Tensor {
        try checkInput(x, channels: traits.inputChannels, model: "VGGStyleDiscriminator")
        guard x.shape[2] == inputSize, x.shape[3] == inputSize else {
            throw ModelError.badInput(model: "VGGStyleDiscriminator",
                                      "input must be \(inputSize)×\(inputSize), got \(x.shape)")
        }
        var feat = try conv00(x).leakyReLU(0.2)
        for (conv, bn) in pairs {
            feat = try bn(conv(feat)).leakyReLU(0.2)
        }
        feat = try feat.reshaped([feat.shape[0], -1])
        return try linear2(linear1(feat).leakyReLU(0.2))
    }
}

import MorphNN
import MorphTensor

/// The ResNet generator of CycleGAN and pix2pix (`resnet_9blocks`, `resnet_6blocks`).
///
/// Johnson, Alahi, Fei-Fei, "Perceptual Losses for Real-Time Style Transfer and Super-Resolution" (ECCV 2016),
/// as used by Zhu et al., "Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial Networks"
/// (ICCV 2017). State keys are those of pytorch-CycleGAN-and-pix2pix `networks.ResnetGenerator`:
///
///     model.0  ReflectionPad2d(3)      model.1 conv 7×7 in→ngf      model.2 norm    model.3 ReLU
///     model.4  conv 3×3 s2 ngf→2ngf    model.5 norm  model.6 ReLU
///     model.7  conv 3×3 s2 2ngf→4ngf   model.8 norm  model.9 ReLU
///     model.10 … ResnetBlock(4ngf) × nBlocks
///     convT 3×3 s2 4ngf→2ngf, norm, ReLU, convT 3×3 s2 2ngf→ngf, norm, ReLU
///     ReflectionPad2d(3), conv 7×7 ngf→out (always with bias), Tanh
///
/// Input `[N, inputNC, H, W]`; output `[N, outputNC, 4⌈⌈H/2⌉/2⌉, 4⌈⌈W/2⌉/2⌉]` in (−1, 1), the input size
/// when H and W are multiples of 4.
public final class ResnetGenerator: MorphModel {
    /// The whole network as one numbered Sequential, key prefix `model.`.
    public let model: Sequential
    /// Train (batch statistics, dropout on) or eval mode.
    public var isTraining = true
    /// Channels, size multiple 4, receptive field, normalization.
    public let traits: ModelTraits

    public var namedChildren: [(String, Module)] { [("model", model)] }

    /// Builds the generator; `nBlocks` may be any count ≥ 0.
    /// - Throws: `ModelError.invalidConfiguration` for non-positive channel counts or negative `nBlocks`.
    public init(inputNC: Int, outputNC: Int, ngf: Int = 64, norm: NormKind = .batch, useDropout: Bool = false,
                nBlocks: Int = 6, paddingType: ResnetPadding = .reflect, rng: inout SeededRNG) throws {
        guard inputNC > 0, outputNC > 0, ngf > 0, nBlocks >= 0 else {
            throw ModelError.invalidConfiguration(architecture: "ResnetGenerator",
                "needs positive input_nc/output_nc/ngf and n_blocks ≥ 0, got \(inputNC)/\(outputNC)/\(ngf)/\(nBlocks)")
        }
        let bias = norm.convBias
        var layers: [Module] = [
            ReflectionPad2d(3),
            Conv2d(inputNC, ngf, kernelSize: 7, padding: 0, bias: bias, rng: &rng),
            norm.layer(ngf),
            ReLU(),
        ]
        var rf = ReceptiveField()
        rf.conv(7)
        // Two stride-2 downsamplings.
        for i in 0..<2 {
            let mult = 1 << i
            layers += [
                Conv2d(ngf * mult, ngf * mult * 2, kernelSize: 3, stride: 2, padding: 1, bias: bias, rng: &rng),
                norm.layer(ngf * mult * 2),
                ReLU(),
            ]
            rf.conv(3, stride: 2)
        }
        // The residual trunk at 4·ngf channels.
        for _ in 0..<nBlocks {
            layers.append(ResnetBlock(ngf * 4, padding: paddingType, norm: norm, useDropout: useDropout,
                                      bias: bias, rng: &rng))
            rf.conv(3)
            rf.conv(3)
        }
        // Two stride-2 transposed convolutions back up.
        for i in 0..<2 {
            let mult = 1 << (2 - i)
            layers += [
                ConvTranspose2d(ngf * mult, ngf * mult / 2, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1,
                                bias: bias, rng: &rng),
                norm.layer(ngf * mult / 2),
                ReLU(),
            ]
            rf.convTranspose(3, stride: 2)
        }
        layers += [
            ReflectionPad2d(3),
            Conv2d(ngf, outputNC, kernelSize: 7, padding: 0, rng: &rng),
            Tanh(),
        ]
        rf.conv(7)
        model = Sequential(layers)
        traits = ModelTraits(role: .generator, inputChannels: inputNC, outputChannels: outputNC, scale: 1,
                             sizeMultiple: 4, receptiveFieldRadius: rf.pixels, hasNormalization: norm.normalizes)
    }

    /// Translates a batch `[N, inputNC, H, W]`.
    public func forward(_ x: Tensor) throws -> Tensor {
        try checkInput(x, channels: traits.inputChannels, model: "ResnetGenerator")
        return try model(x)
    }
}

/// A residual block `x + conv_block(x)` of ResnetGenerator, keys `conv_block.N`:
/// pad, conv 3×3, norm, ReLU, [Dropout(0.5)], pad, conv 3×3, norm. With zero padding the pads are
/// absent and the convs pad by 1, so the indices shift down.
public final class ResnetBlock: Module {
    /// The residual branch, key prefix `conv_block.`.
    public let convBlock: Sequential
    /// Train or eval mode.
    public var isTraining = true

    public var namedChildren: [(String, Module)] { [("conv_block", convBlock)] }

    /// Builds a block over `dim` channels.
    public init(_ dim: Int, padding: ResnetPadding, norm: NormKind, useDropout: Bool, bias: Bool,
                rng: inout SeededRNG) {
        var layers: [Module] = []
        for half in 0..<2 {
            var convPadding = 0
            switch padding {
            case .reflect: layers.append(ReflectionPad2d(1))
            case .replicate: layers.append(ReplicationPad2d(1))
            case .zero: convPadding = 1
            }
            layers.append(Conv2d(dim, dim, kernelSize: 3, padding: convPadding, bias: bias, rng: &rng))
            layers.append(norm.layer(dim))
            if half == 0 {
                layers.append(ReLU())
                if useDropout { layers.append(Dropout(0.5, seed: rng.next())) }
            }
        }
        convBlock = Sequential(layers)
    }

    /// `x + conv_block(x)`.
    public func forward(_ x: Tensor) throws -> Tensor {
        try x + convBlock(x)
    }
}

/// Checks that `x` is `[N, channels, H, W]`, throwing a `ModelError.badInput` naming `model`.
func checkInput(_ x: Tensor, channels: Int, model: String) throws {
    guard x.rank == 4, x.shape[1] == channels else {
        throw ModelError.badInput(model: model, "expected input [N, \(channels), H, W], got \(x.shape)")
    }
}

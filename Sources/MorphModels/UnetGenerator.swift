import MorphNN
import MorphTensor

/// The U-Net generator of pix2pix (`unet_256` has 8 downsamplings, `unet_128` has 7).
///
/// Ronneberger, Fischer, Brox, "U-Net: Convolutional Networks for Biomedical Image Segmentation" (MICCAI 2015),
/// as used by Isola et al., "Image-to-Image Translation with Conditional Adversarial Networks" (CVPR 2017).
/// Built from the inside out as nested `UnetSkipConnectionBlock`s, exactly like
/// pytorch-CycleGAN-and-pix2pix `networks.UnetGenerator`, so keys read
/// `model.model.0.weight`, `model.model.1.model.3.model.1.weight`, …:
///
///     outermost  in  → ngf        (down: conv;  up: ReLU, convT 2ngf→out, Tanh)
///                ngf → 2ngf       (down: LReLU, conv, norm;  up: ReLU, convT, norm)
///                2ngf → 4ngf
///                4ngf → 8ngf
///                8ngf → 8ngf  × (numDowns − 5), with Dropout(0.5) after the up path when useDropout
///     innermost  8ngf → 8ngf      (down: LReLU, conv;  up: ReLU, convT 8ngf→8ngf, norm)
///
/// Every non-outermost block returns `concat(x, block(x))` along channels.
/// Input `[N, inputNC, H, W]` with H and W multiples of 2^numDowns; output `[N, outputNC, H, W]` in (−1, 1).
public final class UnetGenerator: MorphModel {
    /// The outermost block, key prefix `model.`.
    public let model: UnetSkipConnectionBlock
    /// Train (batch statistics, dropout on) or eval mode.
    public var isTraining = true
    /// Channels, size multiple 2^numDowns, receptive field, normalization.
    public let traits: ModelTraits

    public var namedChildren: [(String, Module)] { [("model", model)] }

    /// Builds a U-Net with `numDowns` ≥ 5 downsamplings.
    /// - Throws: `ModelError.invalidConfiguration` for `numDowns` < 5 or non-positive channels.
    public init(inputNC: Int, outputNC: Int, numDowns: Int, ngf: Int = 64, norm: NormKind = .batch,
                useDropout: Bool = false, rng: inout SeededRNG) throws {
        guard numDowns >= 5, numDowns <= 16, inputNC > 0, outputNC > 0, ngf > 0 else {
            throw ModelError.invalidConfiguration(architecture: "UnetGenerator",
                "needs 5 ≤ num_downs ≤ 16 and positive channels, got num_downs \(numDowns), ngf \(ngf)")
        }
        var block = UnetSkipConnectionBlock(outer: ngf * 8, inner: ngf * 8, position: .innermost, norm: norm,
                                            rng: &rng)
        for _ in 0..<(numDowns - 5) {
            block = UnetSkipConnectionBlock(outer: ngf * 8, inner: ngf * 8, submodule: block, norm: norm,
                                            useDropout: useDropout, rng: &rng)
        }
        block = UnetSkipConnectionBlock(outer: ngf * 4, inner: ngf * 8, submodule: block, norm: norm, rng: &rng)
        block = UnetSkipConnectionBlock(outer: ngf * 2, inner: ngf * 4, submodule: block, norm: norm, rng: &rng)
        block = UnetSkipConnectionBlock(outer: ngf, inner: ngf * 2, submodule: block, norm: norm, rng: &rng)
        model = UnetSkipConnectionBlock(outer: outputNC, inner: ngf, input: inputNC, submodule: block,
                                        position: .outermost, norm: norm, rng: &rng)
        // Deepest path: numDowns 4×4 stride-2 convs down, numDowns 4×4 stride-2 transposed convs up.
        var rf = ReceptiveField()
        for _ in 0..<numDowns { rf.conv(4, stride: 2) }
        for _ in 0..<numDowns { rf.convTranspose(4, stride: 2) }
        traits = ModelTraits(role: .generator, inputChannels: inputNC, outputChannels: outputNC, scale: 1,
                             sizeMultiple: 1 << numDowns, receptiveFieldRadius: rf.pixels,
                             hasNormalization: norm.normalizes)
    }

    /// Translates a batch `[N, inputNC, H, W]`.
    public func forward(_ x: Tensor) throws -> Tensor {
        try checkInput(x, channels: traits.inputChannels, model: "UnetGenerator")
        let m = traits.sizeMultiple
        guard x.shape[2] % m == 0, x.shape[3] % m == 0 else {
            throw ModelError.badInput(model: "UnetGenerator", "height and width must be multiples of \(m), got \(x.shape)")
        }
        return try model(x)
    }
}

/// One level of the U-Net: `X → [down → submodule → up] → concat(X, ·)` (the outermost level returns
/// the up path alone). Keys `model.N` with the layer order of the reference:
///
///     outermost: 0 conv, 1 submodule, 2 ReLU, 3 convT (bias), 4 Tanh
///     innermost: 0 LReLU, 1 conv, 2 ReLU, 3 convT, 4 norm
///     middle:    0 LReLU, 1 conv, 2 norm, 3 submodule, 4 ReLU, 5 convT, 6 norm, [7 Dropout]
public final class UnetSkipConnectionBlock: Module {
    /// Where the block sits in the U.
    public enum Position { case outermost, middle, innermost }

    /// The block's layers, key prefix `model.`.
    public let model: Sequential
    /// Which kind of level this is.
    public let position: Position
    /// Train or eval mode.
    public var isTraining = true

    public var namedChildren: [(String, Module)] { [("model", model)] }

    /// Builds a level taking `input` (default `outer`) channels, going down to `inner` channels.
    public init(outer: Int, inner: Int, input: Int? = nil, submodule: Module? = nil, position: Position = .middle,
                norm: NormKind, useDropout: Bool = false, rng: inout SeededRNG) {
        self.position = position
        let bias = norm.convBias
        let downConv = Conv2d(input ?? outer, inner, kernelSize: 4, stride: 2, padding: 1, bias: bias, rng: &rng)
        var layers: [Module]
        switch position {
        case .outermost:
            let upConv = ConvTranspose2d(inner * 2, outer, kernelSize: 4, stride: 2, padding: 1, rng: &rng)
            layers = [downConv] + (submodule.map { [$0] } ?? []) + [ReLU(), upConv, Tanh()]
        case .innermost:
            let upConv = ConvTranspose2d(inner, outer, kernelSize: 4, stride: 2, padding: 1, bias: bias, rng: &rng)
            layers = [LeakyReLU(0.2), downConv, ReLU(), upConv, norm.layer(outer)]
        case .middle:
            let downNorm = norm.layer(inner)
            let upConv = ConvTranspose2d(inner * 2, outer, kernelSize: 4, stride: 2, padding: 1, bias: bias,
                                         rng: &rng)
            layers = [LeakyReLU(0.2), downConv, downNorm] + (submodule.map { [$0] } ?? [])
                + [ReLU(), upConv, norm.layer(outer)]
            if useDropout { layers.append(Dropout(0.5, seed: rng.next())) }
        }
        model = Sequential(layers)
    }

    /// The up path (outermost) or `concat(x, up path)` along channels.
    public func forward(_ x: Tensor) throws -> Tensor {
        let y = try model(x)
        return position == .outermost ? y : try Tensor.concat([x, y], dim: 1)
    }
}

import MorphNN
import MorphTensor

/// The configuration of a LaMa generator (`configs/training/generator/` of the LaMa repository).
///
/// The init and downsampling FFCs are purely local (ratio 0, no LFU) as in every public
/// configuration; the last downsampling switches to `ratio` global channels, which the
/// residual blocks keep.
public struct LamaConfiguration: Equatable, CustomStringConvertible {
    /// Input channels: 4 (masked RGB + mask) for the public checkpoints.
    public var inputNC = 4
    /// Output channels.
    public var outputNC = 3
    /// Channels after the first convolution.
    public var ngf = 64
    /// Stride-2 downsamplings (and transposed-conv upsamplings).
    public var nDownsampling = 3
    /// FFC residual blocks.
    public var nBlocks = 18
    /// Global share of the channels in the residual blocks (`resnet_conv_kwargs.ratio_gin`).
    public var ratio = 0.75
    /// Local Fourier units in the residual blocks' spectral transforms.
    public var enableLFU = false
    /// Channel cap (`max_features`).
    public var maxFeatures = 1024
    /// Sigmoid on the output (`add_out_act: sigmoid`); tanh otherwise.
    public var sigmoidOutput = true

    /// Big-LaMa (`big-lama.yaml`): ngf 64, 3 downsamplings, 18 blocks, ratio 0.75, no LFU, sigmoid.
    public static let bigLama = LamaConfiguration()
    /// LaMa-Fourier (`ffc_resnet_075.yaml`): as Big-LaMa with 9 blocks.
    public static let lamaFourier: LamaConfiguration = {
        var c = LamaConfiguration()
        c.nBlocks = 9
        return c
    }()

    /// Creates a configuration from its fields.
    public init(inputNC: Int = 4, outputNC: Int = 3, ngf: Int = 64, nDownsampling: Int = 3, nBlocks: Int = 18,
                ratio: Double = 0.75, enableLFU: Bool = false, maxFeatures: Int = 1024, sigmoidOutput: Bool = true) {
        (self.inputNC, self.outputNC, self.ngf, self.nDownsampling) = (inputNC, outputNC, ngf, nDownsampling)
        (self.nBlocks, self.ratio, self.enableLFU) = (nBlocks, ratio, enableLFU)
        (self.maxFeatures, self.sigmoidOutput) = (maxFeatures, sigmoidOutput)
    }

    /// The configuration that registry options (`ngf`, `n_blocks`, `ratio`…) describe, Big-LaMa's values
    /// where an option is absent; nil when a value does not parse.
    public init?(registryOptions o: [String: String]) {
        func int(_ key: String, _ fallback: Int) -> Int? { o[key].map { Int($0) } ?? fallback }
        guard let inputNC = int("input_nc", 4), let outputNC = int("output_nc", 3), let ngf = int("ngf", 64),
              let downs = int("n_downsampling", 3), let blocks = int("n_blocks", 18),
              let ratio = o["ratio"].map({ Double($0) }) ?? 0.75 else { return nil }
        self.init(inputNC: inputNC, outputNC: outputNC, ngf: ngf, nDownsampling: downs, nBlocks: blocks, ratio: ratio,
                  enableLFU: o["enable_lfu"] == "true", sigmoidOutput: o["add_out_act"] != "tanh")
    }

    /// Channels at downsampling level `level` (0 = after the first conv).
    func channels(_ level: Int) -> Int { min(maxFeatures, ngf << level) }

    public var description: String {
        let name = self == .bigLama ? "Big-LaMa: " : self == .lamaFourier ? "LaMa-Fourier: " : ""
        return name + "ngf \(ngf), \(nDownsampling) downsamplings, \(nBlocks) FFC blocks, ratio \(ratio), "
            + "LFU \(enableLFU ? "on" : "off"), \(inputNC)→\(outputNC), \(sigmoidOutput ? "sigmoid" : "tanh") output"
    }
}

/// LaMa's generator, `FFCResNetGenerator` (Suvorov et al., "Resolution-robust Large Mask Inpainting
/// with Fourier Convolutions", WACV 2022), with the state keys of `saicinpainting/training/modules/ffc.py`:
///
///     model.0  ReflectionPad2d(3)          model.1  FFC_BN_ACT 7×7 in→ngf (local only)
///     model.2… FFC_BN_ACT 3×3 stride 2 per downsampling (the last one outputs `ratio` global channels)
///     …        FFCResnetBlock × nBlocks    then ConcatTupleLayer (no keys)
///     …        ConvTranspose2d 3×3 s2, BatchNorm2d, ReLU per upsampling
///     …        ReflectionPad2d(3), Conv2d 7×7 ngf→out (bias), Sigmoid
///
/// Input `[N, 4, H, W]` (masked image and mask) with H and W multiples of 2^nDownsampling; output
/// the same size. The spectral transforms see the whole image: the receptive field is global.
public final class FFCResNetGenerator: MorphModel {
    /// Every layer under its reference index, key prefix `model.`; run by `forward`, not as a chain.
    public let model: Sequential
    /// The configuration it was built from.
    public let configuration: LamaConfiguration
    public var isTraining = true
    /// Channels, size multiple 2^nDownsampling, global receptive field, batch norm.
    public let traits: ModelTraits

    private let head: FFCBNAct
    private let downs: [FFCBNAct]
    private let blocks: [FFCResnetBlock]
    private let tail: Sequential

    public var namedChildren: [(String, Module)] { [("model", model)] }

    /// Builds the generator.
    /// - Throws: `ModelError.invalidConfiguration` for non-positive sizes or a ratio outside [0, 1).
    public init(_ c: LamaConfiguration, rng: inout SeededRNG) throws {
        guard c.inputNC > 0, c.outputNC > 0, c.ngf > 0, c.nDownsampling >= 0, c.nBlocks >= 0, c.maxFeatures > 0,
              c.ratio >= 0, c.ratio < 1 else {
            throw ModelError.invalidConfiguration(architecture: "lama", "impossible configuration: \(c)")
        }
        configuration = c
        head = FFCBNAct(c.inputNC, c.ngf, kernelSize: 7, ratioGin: 0, ratioGout: 0, enableLFU: false, rng: &rng)
        var downs: [FFCBNAct] = []
        for i in 0..<c.nDownsampling {
            let last = i == c.nDownsampling - 1
            downs.append(FFCBNAct(c.channels(i), c.channels(i + 1), kernelSize: 3, ratioGin: 0,
                                  ratioGout: last ? c.ratio : 0, stride: 2, padding: 1, enableLFU: false, rng: &rng))
        }
        self.downs = downs
        let bottleneck = c.channels(c.nDownsampling)
        blocks = (0..<c.nBlocks).map { _ in
            FFCResnetBlock(bottleneck, ratio: c.ratio, enableLFU: c.enableLFU, rng: &rng)
        }
        var up: [Module] = []
        for i in 0..<c.nDownsampling {
            let level = c.nDownsampling - i
            let outC = min(c.maxFeatures, (c.ngf << level) / 2)
            up += [ConvTranspose2d(c.channels(level), outC, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1,
                                   rng: &rng), BatchNorm2d(outC), ReLU()]
        }
        up += [ReflectionPad2d(3), Conv2d(c.ngf, c.outputNC, kernelSize: 7, rng: &rng),
               c.sigmoidOutput ? Sigmoid() as Module : Tanh()]
        tail = Sequential(up)
        model = Sequential([ReflectionPad2d(3), head] + downs + blocks + [Identity()] + up)
        traits = ModelTraits(role: .generator, inputChannels: c.inputNC, outputChannels: c.outputNC, scale: 1,
                             sizeMultiple: 1 << c.nDownsampling, receptiveFieldRadius: nil, hasNormalization: true)
    }

    /// Inpaints a batch `[N, inputNC, H, W]`, H and W multiples of `traits.sizeMultiple`.
    public func forward(_ x: Tensor) throws -> Tensor {
        try checkInput(x, channels: traits.inputChannels, model: "FFCResNetGenerator")
        let m = traits.sizeMultiple
        guard x.shape[2] % m == 0, x.shape[3] % m == 0 else {
            throw ModelError.badInput(model: "FFCResNetGenerator",
                                      "height and width must be multiples of \(m), got \(x.shape[2])×\(x.shape[3])")
        }
        let padded = try x.padded(left: 3, right: 3, top: 3, bottom: 3, mode: .reflect)
        var features = try head.forward(features: FFCFeatures(local: padded, global: nil))
        for down in downs { features = try down.forward(features: features) }
        for block in blocks { features = try block.forward(features: features) }
        return try tail(features.concatenated())
    }
}

import Foundation
import MorphModels
import MorphNN

/// Which translation model a run trains.
public enum TrainModelKind: String, CaseIterable, Codable, Sendable {
    /// Unpaired translation with two generators, two discriminators and cycle consistency.
    case cyclegan
    /// Paired translation with one generator, a conditional discriminator and an L1 term.
    case pix2pix
    /// Super-resolution: HR crops, LR made on the fly, L1 (+ perceptual + GAN), weight EMA (`SRModel`).
    case sr
    /// Inpainting: random holes, gated or FFC generator, L1 + SN-PatchGAN hinge loss (`InpaintModel`).
    case inpaint
}

/// `--netG` of the reference.
public enum GeneratorArch: String, CaseIterable, Codable, Sendable {
    case resnet_9blocks, resnet_6blocks, unet_256, unet_128
    /// Whether this is a U-Net (its options are `num_downs`, not `n_blocks`).
    public var isUnet: Bool { self == .unet_256 || self == .unet_128 }
}

/// `--netD` of the reference.
public enum DiscriminatorArch: String, CaseIterable, Codable, Sendable {
    /// The 70×70 PatchGAN (3 layers).
    case basic
    /// A PatchGAN with `--n-layers-d` layers.
    case n_layers
    /// The 1×1 PixelGAN.
    case pixel
}

/// `--preprocess` of the reference (see `Preprocessing`).
public enum PreprocessMode: String, CaseIterable, Codable, Sendable {
    case resize_and_crop, crop, scale_width, scale_width_and_crop, none
}

extension NormKind: Codable, @unchecked Sendable {}
extension InitType: Codable {}
extension LRPolicy: Codable {}

/// Every option of a training run, named as the reference's command line (`--netG` is `netG`),
/// with the reference's defaults for the chosen model (`TrainOptions(model:)`).
/// Written to the run's `config.json` and read back on `--resume`.
public struct TrainOptions: Codable, Equatable, Sendable {
    public var model: TrainModelKind
    // Networks
    public var netG: GeneratorArch
    public var netD: DiscriminatorArch
    public var nLayersD: Int = 3
    public var ngf: Int = 64
    public var ndf: Int = 64
    public var norm: NormKind
    public var noDropout: Bool
    public var initType: InitType = .normal
    public var initGain: Double = 0.02
    public var inputNC: Int = 3
    public var outputNC: Int = 3
    /// ResNet blocks; nil means the architecture's own count (9 or 6). Not a reference option (tiny tests).
    public var nBlocks: Int?
    /// U-Net downsamplings; nil means the architecture's own count (8 or 7). Not a reference option.
    public var numDowns: Int?
    // Losses
    public var ganMode: GANMode
    public var lambdaA: Double = 10
    public var lambdaB: Double = 10
    public var lambdaIdentity: Double = 0.5
    public var lambdaL1: Double = 100
    public var poolSize: Int
    // Optimisation
    public var lr: Double = 0.0002
    public var beta1: Double = 0.5
    public var lrPolicy: LRPolicy = .linear
    public var lrDecayIters: Int = 50
    public var nEpochs: Int = 100
    public var nEpochsDecay: Int = 100
    // Data
    /// The dataset folder (`--data`), as given.
    public var dataRoot: String = ""
    public var batchSize: Int = 1
    public var loadSize: Int = 286
    public var cropSize: Int = 256
    public var preprocess: PreprocessMode = .resize_and_crop
    public var noFlip: Bool = false
    public var direction: TranslationDirection = .aToB
    public var serialBatches: Bool = false
    public var maxDatasetSize: Int?
    /// Decoded batches kept ready by the background loader.
    public var prefetch: Int = 4
    // Run
    public var seed: UInt64 = 0
    public var saveEpochFreq: Int = 5
    /// Also save the `latest` checkpoint every this many iterations (the reference's `--save_latest_freq`).
    public var saveLatestFreq: Int = 5000
    public var displayFreq: Int = 400
    /// Stop after this many iterations in total (nil: run all epochs).
    public var maxSteps: Int?
    /// Super-resolution options (`model == .sr`).
    public var sr: SRTrainOptions?
    /// Inpainting options (`model == .inpaint`).
    public var inpaint: InpaintTrainOptions?

    /// JSON keys: the reference's option names.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case model
        case netG
        case netD
        case nLayersD = "n_layers_D"
        case ngf
        case ndf
        case norm
        case noDropout = "no_dropout"
        case initType = "init_type"
        case initGain = "init_gain"
        case inputNC = "input_nc"
        case outputNC = "output_nc"
        case nBlocks = "n_blocks"
        case numDowns = "num_downs"
        case ganMode = "gan_mode"
        case lambdaA = "lambda_A"
        case lambdaB = "lambda_B"
        case lambdaIdentity = "lambda_identity"
        case lambdaL1 = "lambda_L1"
        case poolSize = "pool_size"
        case lr
        case beta1
        case lrPolicy = "lr_policy"
        case lrDecayIters = "lr_decay_iters"
        case nEpochs = "n_epochs"
        case nEpochsDecay = "n_epochs_decay"
        case dataRoot = "dataroot"
        case batchSize = "batch_size"
        case loadSize = "load_size"
        case cropSize = "crop_size"
        case preprocess
        case noFlip = "no_flip"
        case direction
        case serialBatches = "serial_batches"
        case maxDatasetSize = "max_dataset_size"
        case prefetch
        case seed
        case saveEpochFreq = "save_epoch_freq"
        case saveLatestFreq = "save_latest_freq"
        case displayFreq = "display_freq"
        case maxSteps = "max_steps"
        case sr
        case inpaint
    }

    /// The reference's defaults for `model` (its `modify_commandline_options`).
    public init(model: TrainModelKind) {
        self.model = model
        switch model {
        case .cyclegan:
            netG = .resnet_9blocks; netD = .basic; norm = .instance; noDropout = true
            ganMode = .lsgan; poolSize = 50
        case .pix2pix:
            netG = .unet_256; netD = .basic; norm = .batch; noDropout = false
            ganMode = .vanilla; poolSize = 0; lambdaL1 = 100
        case .sr:
            // BasicSR's SR recipes: Adam (0.9, 0.99), 2e-4, iterations rather than epochs (use --max-steps).
            netG = .resnet_9blocks; netD = .basic; norm = .none; noDropout = true
            ganMode = .vanilla; poolSize = 0; beta1 = 0.9; batchSize = 4
            nEpochs = 1000; nEpochsDecay = 0; saveEpochFreq = 50; displayFreq = 100
            sr = SRTrainOptions()
        case .inpaint:
            // DeepFill v2: Adam 1e-4 (0.5, 0.999).
            netG = .resnet_9blocks; netD = .basic; norm = .none; noDropout = true
            ganMode = .vanilla; poolSize = 0; lr = 1e-4; beta1 = 0.5; lambdaL1 = 1
            nEpochs = 1000; nEpochsDecay = 0; saveEpochFreq = 50; displayFreq = 100
            inpaint = InpaintTrainOptions()
        }
    }

    /// Total epochs, `n_epochs + n_epochs_decay`.
    public var totalEpochs: Int { nEpochs + nEpochsDecay }

    /// Registry name and options of the generator.
    public var generatorSpec: (name: String, options: [String: String]) {
        var o = ["input_nc": "\(inputNC)", "output_nc": "\(outputNC)", "ngf": "\(ngf)", "norm": norm.rawValue,
                 "use_dropout": noDropout ? "false" : "true"]
        if netG.isUnet { if let d = numDowns { o["num_downs"] = "\(d)" } } else if let b = nBlocks { o["n_blocks"] = "\(b)" }
        return (netG.rawValue, o)
    }

    /// Registry name and options of a discriminator seeing `inputChannels` channels.
    public func discriminatorSpec(inputChannels: Int) -> (name: String, options: [String: String]) {
        var o = ["input_nc": "\(inputChannels)", "ndf": "\(ndf)", "norm": norm.rawValue]
        if netD == .n_layers { o["n_layers"] = "\(nLayersD)" }
        return (netD.rawValue, o)
    }

    /// Checks values that cannot work, naming the option.
    /// - Throws: `TrainError.badOption`.
    public func validate() throws {
        func positive(_ name: String, _ v: Int) throws {
            guard v > 0 else { throw TrainError.badOption(option: name, value: "\(v)", "must be positive") }
        }
        try positive("ngf", ngf)
        try positive("ndf", ndf)
        try positive("n-layers-d", nLayersD)
        try positive("batch-size", batchSize)
        try positive("load-size", loadSize)
        try positive("crop-size", cropSize)
        try positive("save-epoch-freq", saveEpochFreq)
        try positive("save-latest-freq", saveLatestFreq)
        try positive("display-freq", displayFreq)
        try positive("prefetch", prefetch)
        guard nEpochs >= 0, nEpochsDecay >= 0, totalEpochs > 0 else {
            throw TrainError.badOption(option: "n-epochs", value: "\(nEpochs)+\(nEpochsDecay)", "need at least one epoch")
        }
        guard poolSize >= 0 else { throw TrainError.badOption(option: "pool-size", value: "\(poolSize)", "must be ≥ 0") }
        guard lr > 0, lr.isFinite else { throw TrainError.badOption(option: "lr", value: "\(lr)", "must be positive") }
        guard beta1 >= 0, beta1 < 1 else { throw TrainError.badOption(option: "beta1", value: "\(beta1)", "must be in [0, 1)") }
        if let m = maxSteps { try positive("max-steps", m) }
        if model == .pix2pix && poolSize > 0 {
            throw TrainError.badOption(option: "pool-size", value: "\(poolSize)", "pix2pix uses no image pool (as the reference)")
        }
        if let m = maxDatasetSize { try positive("max-dataset-size", m) }
        if preprocess.rawValue.contains("crop"), cropSize > loadSize, preprocess != .crop {
            throw TrainError.badOption(option: "crop-size", value: "\(cropSize)", "is larger than --load-size \(loadSize)")
        }
        if netG.isUnet {
            let downs = numDowns ?? (netG == .unet_256 ? 8 : 7)
            let multiple = 1 << downs
            if preprocess != .none, cropSize % multiple != 0 || cropSize < multiple {
                throw TrainError.badOption(option: "crop-size", value: "\(cropSize)",
                                           "\(netG.rawValue) needs a multiple of \(multiple)")
            }
        }
    }
}

extension SRDegradationKind: Codable {}
extension MaskKind: Codable {}

/// The SR generator of `morph train sr` (a registry architecture).
public enum SRArch: String, CaseIterable, Codable, Sendable {
    case srresnet, rrdbnet, srvgg
}

/// The adversarial term of `morph train sr --gan`.
public enum SRGANType: String, CaseIterable, Codable, Sendable {
    /// SRGAN: the standard GAN on the VGG-style discriminator's logits.
    case vanilla
    /// ESRGAN: the relativistic average GAN, D_ra(x_r, x_f) = σ(C(x_r) − E[C(x_f)]), in both directions.
    case ragan
}

/// The discriminator of `morph train sr --gan`.
public enum SRDiscriminatorKind: String, CaseIterable, Codable, Sendable {
    /// SRGAN/ESRGAN's VGG-style classifier (`vgg_discriminator`; one logit per image, crops of 128 or 256).
    case vgg
    /// Real-ESRGAN's U-Net with spectral norm (`unet_discriminator_sn`; one logit per pixel, any crop divisible by 8).
    case unet
}

/// The options of a super-resolution run (BasicSR's names in snake case in `config.json`).
public struct SRTrainOptions: Codable, Equatable, Sendable {
    public var arch: SRArch = .srvgg
    public var scale: Int = 4
    /// HR crop side (`gt_size`); LR crops are gtSize / scale.
    public var gtSize: Int = 128
    public var degradation: SRDegradationKind = .bicubic
    /// Stage 2: adds the VGG-style discriminator.
    public var gan: Bool = false
    public var ganType: SRGANType = .ragan
    /// The discriminator; nil (runs from before the option existed) means `.vgg`.
    public var discriminator: SRDiscriminatorKind?
    /// torchvision VGG19 weights for the perceptual loss (nil: no perceptual term).
    public var vgg: String?
    /// Weight-average decay (0 turns the average off).
    public var emaDecay: Double = 0.999
    /// Pixel (L1) weight; nil means 1 without --gan and ESRGAN's 1e-2 with it.
    public var pixelWeight: Double?
    public var perceptualWeight: Double = 1
    public var ganWeight: Double = 5e-3
    /// Adam β2 (BasicSR: 0.99).
    public var beta2: Double = 0.99
    /// Generator options overriding the architecture's defaults.
    public var numFeat: Int?
    public var numBlock: Int?
    public var numConv: Int?
    /// Training crops per epoch (BasicSR's dataset_enlarge_ratio × images); images are visited in turn.
    public var cropsPerEpoch: Int = 1000

    enum CodingKeys: String, CodingKey, CaseIterable {
        case arch, scale, degradation, gan, vgg, discriminator
        case gtSize = "gt_size", ganType = "gan_type", emaDecay = "ema_decay", pixelWeight = "pixel_weight"
        case perceptualWeight = "perceptual_weight", ganWeight = "gan_weight", beta2
        case numFeat = "num_feat", numBlock = "num_block", numConv = "num_conv", cropsPerEpoch = "crops_per_epoch"
    }

    /// BasicSR-like defaults.
    public init() {}

    /// The discriminator `--gan` trains against.
    public var discriminatorKind: SRDiscriminatorKind { discriminator ?? .vgg }

    /// Registry name and options of the discriminator, `numFeat` wide.
    public func discriminatorSpec(numFeat: Int) -> (name: String, options: [String: String]) {
        switch discriminatorKind {
        case .vgg: return ("vgg_discriminator", ["num_feat": "\(numFeat)", "input_size": "\(gtSize)"])
        case .unet: return ("unet_discriminator_sn", ["num_feat": "\(numFeat)", "skip_connection": "true"])
        }
    }

    /// Registry name and options of the generator.
    public var generatorSpec: (name: String, options: [String: String]) {
        var o: [String: String] = [:]
        switch arch {
        case .srresnet, .srvgg: o["upscale"] = "\(scale)"
        case .rrdbnet: o["scale"] = "\(scale)"
        }
        if let numFeat { o["num_feat"] = "\(numFeat)" }
        if let numBlock, arch != .srvgg { o["num_block"] = "\(numBlock)" }
        if let numConv, arch == .srvgg { o["num_conv"] = "\(numConv)" }
        return (arch.rawValue, o)
    }

    /// Checks values that cannot work, naming the option.
    /// - Throws: `TrainError.badOption`.
    public func validate() throws {
        let scales = arch == .rrdbnet ? [1, 2, 4] : (arch == .srresnet ? [2, 3, 4] : Array(1...8))
        guard scales.contains(scale) else {
            throw TrainError.badOption(option: "scale", value: "\(scale)", "\(arch.rawValue) supports \(scales.map(String.init).joined(separator: ", "))")
        }
        guard gtSize > 0, gtSize % scale == 0 else {
            throw TrainError.badOption(option: "gt-size", value: "\(gtSize)", "must be a positive multiple of --scale \(scale)")
        }
        if arch == .rrdbnet, scale < 4, (gtSize / scale) % (4 / scale) != 0 {
            throw TrainError.badOption(option: "gt-size", value: "\(gtSize)", "rrdbnet ×\(scale) needs LR crops divisible by \(4 / scale)")
        }
        if gan, discriminatorKind == .vgg, gtSize != 128, gtSize != 256 {
            throw TrainError.badOption(option: "gt-size", value: "\(gtSize)", "the VGG-style discriminator of --gan needs 128 or 256")
        }
        if gan, discriminatorKind == .unet, gtSize % 8 != 0 {
            throw TrainError.badOption(option: "gt-size", value: "\(gtSize)", "the U-Net discriminator of --gan needs a multiple of 8")
        }
        guard emaDecay >= 0, emaDecay < 1 else {
            throw TrainError.badOption(option: "ema-decay", value: "\(emaDecay)", "must be in [0, 1)")
        }
        guard beta2 >= 0, beta2 < 1 else { throw TrainError.badOption(option: "beta2", value: "\(beta2)", "must be in [0, 1)") }
        guard cropsPerEpoch > 0 else {
            throw TrainError.badOption(option: "crops-per-epoch", value: "\(cropsPerEpoch)", "must be positive")
        }
    }
}

/// The options of an inpainting run.
public struct InpaintTrainOptions: Codable, Equatable, Sendable {
    /// Generator width (`gated_inpaint`'s `cnum`).
    public var cnum: Int = 32
    public var maskKind: MaskKind = .mixed
    /// Weight of the adversarial term (the L1 weight is `lambda_L1`).
    public var lambdaGAN: Double = 0.1
    /// Stride-2 layers of the SN-PatchGAN discriminator.
    public var discriminatorLayers: Int = 6
    /// Training crops per epoch; images are visited in turn.
    public var cropsPerEpoch: Int = 1000
    /// The generator (nil: `gated_inpaint`); `ngf` and `nBlocks` configure `ffc` (nil: its defaults).
    public var netG: InpaintGeneratorArch?
    public var ngf: Int?, nBlocks: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case cnum, maskKind = "mask_kind", lambdaGAN = "lambda_gan", discriminatorLayers = "d_layers"
        case cropsPerEpoch = "crops_per_epoch", netG = "net_g", ngf, nBlocks = "n_blocks"
    }

    /// DeepFill-like defaults.
    public init() {}

    /// Checks values that cannot work, naming the option.
    /// - Throws: `TrainError.badOption`.
    public func validate(cropSize: Int) throws {
        guard cnum >= 2 else { throw TrainError.badOption(option: "cnum", value: "\(cnum)", "must be at least 2") }
        if let ngf, ngf < 2 { throw TrainError.badOption(option: "ngf", value: "\(ngf)", "must be at least 2") }
        if let nBlocks, nBlocks < 0 { throw TrainError.badOption(option: "n-blocks", value: "\(nBlocks)", "must be ≥ 0") }
        guard cropSize >= 8, cropSize % 4 == 0 else {
            throw TrainError.badOption(option: "crop-size", value: "\(cropSize)", "must be a multiple of 4, at least 8")
        }
        guard lambdaGAN >= 0 else { throw TrainError.badOption(option: "lambda-gan", value: "\(lambdaGAN)", "must be ≥ 0") }
        guard (1...10).contains(discriminatorLayers) else {
            throw TrainError.badOption(option: "d-layers", value: "\(discriminatorLayers)", "must be 1 to 10")
        }
        guard cropsPerEpoch > 0 else {
            throw TrainError.badOption(option: "crops-per-epoch", value: "\(cropsPerEpoch)", "must be positive")
        }
    }
}

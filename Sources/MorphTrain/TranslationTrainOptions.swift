import Foundation
import MorphCheckpoint
import MorphModels
import MorphNN

/// The options of a CycleGAN or pix2pix run beyond the common ones: networks, losses and augmentation, named as
/// the reference's command line (`--netG` is `netG`). Stored under `translation` in `config.json`.
public struct TranslationTrainOptions: Codable, Equatable, Sendable {
    /// Whether the run is pix2pix (paired data, no image pool, an L1 term) rather than CycleGAN.
    public var paired: Bool
    // Networks
    public var netG: GeneratorArch
    public var netD: DiscriminatorArch = .basic
    public var nLayersD: Int = 3
    public var ngf: Int = 64
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
    // Data
    public var loadSize: Int = 286
    public var cropSize: Int = 256
    public var preprocess: PreprocessMode = .resize_and_crop
    public var noFlip: Bool = false
    public var direction: TranslationDirection = .aToB

    /// JSON keys: the reference's option names.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case netG, netD, nLayersD = "n_layers_D", ngf, norm, noDropout = "no_dropout"
        case initType = "init_type", initGain = "init_gain", inputNC = "input_nc", outputNC = "output_nc"
        case nBlocks = "n_blocks", numDowns = "num_downs", ganMode = "gan_mode", lambdaA = "lambda_A"
        case lambdaB = "lambda_B", lambdaIdentity = "lambda_identity", lambdaL1 = "lambda_L1", poolSize = "pool_size"
        case loadSize = "load_size", cropSize = "crop_size", preprocess, noFlip = "no_flip", direction
    }

    /// The reference's defaults for CycleGAN (`paired: false`) or pix2pix (its `modify_commandline_options`).
    public init(paired: Bool) {
        self.paired = paired
        if paired {
            netG = .unet_256; norm = .batch; noDropout = false; ganMode = .vanilla; poolSize = 0
        } else {
            netG = .resnet_9blocks; norm = .instance; noDropout = true; ganMode = .lsgan; poolSize = 50
        }
    }

    /// Reads the keys (`paired` is not among them: `TrainOptions` sets it from the run's model).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(paired: false)
        netG = try c.decode(GeneratorArch.self, forKey: .netG)
        netD = try c.decode(DiscriminatorArch.self, forKey: .netD)
        nLayersD = try c.decode(Int.self, forKey: .nLayersD)
        ngf = try c.decode(Int.self, forKey: .ngf)
        norm = try c.decode(NormKind.self, forKey: .norm)
        noDropout = try c.decode(Bool.self, forKey: .noDropout)
        initType = try c.decode(InitType.self, forKey: .initType)
        initGain = try c.decode(Double.self, forKey: .initGain)
        inputNC = try c.decode(Int.self, forKey: .inputNC)
        outputNC = try c.decode(Int.self, forKey: .outputNC)
        nBlocks = try c.decodeIfPresent(Int.self, forKey: .nBlocks)
        numDowns = try c.decodeIfPresent(Int.self, forKey: .numDowns)
        ganMode = try c.decode(GANMode.self, forKey: .ganMode)
        lambdaA = try c.decode(Double.self, forKey: .lambdaA)
        lambdaB = try c.decode(Double.self, forKey: .lambdaB)
        lambdaIdentity = try c.decode(Double.self, forKey: .lambdaIdentity)
        lambdaL1 = try c.decode(Double.self, forKey: .lambdaL1)
        poolSize = try c.decode(Int.self, forKey: .poolSize)
        loadSize = try c.decode(Int.self, forKey: .loadSize)
        cropSize = try c.decode(Int.self, forKey: .cropSize)
        preprocess = try c.decode(PreprocessMode.self, forKey: .preprocess)
        noFlip = try c.decode(Bool.self, forKey: .noFlip)
        direction = try c.decode(TranslationDirection.self, forKey: .direction)
    }

    /// The generator (`netG` is its registry name).
    public var generatorArchitecture: ArchitectureConfiguration {
        var o: [String: ArchitectureConfiguration.Value] = [
            "input_nc": .int(inputNC), "output_nc": .int(outputNC), "ngf": .int(ngf), "norm": .string(norm.rawValue),
            "use_dropout": .bool(!noDropout),
        ]
        if netG.isUnet { if let d = numDowns { o["num_downs"] = .int(d) } } else if let b = nBlocks { o["n_blocks"] = .int(b) }
        return ArchitectureConfiguration(name: netG.rawValue, options: o)
    }

    /// A discriminator (`netD` is its registry name) seeing `inputChannels` channels, `ndf` wide.
    public func discriminatorArchitecture(inputChannels: Int, ndf: Int) -> ArchitectureConfiguration {
        var o: [String: ArchitectureConfiguration.Value] = [
            "input_nc": .int(inputChannels), "ndf": .int(ndf), "norm": .string(norm.rawValue),
        ]
        if netD == .n_layers { o["n_layers"] = .int(nLayersD) }
        return ArchitectureConfiguration(name: netD.rawValue, options: o)
    }

    /// Checks values that cannot work, naming the option.
    /// - Throws: `TrainError.badOption`.
    public func validate() throws {
        for (name, value) in [("ngf", ngf), ("n-layers-d", nLayersD), ("load-size", loadSize), ("crop-size", cropSize)]
            where value <= 0 {
            throw TrainError.badOption(option: name, value: "\(value)", "must be positive")
        }
        guard poolSize >= 0 else { throw TrainError.badOption(option: "pool-size", value: "\(poolSize)", "must be ≥ 0") }
        if paired && poolSize > 0 {
            throw TrainError.badOption(option: "pool-size", value: "\(poolSize)", "pix2pix uses no image pool (as the reference)")
        }
        if preprocess.rawValue.contains("crop"), cropSize > loadSize, preprocess != .crop {
            throw TrainError.badOption(option: "crop-size", value: "\(cropSize)", "is larger than --load-size \(loadSize)")
        }
        if netG.isUnet {
            // The registry's own default when --num-downs is not given (8 for unet_256, 7 for unet_128).
            let downs = (try? ArchitectureRegistry.resolved(generatorArchitecture))?.int("num_downs") ?? numDowns ?? 8
            let multiple = 1 << downs
            if preprocess != .none, cropSize % multiple != 0 || cropSize < multiple {
                throw TrainError.badOption(option: "crop-size", value: "\(cropSize)",
                                           "\(netG.rawValue) needs a multiple of \(multiple)")
            }
        }
    }
}

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
    /// Inpainting: random holes, gated-convolution generator, L1 + SN-PatchGAN hinge loss (`InpaintModel`).
    case inpaint
}

/// `--netG` of the reference: the registry architectures a translation run can train as its generator. Only the
/// choice; `TranslationTrainOptions.generatorArchitecture` is the network it describes.
public enum GeneratorArch: String, CaseIterable, Codable, Sendable {
    case resnet_9blocks, resnet_6blocks, unet_256, unet_128
    /// Whether this is a U-Net (its options are `num_downs`, not `n_blocks`).
    public var isUnet: Bool { self == .unet_256 || self == .unet_128 }
}

/// `--netD` of the reference: the registry architectures a translation run can train as its discriminator (the
/// choice; `TranslationTrainOptions.discriminatorArchitecture` describes the network).
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

/// The options of one training run: what every run has (`common`) and what its kind adds (`kind`: translation for
/// CycleGAN and pix2pix, SR, or inpainting), each part with its own defaults and `validate()`.
/// The common options read as the run's own (`options.lr`).
///
/// `config.json` holds `model`, the common options at the top level and the kind's under its name (`translation`,
/// `sr` or `inpaint`), with sorted, stable keys. Runs written before the split (every option at the top level,
/// `sr`/`inpaint` nested) still read: see `init(from:)`.
@dynamicMemberLookup
public struct TrainOptions: Codable, Equatable, Sendable {
    /// The options only one kind of run has.
    public enum Kind: Equatable, Sendable {
        case translation(TranslationTrainOptions)
        case sr(SRTrainOptions)
        case inpaint(InpaintTrainOptions)
    }

    /// The model the run trains.
    public let model: TrainModelKind
    /// Data, optimisation, epochs and run control.
    public var common: CommonTrainOptions
    /// The options of the run's kind.
    public private(set) var kind: Kind

    /// The defaults of `model`.
    public init(model: TrainModelKind) {
        self.model = model
        common = CommonTrainOptions(model: model)
        switch model {
        case .cyclegan: kind = .translation(TranslationTrainOptions(paired: false))
        case .pix2pix: kind = .translation(TranslationTrainOptions(paired: true))
        case .sr: kind = .sr(SRTrainOptions())
        case .inpaint: kind = .inpaint(InpaintTrainOptions())
        }
    }

    /// The common options, read and written as the run's own.
    public subscript<T>(dynamicMember path: WritableKeyPath<CommonTrainOptions, T>) -> T {
        get { common[keyPath: path] }
        set { common[keyPath: path] = newValue }
    }

    /// Total epochs, `n_epochs + n_epochs_decay`.
    public var totalEpochs: Int { common.totalEpochs }

    /// A CycleGAN or pix2pix run's own options (nil for other kinds; setting them on other kinds does nothing).
    public var translation: TranslationTrainOptions? {
        get { if case let .translation(o) = kind { return o } else { return nil } }
        set { if let newValue, case .translation = kind { var o = newValue; o.paired = model == .pix2pix; kind = .translation(o) } }
    }

    /// An SR run's own options (nil for other kinds; setting them on other kinds does nothing).
    public var sr: SRTrainOptions? {
        get { if case let .sr(o) = kind { return o } else { return nil } }
        set { if let newValue, case .sr = kind { kind = .sr(newValue) } }
    }

    /// An inpainting run's own options (nil for other kinds; setting them on other kinds does nothing).
    public var inpaint: InpaintTrainOptions? {
        get { if case let .inpaint(o) = kind { return o } else { return nil } }
        set { if let newValue, case .inpaint = kind { kind = .inpaint(newValue) } }
    }

    /// Checks values that cannot work, naming the option: the common options, then the kind's.
    /// - Throws: `TrainError.badOption`.
    public func validate() throws {
        try common.validate()
        switch kind {
        case let .translation(o): try o.validate()
        case let .sr(o): try o.validate()
        case let .inpaint(o): try o.validate()
        }
    }

    /// The top-level keys besides the common options.
    enum CodingKeys: String, CodingKey {
        case model, translation, sr, inpaint
    }

    /// Where runs written before the split kept the inpainting options now in `InpaintTrainOptions`.
    enum FlatInpaintKeys: String, CodingKey {
        case cropSize = "crop_size", lambdaL1 = "lambda_L1"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(model, forKey: .model)
        try common.encode(to: encoder)
        switch kind {
        case let .translation(o): try c.encode(o, forKey: .translation)
        case let .sr(o): try c.encode(o, forKey: .sr)
        case let .inpaint(o): try c.encode(o, forKey: .inpaint)
        }
    }

    /// Reads the current layout, or the flat one of runs written before the split: translation options at the top
    /// level, and an inpainting run's crop size and L1 weight at the top level rather than under `inpaint`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decode(TrainModelKind.self, forKey: .model)
        common = try CommonTrainOptions(from: decoder)
        switch model {
        case .cyclegan, .pix2pix:
            var o = c.contains(.translation) ? try c.decode(TranslationTrainOptions.self, forKey: .translation)
                                              : try TranslationTrainOptions(from: decoder)
            o.paired = model == .pix2pix
            kind = .translation(o)
        case .sr:
            kind = .sr(try c.decode(SRTrainOptions.self, forKey: .sr))
        case .inpaint:
            var o = try c.decode(InpaintTrainOptions.self, forKey: .inpaint)
            let own = try c.nestedContainer(keyedBy: InpaintTrainOptions.CodingKeys.self, forKey: .inpaint)
            let flat = try decoder.container(keyedBy: FlatInpaintKeys.self)
            if !own.contains(.cropSize) { o.cropSize = try flat.decode(Int.self, forKey: .cropSize) }
            if !own.contains(.lambdaL1) { o.lambdaL1 = try flat.decode(Double.self, forKey: .lambdaL1) }
            kind = .inpaint(o)
        }
    }
}

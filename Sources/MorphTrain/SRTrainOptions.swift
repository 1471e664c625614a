import Foundation
import MorphCheckpoint
import MorphModels

extension SRDegradationKind: Codable {}
extension MaskKind: Codable {}

/// The SR generator of `morph train sr --arch`: the registry architectures it can train (the choice;
/// `SRTrainOptions.generatorArchitecture` describes the network).
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

    /// The discriminator of `--gan`, `numFeat` wide.
    public func discriminatorArchitecture(numFeat: Int) -> ArchitectureConfiguration {
        switch discriminatorKind {
        case .vgg:
            return ArchitectureConfiguration(name: "vgg_discriminator", options: ["num_feat": .int(numFeat),
                                                                                  "input_size": .int(gtSize)])
        case .unet:
            return ArchitectureConfiguration(name: "unet_discriminator_sn", options: ["num_feat": .int(numFeat),
                                                                                      "skip_connection": .bool(true)])
        }
    }

    /// The generator (`arch` is its registry name), its factor under the registry's key.
    public var generatorArchitecture: ArchitectureConfiguration {
        var o: [String: ArchitectureConfiguration.Value] = [:]
        switch arch {
        case .srresnet, .srvgg: o["upscale"] = .int(scale)
        case .rrdbnet: o["scale"] = .int(scale)
        }
        if let numFeat { o["num_feat"] = .int(numFeat) }
        if let numBlock, arch != .srvgg { o["num_block"] = .int(numBlock) }
        if let numConv, arch == .srvgg { o["num_conv"] = .int(numConv) }
        return ArchitectureConfiguration(name: arch.rawValue, options: o)
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


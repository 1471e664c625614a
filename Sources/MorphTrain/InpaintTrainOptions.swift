import Foundation
import MorphCheckpoint

/// The options of an inpainting run.
public struct InpaintTrainOptions: Codable, Equatable, Sendable {
    /// Crop size (a multiple of 4).
    public var cropSize: Int = 256
    /// Weight of the L1 reconstruction loss inside the holes.
    public var lambdaL1: Double = 1
    /// Generator width (`gated_inpaint`'s `cnum`).
    public var cnum: Int = 32
    public var maskKind: MaskKind = .mixed
    /// Weight of the adversarial term.
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
        case cropsPerEpoch = "crops_per_epoch", cropSize = "crop_size", lambdaL1 = "lambda_L1"
        case netG = "net_g", ngf, nBlocks = "n_blocks"
    }

    /// DeepFill-like defaults.
    public init() {}

    /// Reads the keys; `crop_size` and `lambda_L1` may be absent (older runs kept them at the top level of
    /// `config.json`, where `TrainOptions` reads them).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        cnum = try c.decode(Int.self, forKey: .cnum)
        maskKind = try c.decode(MaskKind.self, forKey: .maskKind)
        lambdaGAN = try c.decode(Double.self, forKey: .lambdaGAN)
        discriminatorLayers = try c.decode(Int.self, forKey: .discriminatorLayers)
        cropsPerEpoch = try c.decode(Int.self, forKey: .cropsPerEpoch)
        cropSize = try c.decodeIfPresent(Int.self, forKey: .cropSize) ?? cropSize
        lambdaL1 = try c.decodeIfPresent(Double.self, forKey: .lambdaL1) ?? lambdaL1
        netG = try c.decodeIfPresent(InpaintGeneratorArch.self, forKey: .netG)
        ngf = try c.decodeIfPresent(Int.self, forKey: .ngf)
        nBlocks = try c.decodeIfPresent(Int.self, forKey: .nBlocks)
    }

    /// The generator this run trains (runs from before `--net-g` existed trained `gated_inpaint`).
    public var generator: InpaintGeneratorArch { netG ?? .gated_inpaint }

    /// The generator: `gated_inpaint`, `cnum` wide, or `ffc_inpaint` with `ngf` and `n_blocks` (its defaults when nil).
    public var generatorArchitecture: ArchitectureConfiguration {
        switch generator {
        case .gated_inpaint: return ArchitectureConfiguration(name: "gated_inpaint", options: ["cnum": .int(cnum)])
        case .ffc:
            var o: [String: ArchitectureConfiguration.Value] = [:]
            if let ngf { o["ngf"] = .int(ngf) }
            if let nBlocks { o["n_blocks"] = .int(nBlocks) }
            return ArchitectureConfiguration(name: "ffc_inpaint", options: o)
        }
    }

    /// The SN-PatchGAN discriminator on image + mask, `numFeat` wide.
    public func discriminatorArchitecture(numFeat: Int) -> ArchitectureConfiguration {
        ArchitectureConfiguration(name: "sn_patch", options: ["num_in_ch": .int(4), "num_feat": .int(numFeat),
                                                              "num_layers": .int(discriminatorLayers)])
    }

    /// Checks values that cannot work, naming the option.
    /// - Throws: `TrainError.badOption`.
    public func validate() throws {
        guard cnum >= 2 else { throw TrainError.badOption(option: "cnum", value: "\(cnum)", "must be at least 2") }
        if let ngf, ngf < 2 { throw TrainError.badOption(option: "ngf", value: "\(ngf)", "must be at least 2") }
        if let nBlocks, nBlocks < 0 { throw TrainError.badOption(option: "n-blocks", value: "\(nBlocks)", "must be ≥ 0") }
        if generator != .ffc, ngf != nil || nBlocks != nil {
            throw TrainError.badOption(option: "ngf", value: "\(ngf ?? nBlocks ?? 0)", "--ngf and --n-blocks configure --net-g ffc")
        }
        guard cropSize >= 8, cropSize % 4 == 0 else {
            throw TrainError.badOption(option: "crop-size", value: "\(cropSize)", "must be a multiple of 4, at least 8")
        }
        guard lambdaL1 >= 0 else { throw TrainError.badOption(option: "lambda-l1", value: "\(lambdaL1)", "must be ≥ 0") }
        guard lambdaGAN >= 0 else { throw TrainError.badOption(option: "lambda-gan", value: "\(lambdaGAN)", "must be ≥ 0") }
        guard (1...10).contains(discriminatorLayers) else {
            throw TrainError.badOption(option: "d-layers", value: "\(discriminatorLayers)", "must be 1 to 10")
        }
        guard cropsPerEpoch > 0 else {
            throw TrainError.badOption(option: "crops-per-epoch", value: "\(cropsPerEpoch)", "must be positive")
        }
    }
}

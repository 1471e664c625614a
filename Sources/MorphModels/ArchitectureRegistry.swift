import MorphCheckpoint
import MorphNN
import MorphTensor

/// A named architecture: what it is, which options it takes and how to build it.
public struct Architecture {
    /// The registry name (`resnet_9blocks`, `rrdbnet`, …).
    public let name: String
    /// One line on what it is.
    public let summary: String
    /// The options it takes, with defaults.
    public let options: [OptionSpec]
    fileprivate let make: (ArchitectureOptions, inout SeededRNG) throws -> MorphModel
}

/// Builds any Morph model from a name plus string options, and lists the known architectures.
///
/// Names follow the references (`--netG` / `--netD` of pytorch-CycleGAN-and-pix2pix, BasicSR arch names),
/// and so do option keys. Defaults are the references' command-line defaults: CycleGAN's instance norm
/// without dropout for the ResNet generators and discriminators, pix2pix's batch norm with dropout for U-Nets.
public enum ArchitectureRegistry {
    /// Every known architecture, in listing order.
    public static let architectures: [Architecture] = [
        resnet("resnet_9blocks", blocks: 9),
        resnet("resnet_6blocks", blocks: 6),
        unet("unet_256", downs: 8),
        unet("unet_128", downs: 7),
        nlayer("basic", summary: "70×70 PatchGAN discriminator (NLayerDiscriminator, 3 layers)", layersOption: false),
        nlayer("n_layers", summary: "PatchGAN discriminator with n_layers stride-2 stages", layersOption: true),
        Architecture(name: "pixel", summary: "1×1 PixelGAN discriminator",
                     options: [inputNC, ndf, norm("instance")]) { o, rng in
            try PixelDiscriminator(inputNC: o.int("input_nc"), ndf: o.int("ndf"), norm: o.choice("norm"), rng: &rng)
        },
        Architecture(name: "srresnet", summary: "SRGAN generator (BasicSR MSRResNet, no BN), ×2/×3/×4",
                     options: [numInCh, numOutCh, numFeat, OptionSpec("num_block", "16", .int(0...512)),
                               OptionSpec("upscale", "4", .choice(["2", "3", "4"]), aliases: ["scale"])]) { o, rng in
            try SRResNet(numInCh: o.int("num_in_ch"), numOutCh: o.int("num_out_ch"), numFeat: o.int("num_feat"),
                         numBlock: o.int("num_block"), upscale: o.int("upscale"), rng: &rng)
        },
        Architecture(name: "rrdbnet", summary: "ESRGAN / Real-ESRGAN RRDBNet, ×4/×2/×1",
                     options: [numInCh, numOutCh, OptionSpec("scale", "4", .choice(["1", "2", "4"]), aliases: ["upscale"]),
                               numFeat, OptionSpec("num_block", "23", .int(0...512)),
                               OptionSpec("num_grow_ch", "32", .int(1...4096))]) { o, rng in
            try RRDBNet(numInCh: o.int("num_in_ch"), numOutCh: o.int("num_out_ch"), scale: o.int("scale"),
                        numFeat: o.int("num_feat"), numBlock: o.int("num_block"), numGrowCh: o.int("num_grow_ch"),
                        rng: &rng)
        },
        Architecture(name: "srvgg", summary: "Real-ESRGAN SRVGGNetCompact (realesr-general-x4v3: num_conv 32)",
                     options: [numInCh, numOutCh, numFeat, OptionSpec("num_conv", "16", .int(0...1024)),
                               OptionSpec("upscale", "4", .int(1...8), aliases: ["scale"]),
                               OptionSpec("act_type", "prelu", .choice(CompactActivation.allCases.map(\.rawValue)))]) { o, rng in
            try SRVGGNetCompact(numInCh: o.int("num_in_ch"), numOutCh: o.int("num_out_ch"), numFeat: o.int("num_feat"),
                                numConv: o.int("num_conv"), upscale: o.int("upscale"),
                                activation: o.choice("act_type"), rng: &rng)
        },
        Architecture(name: "unet_discriminator_sn", summary: "Real-ESRGAN U-Net discriminator with spectral norm",
                     options: [numInCh, numFeat, OptionSpec("skip_connection", "true", .bool)]) { o, rng in
            try UNetDiscriminatorSN(numInCh: o.int("num_in_ch"), numFeat: o.int("num_feat"),
                                    skipConnection: o.bool("skip_connection"), rng: &rng)
        },
        Architecture(name: "vgg_discriminator", summary: "SRGAN/ESRGAN VGG-style discriminator (input 128 or 256)",
                     options: [numInCh, numFeat, OptionSpec("input_size", "128", .choice(["128", "256"]))]) { o, rng in
            try VGGStyleDiscriminator(numInCh: o.int("num_in_ch"), numFeat: o.int("num_feat"),
                                      inputSize: o.int("input_size"), rng: &rng)
        },
        Architecture(name: "gated_inpaint", summary: "Morph's gated-convolution inpainting generator (DeepFill v2 style)",
                     options: [OptionSpec("cnum", "32", .int(2...1024))]) { o, rng in
            try GatedInpaintGenerator(cnum: o.int("cnum"), rng: &rng)
        },
        Architecture(name: "sn_patch", summary: "DeepFill v2 SN-PatchGAN discriminator",
                     options: [OptionSpec("num_in_ch", "4", .int(1...4096)), numFeat,
                               OptionSpec("num_layers", "6", .int(1...10))]) { o, rng in
            try SNPatchDiscriminator(numInCh: o.int("num_in_ch"), numFeat: o.int("num_feat"),
                                     numLayers: o.int("num_layers"), rng: &rng)
        },
        Architecture(name: "lama", summary: "LaMa FFCResNetGenerator (defaults: Big-LaMa; n_blocks 9: LaMa-Fourier)",
                     options: [OptionSpec("input_nc", "4", .int(1...4096)), outputNC, ngf,
                               OptionSpec("n_downsampling", "3", .int(0...8)), OptionSpec("n_blocks", "18", .int(0...256)),
                               OptionSpec("ratio", "0.75", .choice(["0", "0.25", "0.5", "0.75"]), aliases: ["ratio_gin"]),
                               OptionSpec("enable_lfu", "false", .bool),
                               OptionSpec("add_out_act", "sigmoid", .choice(["sigmoid", "tanh"]))]) { o, rng in
            let c = LamaConfiguration(inputNC: try o.int("input_nc"), outputNC: try o.int("output_nc"), ngf: try o.int("ngf"),
                                      nDownsampling: try o.int("n_downsampling"), nBlocks: try o.int("n_blocks"),
                                      ratio: Double(o.all["ratio"] ?? "") ?? 0.75, enableLFU: try o.bool("enable_lfu"),
                                      sigmoidOutput: o.all["add_out_act"] != "tanh")
            return try FFCResNetGenerator(c, rng: &rng)
        },
        Architecture(name: "ffc_inpaint", summary: "Morph's Fourier-convolution inpainting generator (a small LaMa refining a pull–push fill)",
                     options: [OptionSpec("ngf", "16", .int(2...1024)), OptionSpec("n_downsampling", "2", .int(0...6)),
                               OptionSpec("n_blocks", "6", .int(0...64)),
                               OptionSpec("ratio", "0.75", .choice(["0", "0.25", "0.5", "0.75"])),
                               OptionSpec("enable_lfu", "false", .bool)]) { o, rng in
            try FFCInpaintGenerator(ngf: o.int("ngf"), nDownsampling: o.int("n_downsampling"), nBlocks: o.int("n_blocks"),
                                    ratio: Double(o.all["ratio"] ?? "") ?? 0.75, enableLFU: o.bool("enable_lfu"), rng: &rng)
        },
    ]

    /// The known names, in listing order.
    public static var names: [String] { architectures.map(\.name) }

    /// The architecture called `name`.
    /// - Throws: `ModelError.unknownArchitecture` listing the known names.
    public static func architecture(named name: String) throws -> Architecture {
        guard let a = architectures.first(where: { $0.name == name }) else {
            throw ModelError.unknownArchitecture(name, known: names)
        }
        return a
    }

    /// Builds `configuration`, its options parsed and checked against the architecture's, with weights drawn from a
    /// generator seeded with `seed` (PyTorch's default layer init).
    /// - Throws: `ModelError` for an unknown name, unknown option, bad value or impossible configuration.
    public static func build(_ configuration: ArchitectureConfiguration, seed: UInt64 = 0) throws -> MorphModel {
        let (arch, parsed) = try parse(configuration)
        var rng = SeededRNG(seed: seed)
        return try arch.make(parsed, &rng)
    }

    /// Builds architecture `name` with options given as text (`build(_:seed:)` for a spelled-out configuration).
    /// - Throws: as `build(_:seed:)`.
    public static func build(_ name: String, options: [String: String] = [:], seed: UInt64 = 0) throws -> MorphModel {
        try build(ArchitectureConfiguration(name: name, parsing: options), seed: seed)
    }

    /// `configuration` with every option spelled out: defaults filled in, aliases under their own key, values typed
    /// (what training writes into `morph.options`, so a file names its network completely).
    /// - Throws: as `build(_:seed:)` for an unknown name, option or value.
    public static func resolved(_ configuration: ArchitectureConfiguration) throws -> ArchitectureConfiguration {
        ArchitectureConfiguration(name: configuration.name, parsing: try parse(configuration).1.all)
    }

    /// The architecture of `configuration` and its options checked against it.
    static func parse(_ configuration: ArchitectureConfiguration) throws -> (Architecture, ArchitectureOptions) {
        let arch = try architecture(named: configuration.name)
        return (arch, try ArchitectureOptions(architecture: configuration.name, specs: arch.options,
                                              raw: configuration.textOptions))
    }

    // MARK: Option specs shared by several architectures

    private static let inputNC = OptionSpec("input_nc", "3", .int(1...4096))
    private static let outputNC = OptionSpec("output_nc", "3", .int(1...4096))
    private static let ngf = OptionSpec("ngf", "64", .int(1...4096))
    private static let ndf = OptionSpec("ndf", "64", .int(1...4096))
    private static let numInCh = OptionSpec("num_in_ch", "3", .int(1...4096))
    private static let numOutCh = OptionSpec("num_out_ch", "3", .int(1...4096))
    private static let numFeat = OptionSpec("num_feat", "64", .int(1...4096))

    private static func norm(_ defaultValue: String) -> OptionSpec {
        OptionSpec("norm", defaultValue, .choice(NormKind.allCases.map(\.rawValue)))
    }

    private static func resnet(_ name: String, blocks: Int) -> Architecture {
        Architecture(name: name, summary: "CycleGAN ResNet generator, \(blocks) residual blocks by default",
                     options: [inputNC, outputNC, ngf, norm("instance"), OptionSpec("use_dropout", "false", .bool),
                               OptionSpec("padding_type", "reflect", .choice(ResnetPadding.allCases.map(\.rawValue))),
                               OptionSpec("n_blocks", "\(blocks)", .int(0...256))]) { o, rng in
            try ResnetGenerator(inputNC: o.int("input_nc"), outputNC: o.int("output_nc"), ngf: o.int("ngf"),
                                norm: o.choice("norm"), useDropout: o.bool("use_dropout"), nBlocks: o.int("n_blocks"),
                                paddingType: o.choice("padding_type"), rng: &rng)
        }
    }

    private static func unet(_ name: String, downs: Int) -> Architecture {
        Architecture(name: name, summary: "pix2pix U-Net generator, \(downs) downsamplings by default",
                     options: [inputNC, outputNC, ngf, norm("batch"), OptionSpec("use_dropout", "true", .bool),
                               OptionSpec("num_downs", "\(downs)", .int(5...16))]) { o, rng in
            try UnetGenerator(inputNC: o.int("input_nc"), outputNC: o.int("output_nc"), numDowns: o.int("num_downs"),
                              ngf: o.int("ngf"), norm: o.choice("norm"), useDropout: o.bool("use_dropout"), rng: &rng)
        }
    }

    private static func nlayer(_ name: String, summary: String, layersOption: Bool) -> Architecture {
        var options = [inputNC, ndf, norm("instance")]
        if layersOption { options.append(OptionSpec("n_layers", "3", .int(1...12), aliases: ["n_layers_D"])) }
        return Architecture(name: name, summary: summary, options: options) { o, rng in
            try NLayerDiscriminator(inputNC: o.int("input_nc"), ndf: o.int("ndf"),
                                    nLayers: layersOption ? o.int("n_layers") : 3, norm: o.choice("norm"), rng: &rng)
        }
    }
}

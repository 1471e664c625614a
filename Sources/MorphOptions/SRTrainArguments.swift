import ArgumentParser
import MorphTrain

/// Every option of `morph train sr`, which a recipe's `kind: sr` step takes by the same names.
public struct SRTrainArguments: ParsableArguments {
    /// The defaults (ArgumentParser fills in what the command line gives).
    public init() {}

    @OptionGroup public var common: CropTrainArguments
    @Option(help: "Generator architecture.")
    public var arch = srDefaults.arch
    @Option(help: "Upscale factor (on --resume: must match the run's).")
    public var scale: Int?
    @Option(help: "HR crop size (LR crops are gt-size / scale).")
    public var gtSize = srDefaults.gtSize
    @Option(help: "How LR crops are made.")
    public var degradation = srDefaults.degradation
    @Flag(help: "Stage 2: add a discriminator and the adversarial term.")
    public var gan = srDefaults.gan
    @Option(help: "Adversarial objective with --gan.")
    public var ganType = srDefaults.ganType
    @Option(help: ArgumentHelp("Discriminator with --gan: vgg (SRGAN/ESRGAN, gt-size 128 or 256) or unet (Real-ESRGAN's "
                               + "U-Net with spectral norm; Real-ESRGAN trains it with --gan-type vanilla --pixel-weight 1 "
                               + "--gan-weight 0.1).", valueName: "kind"))
    public var discriminator = srDefaults.discriminatorKind
    @Option(help: "torchvision vgg19 weights (.pth or .safetensors) for the perceptual loss; without it the term is off.")
    public var vgg: String?
    @Option(help: "Decay of G's weight average (params_ema); 0 turns it off.")
    public var emaDecay = srDefaults.emaDecay
    @Option(help: "Pixel (L1) weight (default: 1, or 1e-2 with --gan).")
    public var pixelWeight: Double?
    @Option(help: "Perceptual weight.")
    public var perceptualWeight = srDefaults.perceptualWeight
    @Option(help: "Adversarial weight.")
    public var ganWeight = srDefaults.ganWeight
    @Option(help: "Generator features (num_feat).")
    public var numFeat: Int?
    @Option(help: "Generator blocks (srresnet, rrdbnet num_block).")
    public var numBlock: Int?
    @Option(help: "Generator convolutions (srvgg num_conv).")
    public var numConv: Int?

    /// The run's options: `TrainOptions(model: .sr)` with these filled in.
    public var trainOptions: TrainOptions {
        var o = TrainOptions(model: .sr)
        common.apply(to: &o)
        var sr = o.sr ?? srDefaults
        sr.arch = arch; sr.scale = scale ?? sr.scale; sr.gtSize = gtSize; sr.degradation = degradation
        sr.gan = gan; sr.ganType = ganType; sr.discriminator = discriminator; sr.vgg = vgg; sr.emaDecay = emaDecay
        sr.pixelWeight = pixelWeight; sr.perceptualWeight = perceptualWeight; sr.ganWeight = ganWeight
        sr.numFeat = numFeat; sr.numBlock = numBlock; sr.numConv = numConv; sr.cropsPerEpoch = common.cropsPerEpoch
        o.sr = sr
        return o
    }
}

/// The defaults the options above show.
private let srDefaults = SRTrainOptions()

import ArgumentParser
import MorphTrain

/// Every option of `morph train sr`, which a recipe's `kind: sr` step takes by the same names.
public struct SRTrainArguments: ParsableArguments {
    /// The defaults (ArgumentParser fills in what the command line gives).
    public init() {}

    @OptionGroup public var common: CropTrainArguments
    @Option(help: "Generator architecture.")
    public var arch: SRArch = .srvgg
    @Option(help: "Upscale factor (on --resume: must match the run's).")
    public var scale: Int?
    @Option(help: "HR crop size (LR crops are gt-size / scale).")
    public var gtSize = 128
    @Option(help: "How LR crops are made.")
    public var degradation: SRDegradationKind = .bicubic
    @Flag(help: "Stage 2: add a discriminator and the adversarial term.")
    public var gan = false
    @Option(help: "Adversarial objective with --gan.")
    public var ganType: SRGANType = .ragan
    @Option(help: ArgumentHelp("Discriminator with --gan: vgg (SRGAN/ESRGAN, gt-size 128 or 256) or unet (Real-ESRGAN's "
                               + "U-Net with spectral norm; Real-ESRGAN trains it with --gan-type vanilla --pixel-weight 1 "
                               + "--gan-weight 0.1).", valueName: "kind"))
    public var discriminator: SRDiscriminatorKind = .vgg
    @Option(help: "torchvision vgg19 weights (.pth or .safetensors) for the perceptual loss; without it the term is off.")
    public var vgg: String?
    @Option(help: "Decay of G's weight average (params_ema); 0 turns it off.")
    public var emaDecay = 0.999
    @Option(help: "Pixel (L1) weight (default: 1, or 1e-2 with --gan).")
    public var pixelWeight: Double?
    @Option(help: "Perceptual weight.")
    public var perceptualWeight = 1.0
    @Option(help: "Adversarial weight.")
    public var ganWeight = 5e-3
    @Option(help: "Generator features (num_feat).")
    public var numFeat: Int?
    @Option(help: "Generator blocks (srresnet, rrdbnet num_block).")
    public var numBlock: Int?
    @Option(help: "Generator convolutions (srvgg num_conv).")
    public var numConv: Int?

    public func validate() throws {
        if let scale, !(1...8).contains(scale) { throw ValidationError("--scale must be 1 to 8, got \(scale)") }
        for (name, value) in [("gt-size", gtSize), ("num-feat", numFeat ?? 1), ("num-conv", numConv ?? 1)] where value <= 0 {
            throw ValidationError("--\(name) must be positive, got \(value)")
        }
    }

    /// The run's options: `TrainOptions(model: .sr)` with these filled in.
    public var trainOptions: TrainOptions {
        var o = TrainOptions(model: .sr)
        common.apply(to: &o)
        var sr = SRTrainOptions()
        sr.arch = arch; sr.scale = scale ?? 4; sr.gtSize = gtSize; sr.degradation = degradation
        sr.gan = gan; sr.ganType = ganType; sr.discriminator = discriminator; sr.vgg = vgg; sr.emaDecay = emaDecay
        sr.pixelWeight = pixelWeight; sr.perceptualWeight = perceptualWeight; sr.ganWeight = ganWeight
        sr.numFeat = numFeat; sr.numBlock = numBlock; sr.numConv = numConv; sr.cropsPerEpoch = common.cropsPerEpoch
        o.sr = sr
        return o
    }
}

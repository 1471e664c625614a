import ArgumentParser
import MorphTrain

/// Every option of `morph train inpaint`, which a recipe's `kind: inpaint` step takes by the same names.
public struct InpaintTrainArguments: ParsableArguments {
    /// The defaults (ArgumentParser fills in what the command line gives).
    public init() {}

    @OptionGroup public var common: CropTrainArguments
    @Option(help: "Crop size (a multiple of 4).")
    public var cropSize = inpaintDefaults.cropSize
    @Option(help: "Hole shapes.")
    public var maskKind = inpaintDefaults.maskKind
    @Option(help: "Generator: gated_inpaint (gated convolutions; the default) or ffc (a small LaMa of Fourier convolutions; the default when --ngf or --n-blocks is given).")
    public var netG: InpaintGeneratorArch?
    @Option(help: "Generator width (gated_inpaint cnum).")
    public var cnum = inpaintDefaults.cnum
    @Option(help: "FFC generator channels after the first convolution (default 16; --net-g ffc).")
    public var ngf: Int?
    @Option(help: "FFC residual blocks (default 6; --net-g ffc).")
    public var nBlocks: Int?
    @Option(name: .customLong("lambda-l1"), help: "Weight of the L1 reconstruction loss inside the holes.")
    public var lambdaL1 = inpaintDefaults.lambdaL1
    @Option(help: "Weight of the adversarial (hinge) term (0: no discriminator).")
    public var lambdaGan = inpaintDefaults.lambdaGAN
    @Option(help: "Stride-2 layers of the SN-PatchGAN discriminator.")
    public var dLayers = inpaintDefaults.discriminatorLayers

    /// The run's options: `TrainOptions(model: .inpaint)` with these filled in.
    public var trainOptions: TrainOptions {
        var o = TrainOptions(model: .inpaint)
        common.apply(to: &o)
        var inpaint = o.inpaint ?? inpaintDefaults
        inpaint.cropSize = cropSize; inpaint.lambdaL1 = lambdaL1
        inpaint.cnum = cnum; inpaint.maskKind = maskKind; inpaint.lambdaGAN = lambdaGan
        inpaint.discriminatorLayers = dLayers; inpaint.cropsPerEpoch = common.cropsPerEpoch
        if netG != nil || ngf != nil || nBlocks != nil { (inpaint.netG, inpaint.ngf, inpaint.nBlocks) = (netG ?? .ffc, ngf, nBlocks) }
        o.inpaint = inpaint
        return o
    }
}

/// The defaults the options above show.
private let inpaintDefaults = InpaintTrainOptions()

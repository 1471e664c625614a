import ArgumentParser
import MorphTrain

/// Every option of `morph train inpaint`, which a recipe's `kind: inpaint` step takes by the same names.
public struct InpaintTrainArguments: ParsableArguments {
    /// The defaults (ArgumentParser fills in what the command line gives).
    public init() {}

    @OptionGroup public var common: CropTrainArguments
    @Option(help: "Crop size (a multiple of 4).")
    public var cropSize = 256
    @Option(help: "Hole shapes.")
    public var maskKind: MaskKind = .mixed
    @Option(help: "Generator: gated_inpaint (gated convolutions) or ffc (a small LaMa of Fourier convolutions).")
    public var netG: InpaintGeneratorArch = .gated_inpaint
    @Option(help: "Generator width (gated_inpaint cnum).")
    public var cnum = 32
    @Option(help: "FFC generator channels after the first convolution (default 16; --net-g ffc).")
    public var ngf: Int?
    @Option(help: "FFC residual blocks (default 6; --net-g ffc).")
    public var nBlocks: Int?
    @Option(name: .customLong("lambda-l1"), help: "Weight of the L1 reconstruction loss inside the holes.")
    public var lambdaL1 = 1.0
    @Option(help: "Weight of the adversarial (hinge) term (0: no discriminator).")
    public var lambdaGan = 0.1
    @Option(help: "Stride-2 layers of the SN-PatchGAN discriminator.")
    public var dLayers = 6

    public func validate() throws {
        for (name, value) in [("crop-size", cropSize), ("cnum", cnum), ("d-layers", dLayers), ("ngf", ngf ?? 1)] where value <= 0 {
            throw ValidationError("--\(name) must be positive, got \(value)")
        }
        if let nBlocks, nBlocks < 0 { throw ValidationError("--n-blocks must be ≥ 0, got \(nBlocks)") }
        if netG != .ffc, ngf != nil || nBlocks != nil { throw ValidationError("--ngf and --n-blocks configure --net-g ffc") }
    }

    /// The run's options: `TrainOptions(model: .inpaint)` with these filled in.
    public var trainOptions: TrainOptions {
        var o = TrainOptions(model: .inpaint)
        common.apply(to: &o)
        o.cropSize = cropSize
        o.lambdaL1 = lambdaL1
        var inpaint = InpaintTrainOptions()
        inpaint.cnum = cnum; inpaint.maskKind = maskKind; inpaint.lambdaGAN = lambdaGan
        inpaint.discriminatorLayers = dLayers; inpaint.cropsPerEpoch = common.cropsPerEpoch
        if netG != .gated_inpaint { (inpaint.netG, inpaint.ngf, inpaint.nBlocks) = (netG, ngf, nBlocks) }
        o.inpaint = inpaint
        return o
    }
}

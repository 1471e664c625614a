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
    @Option(help: "Generator width (gated_inpaint cnum).")
    public var cnum = 32
    @Option(name: .customLong("lambda-l1"), help: "Weight of the L1 reconstruction loss inside the holes.")
    public var lambdaL1 = 1.0
    @Option(help: "Weight of the adversarial (hinge) term (0: no discriminator).")
    public var lambdaGan = 0.1
    @Option(help: "Stride-2 layers of the SN-PatchGAN discriminator.")
    public var dLayers = 6

    public func validate() throws {
        for (name, value) in [("crop-size", cropSize), ("cnum", cnum), ("d-layers", dLayers)] where value <= 0 {
            throw ValidationError("--\(name) must be positive, got \(value)")
        }
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
        o.inpaint = inpaint
        return o
    }
}

import ArgumentParser
import MorphTrain

/// `morph train inpaint`.
struct InpaintTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inpaint",
        abstract: "Train the gated-convolution inpainting generator against an SN-PatchGAN on random holes.",
        discussion: "G refines a pull–push fill of each hole. G loss: λL1·(mean L1 inside the holes) "
            + "+ λgan·(−mean D(composite, mask)); D loss: hinge, mean(relu(1 − D(real))) + mean(relu(1 + D(fake))). "
            + "With --lambda-gan 0 the discriminator is not run (an L1-only model, about twice as fast).")

    @OptionGroup var common: CropTrainArguments
    @Option(help: "Crop size (a multiple of 4).")
    var cropSize = 256
    @Option(help: "Hole shapes.")
    var maskKind: MaskKind = .mixed
    @Option(help: "Generator width (gated_inpaint cnum).")
    var cnum = 32
    @Option(name: .customLong("lambda-l1"), help: "Weight of the L1 reconstruction loss inside the holes.")
    var lambdaL1 = 1.0
    @Option(help: "Weight of the adversarial (hinge) term (0: no discriminator).")
    var lambdaGan = 0.1
    @Option(help: "Stride-2 layers of the SN-PatchGAN discriminator.")
    var dLayers = 6

    func validate() throws {
        try common.check()
        for (name, value) in [("crop-size", cropSize), ("cnum", cnum), ("d-layers", dLayers)] where value <= 0 {
            throw ValidationError("--\(name) must be positive, got \(value)")
        }
    }

    func run() throws {
        var o = TrainOptions(model: .inpaint)
        common.apply(to: &o)
        o.cropSize = cropSize
        o.lambdaL1 = lambdaL1
        var inpaint = InpaintTrainOptions()
        inpaint.cnum = cnum; inpaint.maskKind = maskKind; inpaint.lambdaGAN = lambdaGan
        inpaint.discriminatorLayers = dLayers; inpaint.cropsPerEpoch = common.cropsPerEpoch
        o.inpaint = inpaint
        try TrainRunner.run(o, data: common.data, out: common.out, resume: common.resume)
    }
}

import ArgumentParser
import MorphOptions

/// `morph train inpaint`.
struct InpaintTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inpaint",
        abstract: "Train an inpainting generator (gated convolutions, or --net-g ffc) against an SN-PatchGAN on random holes.",
        discussion: "G refines a pull–push fill of each hole (--net-g ffc: a small LaMa of Fourier convolutions, "
            + "--ngf, --n-blocks). G loss: λL1·(mean L1 inside the holes) "
            + "+ λgan·(−mean D(composite, mask)); D loss: hinge, mean(relu(1 − D(real))) + mean(relu(1 + D(fake))). "
            + "With --lambda-gan 0 the discriminator is not run (an L1-only model, about twice as fast).")

    @OptionGroup var options: InpaintTrainArguments

    func run() throws {
        let common = options.common
        try TrainRunner.run(options.trainOptions, data: common.data, out: common.out, resume: common.resume)
    }
}

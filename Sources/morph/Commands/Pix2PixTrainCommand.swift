import ArgumentParser
import MorphOptions

/// `morph train pix2pix`.
struct Pix2PixTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pix2pix",
        abstract: "Train pix2pix on paired data (DIR/train of A|B side-by-side images).",
        discussion: "Defaults are the reference's: unet_256, batch norm, dropout, vanilla GAN, λL1 100, no pool, "
            + "Adam 2e-4 (β1 0.5), 100 + 100 epochs with linear decay.")

    @OptionGroup var train: TrainArguments

    func run() throws {
        try TrainRunner.run(train.trainOptions(.pix2pix), data: train.data, out: train.out, resume: train.resume)
    }
}

import ArgumentParser
import MorphTrain

/// `morph train pix2pix`.
struct Pix2PixTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pix2pix",
        abstract: "Train pix2pix on paired data (DIR/train of A|B side-by-side images).",
        discussion: "Defaults are the reference's: unet_256, batch norm, dropout, vanilla GAN, λL1 100, no pool, "
            + "Adam 2e-4 (β1 0.5), 100 + 100 epochs with linear decay.")

    @OptionGroup var train: TrainArguments

    func validate() throws { try train.check() }
    func run() throws { try train.run(.pix2pix) }
}

import ArgumentParser
import MorphOptions

/// `morph train cyclegan`.
struct CycleGANTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cyclegan",
        abstract: "Train CycleGAN on unpaired data (DIR/trainA, DIR/trainB).",
        discussion: "Defaults are the reference's: resnet_9blocks, instance norm, no dropout, lsgan, λA = λB = 10, "
            + "λidentity 0.5, pool 50, Adam 2e-4 (β1 0.5), 100 + 100 epochs with linear decay.")

    @OptionGroup var train: TrainArguments

    func run() throws {
        try TrainRunner.run(train.trainOptions(.cyclegan), data: train.data, out: train.out, resume: train.resume)
    }
}

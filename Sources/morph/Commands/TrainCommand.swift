import ArgumentParser

/// `morph train`: train a translation model into a run folder.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a translation (CycleGAN, pix2pix), super-resolution or inpainting model.",
        subcommands: [CycleGANTrainCommand.self, Pix2PixTrainCommand.self, SRTrainCommand.self, InpaintTrainCommand.self])
}

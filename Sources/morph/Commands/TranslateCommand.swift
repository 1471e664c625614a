import ArgumentParser
import Foundation
import MorphInference

/// `morph translate`: CycleGAN / pix2pix image-to-image translation over files and folders.
struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate images with a CycleGAN or pix2pix generator.",
        discussion: """
        Images are scaled to [-1, 1]; the tanh output becomes (x+1)/2·255 rounded. 16-bit stays 16-bit where \
        the format allows, gray stays gray, alpha is passed through. Sides that are not a multiple of the \
        model's size multiple are reflect-padded and the output is cropped back. Without --eval the model runs \
        as the reference's test script does (batch statistics, dropout on, seeded by --seed). With --tile N and \
        --overlap auto the overlap is the model's receptive field, at most half the tile.
        """)

    @Argument(help: "Input images or folders (searched recursively).")
    var inputs: [String]

    @OptionGroup var model: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var tiling: TilingOptions

    @Option(help: "Which generator of a CycleGAN run folder: AtoB (G_A) or BtoA (G_B).")
    var direction: Direction = .aToB

    @Flag(help: "Evaluation mode: running statistics, no dropout.")
    var eval = false

    @Option(help: "Seed of the dropout masks in train mode.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Norm statistics when tiling: global (default) or tile.",
                               discussion: "global settles each InstanceNorm layer's whole-image statistics over the tiles "
                                   + "first (exact; about half a forward pass per norm layer); tile normalises each tile alone."))
    var normStats: NormStatisticsMode?

    @Option(help: "Resize each input to this width (keeping the aspect ratio) before translating, as the reference's scale_width.")
    var loadSize: Int?

    func validate() throws {
        if let loadSize { guard (4...65536).contains(loadSize) else { throw ValidationError("--load-size must be between 4 and 65536") } }
    }

    func run() throws {
        let inference = InferenceOptions(tile: tiling.tileSetting, overlap: tiling.overlapSize, normStatistics: normStats)
        let options = ImageRunOptions(format: output.format?.imageFormat, quality: output.quality,
                                      skipExisting: output.skipExisting, jobs: output.jobs, inference: inference,
                                      loadSize: loadSize)
        let runner = ImageCommandRunner(inputs: inputs, output: output.output, model: model.model,
                                        arch: model.architecture.arch, architectureOptions: model.architecture.dictionary,
                                        direction: direction, task: .translate(eval: eval, seed: seed), options: options)
        try runImageCommand(runner, label: "translate")
    }
}

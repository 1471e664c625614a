import ArgumentParser
import MorphInference
import MorphModels

/// Every option of `morph translate`, which a recipe's translate step takes by the same names.
public struct TranslateOptions: ParsableArguments {
    /// The defaults (ArgumentParser fills in what the command line gives).
    public init() {}

    @OptionGroup public var model: ModelOptions
    @OptionGroup public var output: OutputOptions
    @OptionGroup public var tiling: TilingOptions

    @Option(help: "Which generator of a CycleGAN run folder: AtoB (G_A) or BtoA (G_B).")
    public var direction: TranslationDirection = .aToB

    @Flag(help: "Evaluation mode: running statistics, no dropout.")
    public var eval = false

    @Option(help: "Seed of the dropout masks in train mode.")
    public var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Norm statistics when tiling: global (default) or tile.",
                               discussion: "global settles each InstanceNorm layer's whole-image statistics over the tiles "
                                   + "first (exact; about half a forward pass per norm layer); tile normalises each tile alone."))
    public var normStats: NormStatisticsMode?

    @Option(help: "Resize each input to this width (keeping the aspect ratio) before translating, as the reference's scale_width.")
    public var loadSize: Int?

    public func validate() throws {
        if let loadSize { guard (4...65536).contains(loadSize) else { throw ValidationError("--load-size must be between 4 and 65536") } }
    }

    /// The settings of the batch.
    public var runOptions: ImageRunOptions {
        ImageRunOptions(output: output, tiling: tiling, inference: InferenceOptions(tile: tiling.tileSetting, overlap: tiling.overlapSize,
                                                                    normStatistics: normStats), loadSize: loadSize)
    }

    /// The work on each image.
    public var task: ImageTask { .translate(eval: eval, seed: seed) }
}

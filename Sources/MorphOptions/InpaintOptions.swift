import ArgumentParser
import MorphInference

/// Every option of `morph inpaint`, which a recipe's inpaint step takes by the same names.
public struct InpaintOptions: ParsableArguments {
    /// The defaults (ArgumentParser fills in what the command line gives).
    public init() {}

    @Option(help: "A mask image, or a folder of masks named like the images.")
    public var mask: String

    @OptionGroup public var model: ModelOptions
    @OptionGroup public var output: OutputOptions
    @OptionGroup public var tiling: TilingOptions

    /// The settings of the batch.
    public var runOptions: ImageRunOptions {
        ImageRunOptions(output: output, inference: InferenceOptions(tile: tiling.tileSetting, overlap: tiling.overlapSize))
    }
}

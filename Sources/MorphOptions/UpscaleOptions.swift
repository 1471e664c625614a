import ArgumentParser
import MorphInference

/// Every option of `morph upscale`, which a recipe's upscale step takes by the same names.
public struct UpscaleOptions: ParsableArguments {
    /// The defaults (ArgumentParser fills in what the command line gives).
    public init() {}

    @OptionGroup public var model: ModelOptions
    @OptionGroup public var output: OutputOptions
    @OptionGroup public var tiling: TilingOptions

    // `.unconditional`: a negative value is read as the value (and refused by `validate`), not as an unknown flag.
    @Option(parsing: .unconditional, help: "Final scale relative to the input (default: the model's scale).")
    public var outscale: Double?

    @Option(parsing: .unconditional,
            help: ArgumentHelp("realesr-general-x4v3 only: 1 denoises strongly (the model as it is), 0 keeps noise.",
                               discussion: "Interpolates the weights with realesr-general-wdn-x4v3 (downloaded next to it), "
                                   + "as Real-ESRGAN's -dn does; Real-ESRGAN's own default is 0.5."))
    public var denoiseStrength: Double?

    public func validate() throws {
        if let denoiseStrength {
            guard (0...1).contains(denoiseStrength) else { throw ValidationError("--denoise-strength must be between 0 and 1") }
        }
        if let outscale { guard outscale > 0, outscale <= 16 else { throw ValidationError("--outscale must be in (0, 16]") } }
    }

    /// The settings of the batch.
    public var runOptions: ImageRunOptions {
        ImageRunOptions(output: output, tiling: tiling, inference: InferenceOptions(tile: tiling.tileSetting, overlap: tiling.overlapSize))
    }

    /// The work on each image.
    public var task: ImageTask { .upscale(outscale: outscale) }
}

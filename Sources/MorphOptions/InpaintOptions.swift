import ArgumentParser
import MorphInference

/// Every option of `morph inpaint`, which a recipe's inpaint step takes by the same names.
public struct InpaintOptions: ParsableArguments {
    /// The defaults (ArgumentParser fills in what the command line gives).
    public init() {}

    @Option(help: "A mask image, or a folder of masks named like the images (default: each image's alpha).")
    public var mask: String?

    @Option(help: "crop, resize or original.")
    public var strategy: String = InpaintStrategy.crop.rawValue

    @Option(help: "Context around each hole with --strategy crop, in pixels.")
    public var cropMargin: Int = 128

    @Option(help: "With --strategy crop, images whose longer side is at most this run whole.")
    public var cropTrigger: Int = 800

    @Option(help: "The longest side --strategy resize runs at.")
    public var resizeLimit: Int = 1280

    @Option(help: "Grow every hole by N pixels first.")
    public var maskDilate: Int = 0

    @OptionGroup public var model: ModelOptions
    @OptionGroup public var output: OutputOptions
    @OptionGroup public var tiling: TilingOptions

    public func validate() throws {
        guard InpaintStrategy(rawValue: strategy) != nil else {
            throw ValidationError("--strategy must be one of \(InpaintStrategy.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard cropMargin >= 0, cropTrigger >= 0, resizeLimit > 0, maskDilate >= 0 else {
            throw ValidationError("--crop-margin, --crop-trigger and --mask-dilate must be at least 0, --resize-limit above 0")
        }
    }

    /// The settings of the batch.
    public var runOptions: ImageRunOptions {
        var options = ImageRunOptions(output: output, tiling: tiling, inference: InferenceOptions(tile: tiling.tileSetting,
                                                                                  overlap: tiling.overlapSize))
        options.inpaint = InpaintSettings(strategy: InpaintStrategy(rawValue: strategy) ?? .crop, cropMargin: cropMargin,
                                          cropTrigger: cropTrigger, resizeLimit: resizeLimit, maskDilate: maskDilate)
        options.inpaint.maskFromAlpha = mask == nil
        return options
    }
}

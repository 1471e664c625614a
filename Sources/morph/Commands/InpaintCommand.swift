import ArgumentParser
import Foundation
import MorphInference

/// `morph inpaint`: fills masked holes (white in the mask, or transparent pixels) with an inpainting generator.
struct InpaintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inpaint",
        abstract: "Fill the white (> 127) parts of each image's mask, or its transparent pixels.",
        discussion: """
        --mask is one mask for every image, or a folder of masks matched to the images by file stem; without \
        --mask each image's transparent pixels are filled. The model is Morph's built-in inpainter or a LaMa \
        checkpoint (Big-LaMa best.ckpt, a plain state dict, or IOPaint's big-lama.pt). Strategies for large \
        images: crop (default) runs each hole plus --crop-margin pixels of context when the longer side exceeds \
        --crop-trigger, so the cost follows the holes; resize runs the whole image at most --resize-limit pixels \
        on its longer side and pastes back only the holes; original runs the whole image. Pixels outside the holes \
        (and alpha) are copied from the input exactly. A missing mask, a mask of another size or a mask with no \
        hole fails that image alone.
        """)

    @Argument(help: "Input images or folders (searched recursively).")
    var inputs: [String]

    @Option(help: "A mask image, or a folder of masks named like the images (default: each image's alpha).")
    var mask: String?

    @Option(help: "crop, resize or original.")
    var strategy: String = "crop"

    @Option(help: "Context around each hole with --strategy crop, in pixels.")
    var cropMargin: Int = 128

    @Option(help: "With --strategy crop, images whose longer side is at most this run whole.")
    var cropTrigger: Int = 800

    @Option(help: "The longest side --strategy resize runs at.")
    var resizeLimit: Int = 1280

    @Option(help: "Grow every hole by N pixels first.")
    var maskDilate: Int = 0

    @OptionGroup var model: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var tiling: TilingOptions

    func validate() throws {
        guard InpaintStrategy(rawValue: strategy) != nil else {
            throw ValidationError("--strategy must be one of \(InpaintStrategy.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard cropMargin >= 0, cropTrigger >= 0, resizeLimit > 0, maskDilate >= 0 else {
            throw ValidationError("--crop-margin, --crop-trigger and --mask-dilate must be ≥ 0, --resize-limit > 0")
        }
    }

    func run() throws {
        var options = ImageRunOptions(format: output.format?.imageFormat, quality: output.quality,
                                      skipExisting: output.skipExisting, jobs: output.jobs,
                                      inference: InferenceOptions(tile: tiling.tileSetting, overlap: tiling.overlapSize))
        options.inpaint = InpaintSettings(strategy: InpaintStrategy(rawValue: strategy) ?? .crop, cropMargin: cropMargin,
                                          cropTrigger: cropTrigger, resizeLimit: resizeLimit, maskDilate: maskDilate)
        options.inpaint.maskFromAlpha = mask == nil
        let summary: BatchSummary
        do {
            var jobs = try JobPlanner.plan(inputs: inputs, output: output.output, format: options.format)
            if let mask { jobs = try InpaintPipeline.attachMasks(mask, to: jobs) }
            let loaded = try ModelLoader.load(ModelLoader.resolve(model.model), arch: model.architecture.arch,
                                              options: model.architecture.dictionary)
            summary = try InpaintPipeline.run(jobs, model: loaded, options: options, label: "inpaint")
        } catch {
            throw modelFailure(error)
        }
        print(summary.report)
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }
}

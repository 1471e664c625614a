import ArgumentParser
import Foundation
import MorphInference

/// `morph inpaint`: fills masked holes (white in the mask) with an inpainting generator.
struct InpaintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inpaint",
        abstract: "Fill the white (> 127) parts of each image's mask.",
        discussion: """
        --mask is one mask for every image, or a folder of masks matched to the images by file stem. Only crops \
        around the holes run through the model; pixels outside the holes (and alpha) are copied from the input \
        exactly. A missing mask, a mask of another size or a mask with no hole fails that image alone.
        """)

    @Argument(help: "Input images or folders (searched recursively).")
    var inputs: [String]

    @Option(help: "A mask image, or a folder of masks named like the images.")
    var mask: String

    @OptionGroup var model: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var tiling: TilingOptions

    func run() throws {
        let options = ImageRunOptions(format: output.format?.imageFormat, quality: output.quality,
                                      skipExisting: output.skipExisting, jobs: output.jobs,
                                      inference: InferenceOptions(tile: tiling.tileSetting, overlap: tiling.overlapSize))
        let summary: BatchSummary
        do {
            let jobs = try InpaintPipeline.plan(inputs: inputs, masks: mask, output: output.output,
                                                format: options.format)
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

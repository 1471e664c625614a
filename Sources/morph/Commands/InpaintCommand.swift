import ArgumentParser
import Foundation
import MorphInference
import MorphOptions

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

    @OptionGroup var options: InpaintOptions

    func run() throws {
        let model = options.model
        let summary: BatchSummary
        do {
            let jobs = try InpaintPipeline.plan(inputs: inputs, masks: options.mask, output: options.output.output,
                                                format: options.output.format?.imageFormat)
            let loaded = try ModelLoader.load(ModelLoader.resolve(model.model), arch: model.architecture.arch,
                                              options: model.architecture.dictionary)
            summary = try InpaintPipeline.run(jobs, model: loaded, options: options.runOptions, label: "inpaint")
        } catch {
            throw modelFailure(error)
        }
        print(summary.report)
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }
}

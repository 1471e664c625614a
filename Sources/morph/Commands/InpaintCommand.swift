import ArgumentParser
import Foundation
import MorphPipeline
import MorphRecipes

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
        var options = output.runOptions(tiling, inference: InferenceOptions(tile: tiling.tileSetting,
                                                                            overlap: tiling.overlapSize))
        let summary = try CLIFailure.guarding {
            let jobs = try InpaintPipeline.plan(inputs: inputs, masks: mask, output: output.output,
                                                format: options.format, suffix: options.suffix)
            let loaded = try ModelLoader.load(ModelLoader.resolve(model.model), arch: model.architecture.arch,
                                              options: model.architecture.dictionary)
            let tiles = try TileExactness(options.inference, traits: loaded.traits, exact: options.tileExact)
            options.inference = tiles.options
            if let note = tiles.note { FileHandle.standardError.write(Data("morph: \(note)\n".utf8)) }
            return try InpaintPipeline.run(jobs, model: loaded, options: options, label: "inpaint")
        }
        CLIFailure.summariseWarnings()
        print(summary.report)
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }
}

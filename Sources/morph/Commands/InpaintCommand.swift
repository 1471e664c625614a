import ArgumentParser
import Foundation
import MorphInference
import MorphOptions

/// `morph inpaint`: fills masked holes (white in the mask, or transparent pixels) with an inpainting generator.
struct InpaintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inpaint",
        abstract: "Fill the white (> 127) parts of each image's mask, or its transparent pixels.",
        discussion: """
        --mask is one mask for every image, or a folder of masks matched to the images by file stem; without \
        --mask each image's transparent pixels are filled. The model is Morph's built-in inpainter or a LaMa \
        checkpoint (Big-LaMa's best.ckpt, a plain state dict, or IOPaint's big-lama.pt). Strategies for large \
        images: crop (default) runs each hole plus --crop-margin pixels of context when the longer side exceeds \
        --crop-trigger, so the cost follows the holes; resize runs the whole image at most --resize-limit pixels \
        on its longer side and pastes back only the holes; original runs the whole image. Pixels outside the holes \
        (and alpha) are copied from the input exactly. A missing mask, a mask of another size or a mask with no \
        hole fails that image alone.
        """)

    @Argument(help: "Input images or folders (searched recursively).")
    var inputs: [String]

    @OptionGroup var options: InpaintOptions

    func run() throws {
        let model = options.model
        var run = options.runOptions
        let summary = try CLIFailure.guarding {
            var jobs = try JobPlanner.plan(inputs: inputs, output: options.output.output, format: run.format,
                                           suffix: run.suffix)
            if let mask = options.mask { jobs = try InpaintPipeline.attachMasks(mask, to: jobs) }
            let loaded = try ModelLoader.load(ModelLoader.resolve(model.model), arch: model.architecture.arch,
                                              options: model.architecture.dictionary)
            let tiles = try TileExactness(run.inference, traits: loaded.traits, exact: run.tileExact)
            run.inference = tiles.options
            if let note = tiles.note { FileHandle.standardError.write(Data("morph: \(note)\n".utf8)) }
            return try InpaintPipeline.run(jobs, model: loaded, options: run, label: "inpaint")
        }
        CLIFailure.summariseWarnings()
        print(summary.report)
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }
}

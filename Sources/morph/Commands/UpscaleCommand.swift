import ArgumentParser
import Foundation
import MorphInference

/// `morph upscale`: super-resolution (RRDBNet, SRVGGNetCompact, SRResNet) over files and folders.
struct UpscaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upscale",
        abstract: "Upscale images with an ESRGAN / Real-ESRGAN / SRResNet model.",
        discussion: """
        Images are scaled to [0, 1] and the output is clipped. Alpha is upscaled bicubic alongside; 16-bit \
        stays 16-bit where the format allows. --outscale resamples the model output with Lanczos.
        """)

    @Argument(help: "Input images or folders (searched recursively).")
    var inputs: [String]

    @OptionGroup var model: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var tiling: TilingOptions

    @Option(help: "Final scale relative to the input (default: the model's scale).")
    var outscale: Double?

    func validate() throws {
        if let outscale { guard outscale > 0, outscale <= 16 else { throw ValidationError("--outscale must be in (0, 16]") } }
    }

    func run() throws {
        let inference = InferenceOptions(tile: tiling.tileSetting, overlap: tiling.overlapSize)
        let options = ImageRunOptions(format: output.format?.imageFormat, quality: output.quality,
                                      skipExisting: output.skipExisting, jobs: output.jobs, inference: inference)
        let runner = ImageCommandRunner(inputs: inputs, output: output.output, model: model.model,
                                        arch: model.architecture.arch, architectureOptions: model.architecture.dictionary,
                                        task: .upscale(outscale: outscale), options: options)
        try runImageCommand(runner, label: "upscale")
    }
}

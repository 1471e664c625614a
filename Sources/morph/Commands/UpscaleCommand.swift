import ArgumentParser
import Foundation
import MorphPipeline

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

    @Option(help: ArgumentHelp("realesr-general-x4v3 only: 1 denoises strongly (the model as it is), 0 keeps noise.",
                               discussion: "Interpolates the weights with realesr-general-wdn-x4v3 (downloaded next to it), "
                                   + "as Real-ESRGAN's -dn does; Real-ESRGAN's own default is 0.5."))
    var denoiseStrength: Double?

    func validate() throws {
        if let denoiseStrength {
            guard (0...1).contains(denoiseStrength) else { throw ValidationError("--denoise-strength must be between 0 and 1") }
        }
        if let outscale { guard outscale > 0, outscale <= 16 else { throw ValidationError("--outscale must be in (0, 16]") } }
    }

    func run() throws {
        let inference = InferenceOptions(tile: tiling.tileSetting, overlap: tiling.overlapSize)
        let options = output.runOptions(tiling, inference: inference)
        var runner = ImageCommandRunner(inputs: inputs, output: output.output, model: model.model,
                                        arch: model.architecture.arch, architectureOptions: model.architecture.dictionary,
                                        task: .upscale(outscale: outscale), options: options)
        runner.denoiseStrength = denoiseStrength
        try runImageCommand(runner, label: "upscale")
    }
}

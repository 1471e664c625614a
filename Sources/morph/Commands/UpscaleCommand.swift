import ArgumentParser
import Foundation
import MorphInference
import MorphOptions

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

    @OptionGroup var options: UpscaleOptions

    func run() throws {
        var runner = ImageCommandRunner(inputs: inputs, output: options.output.output, model: options.model.model,
                                        arch: options.model.architecture.arch,
                                        architectureOptions: options.model.architecture.dictionary,
                                        task: options.task, options: options.runOptions)
        runner.denoiseStrength = options.denoiseStrength
        try runImageCommand(runner, label: "upscale")
    }
}

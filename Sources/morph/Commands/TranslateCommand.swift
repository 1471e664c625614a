import ArgumentParser
import Foundation
import MorphInference
import MorphOptions

/// `morph translate`: CycleGAN / pix2pix image-to-image translation over files and folders.
struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate images with a CycleGAN or pix2pix generator.",
        discussion: """
        Images are scaled to [-1, 1]; the tanh output becomes (x+1)/2·255 rounded. 16-bit stays 16-bit where \
        the format allows, gray stays gray, alpha is passed through. Sides that are not a multiple of the \
        model's size multiple are reflect-padded and the output is cropped back. Without --eval the model runs \
        as the reference's test script does (batch statistics, dropout on, seeded by --seed). With --tile N and \
        --overlap auto the overlap is the model's receptive field, at most half the tile.
        """)

    @Argument(help: "Input images or folders (searched recursively).")
    var inputs: [String]

    @OptionGroup var options: TranslateOptions

    func run() throws {
        let runner = ImageCommandRunner(inputs: inputs, output: options.output.output, model: options.model.model,
                                        arch: options.model.architecture.arch,
                                        architectureOptions: options.model.architecture.dictionary,
                                        direction: options.direction, task: options.task, options: options.runOptions)
        try runImageCommand(runner, label: "translate")
    }
}

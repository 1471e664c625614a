import ArgumentParser
import Foundation
import MorphInference
import MorphOptions

/// `morph convert`: any checkpoint to safetensors that later loads with no flags.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a checkpoint to safetensors with Morph's architecture metadata.",
        discussion: "The weights are checked to load strictly into the architecture before anything is written.")

    @Argument(help: "Input checkpoint (.pth, .pt, .ckpt, .safetensors).")
    var input: String

    @Argument(help: "Output .safetensors file.")
    var output: String

    @OptionGroup var architecture: ArchitectureOverride

    func validate() throws {
        guard output.lowercased().hasSuffix(".safetensors") else {
            throw ValidationError("the output must end in .safetensors")
        }
    }

    func run() throws {
        let loaded = try CLIFailure.guarding {
            try CheckpointConverter.convert(URL(fileURLWithPath: input), to: URL(fileURLWithPath: output),
                                            arch: architecture.arch, options: architecture.dictionary)
        }
        print("wrote \(output): \(loaded.configuration), scale \(loaded.traits.scale), "
              + "\(loaded.model.parameterCount) parameters")
    }
}

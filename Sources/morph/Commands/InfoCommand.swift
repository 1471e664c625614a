import ArgumentParser
import Foundation
import MorphInference

/// `morph info`: what a checkpoint holds and which architecture Morph sees in it.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show a checkpoint's format, architecture, scale, parameter count, dtype and first keys.")

    @Argument(help: "Checkpoint file (.pth, .pt, .ckpt, .safetensors), run folder or built-in model name.")
    var checkpoint: String

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let info = try CLIFailure.guarding { try CheckpointInfo(contentsOf: ModelLoader.resolve(checkpoint)) }
        print(json ? info.json : info.text)
    }
}

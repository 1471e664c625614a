import ArgumentParser

/// The `morph` command line: image-to-image translation, super-resolution and inpainting.
@main
struct Morph: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "morph",
        abstract: "Image-to-image translation, super-resolution and inpainting on the CPU.",
        subcommands: [BenchCommand.self, TrainCommand.self]
    )
}

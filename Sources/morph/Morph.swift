import ArgumentParser
import Foundation

/// The `morph` command line: image-to-image translation, super-resolution and inpainting.
@main
struct Morph: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "morph",
        abstract: "Image-to-image translation, super-resolution and inpainting on the CPU.",
        subcommands: [TranslateCommand.self, UpscaleCommand.self, InpaintCommand.self, TrainCommand.self, RunCommand.self, InfoCommand.self,
                      ConvertCommand.self, MetricsCommand.self, BenchCommand.self, ServeCommand.self]
    )

    /// Parses and runs; usage errors exit with 2 (the CLI contract), not ArgumentParser's 64.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                var message = fullMessage(for: error)
                if message.hasPrefix("Error: ") { message = String(message.dropFirst(7)) }
                FileHandle.standardError.write(Data(("morph: " + message + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

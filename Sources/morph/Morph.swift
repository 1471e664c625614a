import ArgumentParser
import Foundation

/// The `morph` command line: image-to-image translation, super-resolution and inpainting.
@main
struct Morph: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "morph",
        abstract: "Image-to-image translation, super-resolution and inpainting on the CPU.",
        discussion: "morph --version prints the version and the git commit it was built from.",
        subcommands: [TranslateCommand.self, UpscaleCommand.self, InpaintCommand.self, TrainCommand.self, RunCommand.self, InfoCommand.self,
                      ConvertCommand.self, MetricsCommand.self, BenchCommand.self, ServeCommand.self, ModelsCommand.self]
    )

    /// Parses and runs; usage errors exit with 2 (the CLI contract), not ArgumentParser's 64.
    static func main() {
        if Array(CommandLine.arguments.dropFirst()) == ["--version"] {
            print(MorphVersion.description)
            return
        }
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
            if error is ExitCode || code == .success { exit(withError: error) }
            // Anything a command did not report itself goes through the one error-to-line mapping.
            exit(withError: CLIFailure.report(error))
        }
    }
}

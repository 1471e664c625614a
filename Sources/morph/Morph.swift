import ArgumentParser
import Foundation
import MorphSupport

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

    /// Parses and runs; usage errors are one line and exit with 2 (the CLI contract), not ArgumentParser's 64.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments == ["--version"] {
            print(MorphVersion.description)
            return
        }
        if let problem = UsageCheck.problem(in: arguments) { usageError(problem) }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                var text = ErrorText.firstLine(message(for: error))
                if text.hasPrefix("Error: ") { text = String(text.dropFirst(7)) }
                usageError(text)
            }
            if error is ExitCode || code == .success { exit(withError: error) }
            // Anything a command did not report itself goes through the one error-to-line mapping.
            exit(withError: CLIFailure.report(error))
        }
    }

    /// Prints `morph: <message>` (one line, no usage block: `--help` has it) and exits with 2.
    static func usageError(_ message: String) -> Never {
        FileHandle.standardError.write(Data(("morph: " + message + "\n").utf8))
        Foundation.exit(2)
    }
}

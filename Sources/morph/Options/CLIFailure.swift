import ArgumentParser
import Foundation
import MorphSupport
import MorphImage
import MorphRecipes
import MorphTrain

/// The one place where the command line turns an error into lines on stderr and an exit code:
/// every line is `morph: <file>: <cause>` (Foundation and libvips messages translated, the path once), and the code
/// is 2 for usage and model errors (the CLI contract). Exit codes already decided (`ExitCode`, `--help`) pass through.
enum CLIFailure {
    /// Runs `body`, reporting any error it throws.
    @discardableResult
    static func guarding<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let code as ExitCode { throw code } catch {
            throw report(error)
        }
    }

    /// Prints `error` and returns the exit code to leave with.
    static func report(_ error: Error) -> ExitCode {
        // Ctrl-C stopped training after its checkpoint; the session has said where the run stands.
        if error is TrainInterrupted { return ExitCode(130) }
        let text = lines(for: error).map { "morph: \($0)\n" }.joined()
        FileHandle.standardError.write(Data(text.utf8))
        return ExitCode(2)
    }

    /// The lines for `error`: one per recipe problem, otherwise exactly one.
    static func lines(for error: Error) -> [String] {
        if let recipe = error as? RecipeError { return recipe.issues.map(recipe.line(for:)) }
        return [ErrorText.line(error)]
    }

    /// Prints libvips' warnings of this run as one summary line, if there were any.
    static func summariseWarnings() {
        guard let summary = VipsWarnings.takeSummary() else { return }
        FileHandle.standardError.write(Data("morph: \(summary)\n".utf8))
    }
}

import ArgumentParser
import Foundation
import MorphSupport

/// Prints `morph: <cause>` on stderr (the cause already names the file) and returns exit code 2.
func modelFailure(_ error: Error) -> ExitCode {
    FileHandle.standardError.write(Data("morph: \(firstLine(of: error))\n".utf8))
    return ExitCode(2)
}

/// The first line of an error's description.
func firstLine(of error: Error) -> String { ErrorText.firstLine(of: error) }

import ArgumentParser
import Foundation
import MorphInference

/// Runs an image command and prints the summary; exit 0 all done, 1 some failed, 2 usage or model error.
func runImageCommand(_ runner: ImageCommandRunner, label: String) throws {
    let summary = try CLIFailure.guarding {
        try runner.run(label: label) { FileHandle.standardError.write(Data("morph: \($0)\n".utf8)) }
    }
    CLIFailure.summariseWarnings()
    print(summary.report)
    if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
}

import ArgumentParser
import MorphInference

/// Runs an image command and prints the summary; exit 0 all done, 1 some failed, 2 usage or model error.
func runImageCommand(_ runner: ImageCommandRunner, label: String) throws {
    let summary: BatchSummary
    do { summary = try runner.run(label: label) } catch { throw modelFailure(error) }
    print(summary.report)
    if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
}

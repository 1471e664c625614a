import ArgumentParser
import Foundation
import MorphTrain

/// Runs a training session from the command line: one-line errors with exit code 2, exit code 130 after Ctrl-C.
enum TrainRunner {
    /// Builds the session for `options` (or resumes the run in `out`) and trains it.
    static func run(_ options: TrainOptions, data: String?, out: String, resume: Bool,
                    before: () throws -> Void = {}) throws {
        let outcome = try CLIFailure.guarding {
            try before()
            let session = try TrainSession(options: options, data: data.map { URL(fileURLWithPath: $0) },
                                           run: URL(fileURLWithPath: out), resume: resume)
            return try session.train()
        }
        if outcome.interrupted { throw ExitCode(130) }
    }
}

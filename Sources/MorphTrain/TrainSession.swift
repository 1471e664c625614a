import Foundation

/// How a training run ended.
public struct TrainOutcome {
    /// Where the run stands: its latest checkpoint.
    public let position: TrainPosition
    /// Whether Ctrl-C stopped it (after saving the checkpoint); `morph train` then exits with 130.
    public let interrupted: Bool
}

/// Ctrl-C stopped a training run after saving its checkpoint: whatever ran it stops too (exit code 130).
public struct TrainInterrupted: Error, CustomStringConvertible {
    /// The run folder.
    public let run: String
    /// Where the run stands.
    public let position: TrainPosition

    /// The interruption of the run in `run` at `position`.
    public init(run: String, position: TrainPosition) {
        self.run = run
        self.position = position
    }

    public var description: String {
        "\(run): interrupted at iteration \(position.iteration), epoch \(position.epoch); continue it with --resume"
    }
}

/// One training run, as `morph train` and a recipe's train step both run it: builds the trainer (a new run, or the
/// run in the folder resumed with its saved options, which must be of the same kind), shows its notes, says where a
/// resumed run continues, draws progress over the whole run, stops after the current step on Ctrl-C with a checkpoint
/// (a second Ctrl-C quits at once) and ends with the "stopped at" line.
public final class TrainSession {
    /// The trainer.
    public let trainer: Trainer
    /// Whether the session continues a run.
    public let resumed: Bool
    /// The run folder.
    public var run: URL { trainer.run.root }

    /// Builds the trainer for `options` in `run`, or with `resume` the trainer of the run there.
    /// - Throws: `TrainError` for bad options or data, a run of another kind, or a `maxSteps` below where the resumed
    ///   run stands; `ModelError` for impossible architectures.
    public init(options: TrainOptions, data: URL?, run: URL, resume: Bool) throws {
        trainer = try Trainer(options: options, data: data, run: run, resume: resume)
        resumed = resume
        if resume && trainer.options.model != options.model {
            throw TrainError.runState(file: run.path,
                                      "holds a \(trainer.options.model.rawValue) run, not \(options.model.rawValue)")
        }
    }

    /// Trains until the run's end, `--max-steps` or Ctrl-C, drawing progress on stderr (`interactive` as in
    /// `ProgressReporter`), and saves the checkpoint.
    /// - Throws: the trainer's errors; the last saved checkpoint stays valid.
    public func train(interactive: Bool? = nil) throws -> TrainOutcome {
        let events = TrainProgress.events(for: trainer, interactive: interactive)
        for note in trainer.notes { events.message("morph: \(note)") }
        if resumed {
            events.message("resuming at iteration \(trainer.position.iteration), epoch \(trainer.position.epoch)")
        }
        let interrupt = Self.stopOnInterrupt(trainer, message: events.message)
        defer {
            interrupt.cancel()
            signal(SIGINT, SIG_DFL)
        }
        let position = try trainer.train(events: events)
        events.message("stopped at iteration \(position.iteration), epoch \(position.epoch); run in \(run.path)")
        return TrainOutcome(position: position, interrupted: trainer.stopRequested)
    }

    /// Ctrl-C asks `trainer` to stop after the current step with a checkpoint; a second Ctrl-C exits at once with 130
    /// (every file is written by temp + rename, so the last checkpoint stays valid either way).
    static func stopOnInterrupt(_ trainer: Trainer, message: @escaping (String) -> Void) -> DispatchSourceSignal {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            if trainer.stopRequested { exit(130) }
            trainer.requestStop()
            message("interrupted: stopping after this step and saving a checkpoint (Ctrl-C again to quit now)")
        }
        source.resume()
        return source
    }
}

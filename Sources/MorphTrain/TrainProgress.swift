import Foundation
import MorphSupport

/// Progress display of a training run: one bar over the whole run (to `--max-steps` or the last epoch, so its ETA is
/// the run's), labelled with the epoch and showing the trainer's headline losses; its messages as log lines.
public enum TrainProgress {
    /// Steps of the whole run with `batchesPerEpoch` batches an epoch: every epoch, or `maxSteps` when it comes first.
    public static func totalSteps(_ options: TrainOptions, batchesPerEpoch: Int) -> Int {
        let all = options.totalEpochs * batchesPerEpoch
        return options.maxSteps.map { min($0, all) } ?? all
    }

    /// Events that draw `trainer`'s progress on stderr (`interactive` as in `ProgressReporter`).
    public static func events(for trainer: Trainer, interactive: Bool? = nil) -> TrainEvents {
        var bar: ProgressReporter?
        var events = TrainEvents()
        let epochs = trainer.options.totalEpochs
        events.epochStarted = { epoch, batches, _ in
            let label = "epoch \(epoch)/\(epochs)"
            if let bar { return bar.relabel(label) }
            bar = ProgressReporter(total: totalSteps(trainer.options, batchesPerEpoch: batches), label: label,
                                   unit: "steps", interactive: interactive, initial: trainer.position.iteration)
        }
        let shown = trainer.model.lossNames
        events.stepped = { _, losses in
            // Losses a step did not compute (e.g. the GAN terms before `--gan` starts) are left out.
            bar?.advance(status: shown.compactMap { name in losses[name].map { "\(name) \(String(format: "%.3f", $0))" } }
                .joined(separator: " "))
        }
        events.message = { line in
            if let bar { bar.log(line) } else { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        }
        return events
    }
}

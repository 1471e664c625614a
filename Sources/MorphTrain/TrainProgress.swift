import Foundation
import MorphSupport

/// Progress display of a training run, shared by `morph train` and a recipe's train step: a bar per epoch
/// with the trainer's headline losses, and its messages as log lines.
public enum TrainProgress {
    /// Events that draw `trainer`'s progress on stderr (`interactive` as in `ProgressReporter`).
    public static func events(for trainer: Trainer, interactive: Bool? = nil) -> TrainEvents {
        var bar: ProgressReporter?
        var events = TrainEvents()
        let total = trainer.options.totalEpochs
        events.epochStarted = { epoch, batches, start in
            bar = ProgressReporter(total: batches - start, label: "epoch \(epoch)/\(total)", unit: "steps",
                                   interactive: interactive)
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

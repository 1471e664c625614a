import Foundation
import MorphNN
import MorphTensor

/// What the loop tells its caller (the CLI draws progress bars from these).
public struct TrainEvents {
    /// An epoch begins: its number, its batch count and the batch it starts at (non-zero after a resume).
    public var epochStarted: (_ epoch: Int, _ batches: Int, _ startBatch: Int) -> Void = { _, _, _ in }
    /// A step finished, with its losses.
    public var stepped: (_ position: TrainPosition, _ losses: [String: Float]) -> Void = { _, _ in }
    /// A line worth showing (checkpoints, learning-rate changes).
    public var message: (String) -> Void = { _ in }

    /// Events that do nothing.
    public init() {}
}

/// The shared training loop of every trainer (translation, super-resolution, inpainting): epochs over a
/// prefetched dataset, one `TrainableModel.train(on:)` per batch (and `evaluate()` every `--display-freq`),
/// the learning-rate policy stepped at the end of each epoch,
/// `log.csv` rows, the report every `--display-freq` steps, checkpoints at the end of each epoch
/// (per-epoch copies every `--save-epoch-freq`), every `--save-latest-freq` iterations, and when
/// `--max-steps` or `requestStop()` stops the run.
/// The plateau policy watches the epoch's mean of the model's headline loss (cycle_A or G_L1); the
/// reference passes it a constant 0, which only counts epochs.
///
/// A resumed run restores weights, optimizer moments, schedules, pools and every generator, and
/// sees the same batches (see `EpochPlan`), so it continues exactly where the interrupted one stood.
public final class Trainer {
    /// The run's options (from `config.json` when resumed).
    public let options: TrainOptions
    /// The run folder.
    public let run: RunFolder
    /// Networks, optimizers and the step.
    public let model: TrainableModel
    /// The training data.
    public let dataset: PairDataset
    /// One schedule per optimizer, by the optimizer's name.
    public let schedules: [(String, LRSchedule)]
    /// Lines to show the user once: skipped images, terms that are off.
    public private(set) var notes: [String] = []
    /// Where the run stands.
    public private(set) var position = TrainPosition()
    private let log: TrainLog
    private let stopLock = NSLock()
    private var stopFlag = false

    /// Starts a new run in `run` (which must not hold a checkpoint yet) or, with `resume`, continues the
    /// one there with its saved options; `maxSteps` (when given) replaces the saved limit.
    /// - Throws: `TrainError` for bad options, missing data, an unreadable run folder or a `maxSteps` below the
    ///   resumed run's iteration; `ModelError` for impossible architectures.
    public init(options newOptions: TrainOptions, data: URL?, run runURL: URL, resume: Bool) throws {
        run = RunFolder(runURL)
        var options = newOptions
        if resume {
            options = try run.readConfig()
            options.maxSteps = newOptions.maxSteps
            if let data { options.dataRoot = data.path }
        } else {
            if FileManager.default.fileExists(atPath: run.latestMarker.path) {
                throw TrainError.runState(file: run.root.path, "already holds a run; pass --resume to continue it or choose another --out")
            }
            guard let data else { throw TrainError.badOption(option: "data", value: "", "a new run needs --data") }
            options.dataRoot = data.path
        }
        guard !options.dataRoot.isEmpty else {
            throw TrainError.runState(file: run.config.path, "names no data folder; pass --data")
        }
        try options.validate()
        self.options = options
        model = try makeTrainableModel(options)
        dataset = try makeDataset(options, root: URL(fileURLWithPath: options.dataRoot))
        try model.prepare(dataset: dataset)
        notes = ((dataset as? SRDataset)?.skipped ?? []) + ((dataset as? InpaintDataset)?.skipped ?? []) + model.notes
        let scheduleOptions = LRScheduleOptions(nEpochs: options.nEpochs, nEpochsDecay: options.nEpochsDecay,
                                                epochCount: 1, lrDecayIters: options.lrDecayIters)
        schedules = try model.optimizers.map { ($0.name, try makeSchedule(options.lrPolicy, optimizer: $0.optimizer,
                                                                          options: scheduleOptions)) }
        try run.prepare()
        if resume {
            position = try RunCheckpoint(run: run, options: options).restore(model: model, schedules: schedules)
            if let limit = options.maxSteps, limit < position.iteration {
                throw TrainError.badOption(option: "max-steps", value: "\(limit)", "the run in \(run.root.path) is "
                    + "already at iteration \(position.iteration), epoch \(position.epoch); give a larger number")
            }
        } else {
            try run.writeConfig(options)
        }
        log = try TrainLog(url: run.log, lossNames: model.lossNames, keepUpTo: resume ? position.iteration : nil)
    }

    /// Asks the loop to stop after the current step, saving the `latest` checkpoint first (safe to call
    /// from any thread, e.g. a SIGINT handler).
    public func requestStop() {
        stopLock.lock()
        stopFlag = true
        stopLock.unlock()
    }

    /// Whether `requestStop()` was called.
    public var stopRequested: Bool {
        stopLock.lock()
        defer { stopLock.unlock() }
        return stopFlag
    }

    /// The learning rate of the first optimizer.
    public var learningRate: Double { model.optimizers.first?.optimizer.lr ?? 0 }

    /// Trains until the last epoch or `--max-steps`, then saves the `latest` checkpoint and the report.
    /// - Throws: loading, step and file errors; the last saved checkpoint stays valid.
    @discardableResult
    public func train(events: TrainEvents = TrainEvents()) throws -> TrainPosition {
        let checkpoint = RunCheckpoint(run: run, options: options)
        func reachedLimit() -> Bool { stopRequested || (options.maxSteps.map { position.iteration >= $0 } ?? false) }
        while position.epoch <= options.totalEpochs && !reachedLimit() {
            let plan = EpochPlan(count: dataset.count, batchSize: options.batchSize, seed: options.seed,
                                 epoch: position.epoch, shuffle: !options.serialBatches)
            events.epochStarted(position.epoch, plan.batchCount, position.epochBatch)
            let loader = PrefetchLoader(plan: plan, dataset: dataset, start: position.epochBatch, depth: options.prefetch)
            defer { loader.cancel() }
            while !reachedLimit(), let batch = try loader.nextBatch() {
                let start = Date()
                var losses = try model.train(on: batch)
                let seconds = Date().timeIntervalSince(start)
                let display = (position.iteration + 1) % options.displayFreq == 0
                if display { losses.merge(try model.evaluate()) { _, new in new } }
                position.iteration += 1
                position.epochBatch += 1
                position.epochLossSum += Double(losses[model.headlineLoss] ?? 0)
                position.seconds += seconds
                try log.append(iteration: position.iteration, epoch: position.epoch, losses: losses, lr: learningRate,
                           seconds: seconds)
                events.stepped(position, losses)
                if display { try writeReport() }
                if position.iteration % options.saveLatestFreq == 0, position.epochBatch < plan.batchCount {
                    try checkpoint.save(model: model, schedules: schedules, position: position, epochTag: nil)
                }
            }
            if reachedLimit() && position.epochBatch < plan.batchCount { break }
            // End of the epoch: the learning-rate policy, then checkpoints.
            let metric = position.epochLossSum / Double(max(1, position.epochBatch))
            let before = learningRate
            for (_, schedule) in schedules { try schedule.step(metric: metric) }
            if learningRate != before {
                events.message(String(format: "learning rate %.7f -> %.7f", before, learningRate))
            }
            let finished = position.epoch
            position.epoch += 1
            position.epochBatch = 0
            position.epochLossSum = 0
            let tag = finished % options.saveEpochFreq == 0 || finished == options.totalEpochs ? finished : nil
            try checkpoint.save(model: model, schedules: schedules, position: position, epochTag: tag)
            if let tag { events.message("saved the networks of epoch \(tag) (iteration \(position.iteration))") }
        }
        try checkpoint.save(model: model, schedules: schedules, position: position, epochTag: nil)
        try writeReport()
        return position
    }

    /// Regenerates `report.html` from the latest visuals and the log.
    public func writeReport() throws {
        guard !model.visuals.isEmpty else { return }
        try TrainReport.write(run: run, options: options, log: log, visuals: model.visuals, position: position)
    }
}

import Foundation
import MorphNN

/// The options every training run has, whatever its kind: data, optimisation, epochs and run control, named as
/// the reference's command line. Their `config.json` keys sit at the top level of the file.
public struct CommonTrainOptions: Codable, Equatable, Sendable {
    /// The dataset folder (`--data`), as given.
    public var dataRoot: String = ""
    public var batchSize: Int = 1
    /// Discriminator width (`--ndf`; `num_feat` of the SR and inpainting discriminators).
    public var ndf: Int = 64
    public var lr: Double = 0.0002
    public var beta1: Double = 0.5
    public var lrPolicy: LRPolicy = .linear
    public var lrDecayIters: Int = 50
    public var nEpochs: Int = 100
    public var nEpochsDecay: Int = 100
    public var serialBatches: Bool = false
    public var maxDatasetSize: Int?
    /// Decoded batches kept ready by the background loader.
    public var prefetch: Int = 4
    public var seed: UInt64 = 0
    public var saveEpochFreq: Int = 5
    /// Also save the `latest` checkpoint every this many iterations (the reference's `--save_latest_freq`).
    public var saveLatestFreq: Int = 5000
    public var displayFreq: Int = 400
    /// Stop after this many iterations in total (nil: run all epochs).
    public var maxSteps: Int?

    /// JSON keys: the reference's option names.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case dataRoot = "dataroot", batchSize = "batch_size", ndf, lr, beta1, lrPolicy = "lr_policy"
        case lrDecayIters = "lr_decay_iters", nEpochs = "n_epochs", nEpochsDecay = "n_epochs_decay"
        case serialBatches = "serial_batches", maxDatasetSize = "max_dataset_size", prefetch, seed
        case saveEpochFreq = "save_epoch_freq", saveLatestFreq = "save_latest_freq", displayFreq = "display_freq"
        case maxSteps = "max_steps"
    }

    /// The defaults of `model`: the reference's for translation; BasicSR's for SR (Adam (0.9, 0.99), 2e-4,
    /// iterations rather than epochs); DeepFill v2's for inpainting (Adam 1e-4 (0.5, 0.999)).
    public init(model: TrainModelKind) {
        switch model {
        case .cyclegan, .pix2pix: break
        case .sr:
            beta1 = 0.9; batchSize = 4
            nEpochs = 1000; nEpochsDecay = 0; saveEpochFreq = 50; displayFreq = 100
        case .inpaint:
            lr = 1e-4; beta1 = 0.5
            nEpochs = 1000; nEpochsDecay = 0; saveEpochFreq = 50; displayFreq = 100
        }
    }

    /// Total epochs, `n_epochs + n_epochs_decay`.
    public var totalEpochs: Int { nEpochs + nEpochsDecay }

    /// Checks values that cannot work, naming the option.
    /// - Throws: `TrainError.badOption`.
    public func validate() throws {
        for (name, value) in [("ndf", ndf), ("batch-size", batchSize), ("save-epoch-freq", saveEpochFreq),
                              ("save-latest-freq", saveLatestFreq), ("display-freq", displayFreq), ("prefetch", prefetch),
                              ("max-steps", maxSteps ?? 1), ("max-dataset-size", maxDatasetSize ?? 1)] where value <= 0 {
            throw TrainError.badOption(option: name, value: "\(value)", "must be positive")
        }
        guard nEpochs >= 0, nEpochsDecay >= 0, totalEpochs > 0 else {
            throw TrainError.badOption(option: "n-epochs", value: "\(nEpochs)+\(nEpochsDecay)", "need at least one epoch")
        }
        guard lr > 0, lr.isFinite else { throw TrainError.badOption(option: "lr", value: "\(lr)", "must be positive") }
        guard beta1 >= 0, beta1 < 1 else { throw TrainError.badOption(option: "beta1", value: "\(beta1)", "must be in [0, 1)") }
    }
}

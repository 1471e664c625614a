import ArgumentParser
import MorphTrain

/// The options every `morph train sr|inpaint` run shares: data, run folder, optimisation and run control.
public struct CropTrainArguments: ParsableArguments {
    /// The defaults (ArgumentParser fills in what the command line gives).
    public init() {}

    @Option(help: "Folder of training images (searched recursively; images smaller than the crop are skipped).")
    public var data: String?
    @Option(help: "Run folder: config.json, log.csv, report.html, checkpoints/.")
    public var out: String
    @Flag(help: "Continue the run in --out from its latest checkpoint, with its saved options (only --max-steps and --data may change).")
    public var resume = false
    @Option(help: "Images per batch (default: 4 for sr, 1 for inpaint).")
    public var batchSize: Int?
    @Option(help: "Initial Adam learning rate (default: 2e-4 for sr, 1e-4 for inpaint).")
    public var lr: Double?
    @Option(help: "Discriminator width (num_feat of vgg_discriminator, unet_discriminator_sn or sn_patch).")
    public var ndf = cropDefaults.ndf
    @Option(help: "Training crops per epoch (images are visited in turn).")
    public var cropsPerEpoch = SRTrainOptions().cropsPerEpoch
    @Option(help: "Batches decoded ahead on the loader thread.")
    public var prefetch = cropDefaults.prefetch
    @Option(help: "Seed of every random choice (weights, crops, degradations, masks).")
    public var seed = cropDefaults.seed
    @Option(help: "Regenerate report.html (and measure the monitoring crops) every N steps.")
    public var displayFreq = cropDefaults.displayFreq
    @Option(help: "Keep the networks of every N-th epoch.")
    public var saveEpochFreq = cropDefaults.saveEpochFreq
    @Option(help: "Stop after this many steps in total (checkpointing first).")
    public var maxSteps: Int?

    /// Checks what the command line must give; the values are checked once, by `TrainOptions.validate()`.
    public func validate() throws {
        if !resume && data == nil { throw ValidationError("a new run needs --data (or --resume to continue --out)") }
    }

    /// Fills the shared options into `o`.
    public func apply(to o: inout TrainOptions) {
        if let batchSize { o.batchSize = batchSize }
        if let lr { o.lr = lr }
        o.ndf = ndf; o.prefetch = prefetch; o.seed = seed; o.displayFreq = displayFreq
        o.saveEpochFreq = saveEpochFreq; o.maxSteps = maxSteps
    }
}

/// The defaults the options above show (the same for SR and inpainting runs).
private let cropDefaults = CommonTrainOptions(model: .sr)
